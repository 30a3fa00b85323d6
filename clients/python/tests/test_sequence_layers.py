"""Recurrent and attention layers in the run event's model (issue 19, sequence models): named as
Keras names them, with their hidden size as units and all their weights counted, so the sequence
detectors can see an LSTM, GRU or RNN, or an attention layer, in a PyTorch model."""

from __future__ import annotations

from torch import nn

from traindx.pytorch.model_facts import describe_model, track_layers


class _Model(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(3, 16, batch_first=True)
        self.gru = nn.GRU(16, 16, num_layers=2, batch_first=True)
        self.rnn = nn.RNN(16, 8)
        self.att = nn.MultiheadAttention(8, 2)
        self.head = nn.Linear(8, 2)


def test_recurrent_and_attention_layers_are_described_by_type_units_and_weights():
    model = _Model()
    layers = {layer["name"]: layer for layer in describe_model(track_layers(model), model)["layers"]}
    assert {name: (layer["type"], layer.get("units")) for name, layer in layers.items()} == {
        "lstm": ("LSTM", 16),
        "gru": ("GRU", 16),
        "rnn": ("SimpleRNN", 8),
        "att": ("MultiHeadAttention", 8),
        "att.out_proj": ("Dense", 8),
        "head": ("Dense", 2),
    }
    # Every gate's input and recurrent weights and biases: 4 gates for an LSTM, 3 for a GRU.
    assert layers["lstm"]["params"] == 4 * (3 * 16 + 16 * 16 + 2 * 16)
    assert layers["gru"]["params"] == 3 * (16 * 16 + 16 * 16 + 2 * 16) * 2
