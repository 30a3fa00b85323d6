"""Attention statistics of `nn.MultiheadAttention` layers, on sampled steps only (issue 19).

A forward pre-hook sees the layer's (query, key) and recomputes the scaled dot products
q·kᵀ/√d of every head for the first example of the batch and at most `MAX_ROWS` query rows,
under `torch.no_grad`. It reads the layer's weights and its inputs and writes nothing: no random
draw, no mode change, and the layer's own forward (fast path or not, need_weights or not) runs
as it would without the hook. Two numbers per layer are written into the step vector
(step_vector.py) with no read back to the host (on CUDA a read in the forward pass would stall
it), and go into the step's `layers.<name>`:

- `attnLogitMax`: the largest |q·kᵀ/√d| over the rows read (masked positions left out);
- `attnEntropy`: the mean entropy, in nats, of the softmax rows (0 when every row puts all its
  weight on one key, ln S when it spreads evenly over S keys).

Logits that keep growing until the softmax is one-hot are the instability Dehghani et al. 2023
and Wortsman et al. 2023 describe (attention logit growth, fixed by layer-normalising q and k).
"""

from __future__ import annotations

import math
from typing import Any, Optional

import torch
import torch.nn.functional as F
from torch import nn

from ..deferred import DeferredStats
from ..guard import report
from .compiled import compiling
from .model_facts import TrackedLayer

# Slots per attention layer in the step vector: max |logit| and mean row entropy.
ATTN_SLOTS = 2

# Rows read per layer and step: enough to see the largest logits of a head (they grow in every
# row alike), and the cost stays a few small matrix products whatever the sequence length.
MAX_ROWS = 64


def attention_logits(
    module: nn.MultiheadAttention,
    query: torch.Tensor,
    key: torch.Tensor,
    attn_mask: Optional[torch.Tensor] = None,
    key_padding_mask: Optional[torch.Tensor] = None,
    is_causal: bool = False,
    max_rows: int = MAX_ROWS,
) -> torch.Tensor:
    """The scaled dot products of the first example, (heads, rows, keys), masked entries -inf.

    Follows `F.multi_head_attention_forward`'s input projection: one packed `in_proj_weight`
    when query, key and value share the embedding size, else `q_proj_weight` and `k_proj_weight`.
    """
    if query.dim() == 2:  # unbatched (L, E)
        q_in, k_in = query, key
    elif module.batch_first:
        q_in, k_in = query[0], key[0]
    else:
        q_in, k_in = query[:, 0], key[:, 0]
    q_in = q_in[:max_rows]
    e, h = module.embed_dim, module.num_heads
    if module._qkv_same_embed_dim:
        w_q, w_k = module.in_proj_weight[:e], module.in_proj_weight[e : 2 * e]
    else:
        w_q, w_k = module.q_proj_weight, module.k_proj_weight
    b = module.in_proj_bias
    q = F.linear(q_in, w_q, None if b is None else b[:e])
    k = F.linear(k_in, w_k, None if b is None else b[e : 2 * e])
    if module.bias_k is not None:  # add_bias_kv: one more key
        k = torch.cat([k, module.bias_k.reshape(1, e)])
    d = e // h
    q = q.reshape(q.shape[0], h, d).transpose(0, 1)
    k = k.reshape(k.shape[0], h, d).transpose(0, 1)
    logits = q @ k.transpose(1, 2) / math.sqrt(d)  # (h, rows, keys)
    rows, keys = logits.shape[1], logits.shape[2]
    masked = torch.zeros(rows, keys, dtype=torch.bool, device=logits.device)
    extra = torch.zeros(rows, keys, dtype=logits.dtype, device=logits.device)
    if attn_mask is not None:
        m = attn_mask[0] if attn_mask.dim() == 3 else attn_mask  # (N*heads, L, S): the first head's
        m = m[:rows, : min(keys, m.shape[-1])]
        if m.dtype == torch.bool:
            masked[:, : m.shape[1]] |= m
        else:
            extra[:, : m.shape[1]] += m.to(logits.dtype)
    elif is_causal:
        masked |= torch.ones(rows, keys, dtype=torch.bool, device=logits.device).triu(1)
    if key_padding_mask is not None:
        p = key_padding_mask if key_padding_mask.dim() == 1 else key_padding_mask[0]
        p = p[: min(keys, p.shape[-1])]
        if p.dtype == torch.bool:
            masked[:, : p.shape[0]] |= p
        else:
            extra[:, : p.shape[0]] += p.to(logits.dtype)
    logits = logits + extra
    return logits.masked_fill(masked, float("-inf"))


def attention_layers(layers: list[TrackedLayer]) -> list[TrackedLayer]:
    return [layer for layer in layers if isinstance(layer.module, nn.MultiheadAttention)]


def summarise_logits(logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(max |logit| over the unmasked entries, mean softmax-row entropy in nats) as 0-d tensors
    on the logits' device: no value is read, so nothing waits for the device (0 where every
    entry or row is masked)."""
    finite = torch.isfinite(logits)
    top = logits.abs().masked_fill(~finite, 0).amax()
    logp = torch.log_softmax(logits, dim=-1)
    p = logp.exp()
    # Masked entries have p = 0 and logp = -inf; 0·log 0 counts as 0.
    terms = torch.where(p > 0, p * logp, torch.zeros_like(p))
    entropy = -terms.sum(dim=-1)
    rows = torch.isfinite(entropy)  # a fully masked row has no entropy
    mean = torch.where(rows, entropy, torch.zeros_like(entropy)).sum() / rows.sum().clamp(min=1)
    return top, mean


class AttentionTaps:
    """Pre-hooks on the model's `nn.MultiheadAttention` layers, attached like ActivationTaps for
    sampled steps only. Only forwards with gradients on are read (the training forward; a
    validation pass under no_grad between two steps neither costs nor overwrites anything)."""

    def __init__(self, layers: list[TrackedLayer], slots: list[torch.Tensor], first: int) -> None:
        """`slots`: the step vector's, ATTN_SLOTS per attention layer from `first` on, in the
        order of `attention_layers(layers)`."""
        self.layers = attention_layers(layers)
        self.slots = slots
        self.first = first
        self.captured: dict[str, int] = {}  # the layers read since the last merge, and their slots
        self._handles: list[Any] = []
        self.disabled = False  # no taps for this run: an error in a hook (guard.py), a compiled model

    def attach(self) -> None:
        if self._handles or not self.layers or self.disabled:
            return
        self.captured = {}
        for k, layer in enumerate(self.layers):
            self._handles.append(
                layer.module.register_forward_pre_hook(
                    self._hook(layer.name, self.first + k * ATTN_SLOTS), with_kwargs=True
                )
            )

    def detach(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def merge_into(self, layers: Optional[DeferredStats]) -> Optional[DeferredStats]:
        """Adds what the hooks caught since the last call to the step's per-layer statistics, the
        DeferredStats of the step vector the hooks wrote into (its decode then adds them)."""
        captured, self.captured = self.captured, {}
        if layers is None or not captured:
            return layers
        decode = layers.decode

        def add(values: list[float]) -> dict[str, Any]:
            out = decode(values)
            for name, at in captured.items():
                top, entropy = values[at], values[at + 1]
                if math.isfinite(top) and math.isfinite(entropy):
                    out.setdefault(name, {}).update(attnLogitMax=top, attnEntropy=max(0.0, entropy))
            return out

        layers.decode = add
        return layers

    def _hook(self, name: str, at: int) -> Any:
        top_slot, entropy_slot = self.slots[at], self.slots[at + 1]

        def hook(module: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
            if compiling() or not torch.is_grad_enabled():  # (compiled.py: traced, it is nothing)
                return
            try:
                query = args[0] if args else kwargs["query"]
                key = args[1] if len(args) > 1 else kwargs["key"]
                # forward(query, key, value, key_padding_mask, need_weights, attn_mask, ...)
                padding = args[3] if len(args) > 3 else kwargs.get("key_padding_mask")
                mask = args[5] if len(args) > 5 else kwargs.get("attn_mask")
                causal = bool(kwargs.get("is_causal", False))
            except (KeyError, IndexError):
                return
            if not isinstance(query, torch.Tensor) or not isinstance(key, torch.Tensor) or query.numel() == 0:
                return
            if self.disabled:
                return
            try:
                with torch.no_grad():
                    logits = attention_logits(module, query, key, mask, padding, causal)  # type: ignore[arg-type]
                    top, entropy = summarise_logits(logits.float())
                    top_slot.copy_(top)  # (the vector is on the parameters' device)
                    entropy_slot.copy_(entropy)
            except Exception as err:  # an odd attention costs the run its logits, never its forward
                self.disabled = True
                report("stopped reading attention logits", err)
                return
            self.captured[name] = at

        return hook
