"""Values still on the device: read back together, in one transfer per device, at a flush."""

from __future__ import annotations

from typing import Any, Callable, Optional


class DeferredStats:
    """A vector of statistics still on the device and how to turn it into a trace field.

    `decode` gets the vector's numbers as Python floats.
    """

    __slots__ = ("decode", "fields", "tensor")

    def __init__(
        self, tensor: Any, decode: Callable[[list[float]], Any], fields: Optional[dict[str, int]] = None
    ) -> None:
        self.tensor = tensor
        self.decode = decode
        # Event fields whose value sits in the vector too (a sampled step's loss and global
        # gradient norm): the step is then read back in one transfer, not three.
        self.fields = fields or {}

    def field(self, name: str, default: Any = None) -> Any:
        """The event field `name` as a VectorSlot of this vector, or `default` if it is not here."""
        index = self.fields.get(name)
        return default if index is None else VectorSlot(self, index)


class VectorSlot:
    """One number of a DeferredStats' vector, given as an event field: resolved from the numbers
    read for that vector at the flush that reads it."""

    __slots__ = ("index", "stats")

    def __init__(self, stats: DeferredStats, index: int) -> None:
        self.stats = stats
        self.index = index


def is_tensor(value: Any) -> bool:
    """A torch tensor, recognised without importing torch (it may not be installed)."""
    return type(value).__module__.startswith("torch") and hasattr(value, "detach")


def read_back(values: list[Any]) -> list[Optional[list[float]]]:
    """Reads tensors and DeferredStats in one `.tolist()` per device; plain numbers pass through.

    Each item comes back as a list of floats (one for a scalar), in the order given.
    """
    out: list[Optional[list[float]]] = [None] * len(values)
    by_device: dict[Any, list[tuple[int, Any]]] = {}
    for i, v in enumerate(values):
        t = v.tensor if isinstance(v, DeferredStats) else v
        if is_tensor(t):
            by_device.setdefault(t.device, []).append((i, t))
        elif isinstance(v, DeferredStats):
            out[i] = [float(x) for x in t]
        else:
            out[i] = [float(v)]
    if by_device:
        import torch

        for items in by_device.values():
            with torch.no_grad():
                # The step's 0-d values (losses) are stacked in one op, not reshaped one by one.
                scalars = [t.detach() for _, t in items if t.dim() == 0]
                parts = [torch.stack(scalars).to(torch.float32)] if scalars else []
                parts += [t.detach().reshape(-1).to(torch.float32) for _, t in items if t.dim() != 0]
                flat = parts[0] if len(parts) == 1 else torch.cat(parts)
            numbers = flat.tolist()  # the one host transfer of this device
            at, rest = 0, len(scalars)
            for i, t in items:
                if t.dim() == 0:
                    out[i] = numbers[at : at + 1]
                    at += 1
                else:
                    n = t.numel()
                    out[i] = numbers[rest : rest + n]
                    rest += n
    return out
