"""data_source.tensors_beside: the whole training set of a loop without a DataLoader, found as the
script's own tensors beside its first batch, or nothing when that is not certain."""

from __future__ import annotations

import sys

import torch

from traindx.pytorch.data_facts import describe_data
from traindx.pytorch.data_source import tensors_beside


def _data(n: int = 300, features: int = 5) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    return torch.randn(n, features, generator=g), torch.randint(0, 3, (n,), generator=g)


def test_the_smallest_tensor_holding_the_batch_and_its_labels_are_the_training_set():
    x, y = _data()
    x_train, y_train, x_val, y_val = x[:200], y[:200], x[200:], y[200:]
    order = torch.randperm(200, generator=torch.Generator().manual_seed(1))
    xb, yb = x_train[order[:16]], y_train[order[:16]]  # copies, as fancy indexing makes them
    facts = tensors_beside(xb, yb, sys._getframe())
    assert facts["train_size"] == 200
    assert facts["all_inputs"] is x_train and facts["all_labels"] is y_train
    dataset = describe_data(xb, yb, num_classes=3, all_labels=facts["all_labels"], train_size=200)
    assert sum(dataset["classCounts"]) == 200 and "classCountsSampled" not in dataset
    assert x_val.shape[0] == y_val.shape[0] == 100  # (beside the training set, not it)


def test_labels_that_cannot_be_told_apart_are_not_guessed():
    x_train, y_train = _data()
    y_copy = y_train.clone()  # the same values: either could be the labels
    facts = tensors_beside(x_train[:16], y_train[:16], sys._getframe())
    assert facts["train_size"] == 300 and "all_labels" not in facts
    assert y_copy.shape == y_train.shape


def test_a_batch_from_elsewhere_gives_nothing_and_its_counts_are_marked_as_a_sample():
    x_train, y_train = _data()
    xb, yb = _data(16)[0] + 100, _data(16)[1]
    assert tensors_beside(xb, yb, sys._getframe()) == {}
    dataset = describe_data(xb, yb, num_classes=3)
    assert sum(dataset["classCounts"]) == 16 and dataset["classCountsSampled"] is True
    assert len(x_train) == len(y_train)


def test_rows_with_nan_are_looked_up_by_the_finite_ones():
    x_train, y_train = _data()
    x_train[3, 0] = float("nan")
    facts = tensors_beside(x_train[:8], y_train[:8], sys._getframe())
    assert facts["all_inputs"] is x_train and facts["all_labels"] is y_train
