"""training_rows.TrainingRows: whether a batch's first rows are rows of the training set, by exact
keys of their bytes, checked against the rows themselves."""

from __future__ import annotations

import sys

import torch

from traindx.pytorch.data_source import stream_beside
from traindx.pytorch.training_rows import TrainingRows, training_rows, training_windows


def _split() -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.randn(500, 7, generator=torch.Generator().manual_seed(0))
    return x[:400], x[400:]


def test_copies_of_training_rows_are_found_and_validation_rows_are_not():
    x_train, x_val = _split()
    rows = TrainingRows(x_train)
    order = torch.randperm(400, generator=torch.Generator().manual_seed(1))
    assert rows.holds(x_train[order[:32]])  # a random batch: a copy, in another order
    assert rows.holds(x_train.clone())
    assert rows.holds(x_train[5:6])
    assert not rows.holds(x_val)
    assert not rows.holds(x_val[:32])
    # A batch whose first rows are training rows but one of them is not: not the training data.
    mixed = torch.cat([x_train[:3], x_val[:1], x_train[3:20]])
    assert not rows.holds(mixed)
    # A row that differs from a training row in one bit is not one.
    nudged = x_train[:4].clone()
    nudged[2, 3] = torch.nextafter(nudged[2, 3], torch.tensor(1.0))
    assert not rows.holds(nudged)


def test_other_shapes_dtypes_and_odd_values():
    x_train, _ = _split()
    rows = TrainingRows(x_train)
    assert not rows.holds(x_train.double())
    assert not rows.holds(x_train[:, :6])
    assert not rows.holds(torch.empty(0, 7))
    assert not rows.holds(None)
    with_nan = x_train.clone()
    with_nan[10, 2] = float("nan")
    assert TrainingRows(with_nan).holds(with_nan[8:14])  # NaN rows compare by their bytes
    tokens = torch.randint(0, 50, (300, 16), generator=torch.Generator().manual_seed(2))
    assert TrainingRows(tokens).holds(tokens[torch.tensor([7, 3, 250])])
    images = torch.rand(64, 3, 8, 8, generator=torch.Generator().manual_seed(3))
    assert TrainingRows(images).holds(images[10:20]) and not TrainingRows(images[:32]).holds(images[40:])
    assert TrainingRows(torch.arange(100.0)).holds(torch.tensor([4.0, 99.0]))  # one value per row


def test_many_equal_rows_and_rows_sharing_keys_cost_comparisons_not_answers():
    """A set of mostly identical rows (zeros: blank images) keeps a key shared by hundreds of rows;
    a row that is not among them is still told apart."""
    x = torch.zeros(2000, 5)
    x[1500:] = torch.randn(500, 5, generator=torch.Generator().manual_seed(4))
    rows = TrainingRows(x)
    assert rows.holds(torch.zeros(8, 5))
    assert rows.holds(x[1990:])
    assert not rows.holds(torch.ones(8, 5))


def test_no_index_without_training_inputs():
    assert training_rows(None) is None
    assert training_rows(torch.tensor(3.0)) is None
    assert training_rows(torch.empty(0, 4)) is None
    assert isinstance(training_rows(torch.randn(10, 4)), TrainingRows)


def test_windows_of_a_token_stream_are_told_from_another_streams():
    g = torch.Generator().manual_seed(5)
    data = torch.randint(0, 30, (2000,), generator=g)
    train, val = data[:1800], data[1800:]
    windows = training_windows(train, 12)
    assert windows is not None
    ix = torch.randint(0, 1800 - 12, (8,), generator=g)
    assert windows.holds(torch.stack([train[i : i + 12] for i in ix]))
    assert not windows.holds(torch.stack([val[i : i + 12] for i in range(0, 40, 5)]))
    assert not windows.holds(torch.stack([train[i : i + 11] for i in ix]))  # another width
    assert not windows.holds(torch.stack([train[i : i + 12] for i in ix]).int())  # another dtype
    assert training_windows(torch.tensor([-1, 2, 3, 4]), 2) is None  # ids the key cannot hold
    assert training_windows(torch.randn(100), 4) is None


def test_the_stream_batches_are_cut_from_is_found_beside_them():
    data = torch.randint(0, 30, (500,), generator=torch.Generator().manual_seed(6))
    train_data, val_data = data[:400], data[400:]
    xb = torch.stack([train_data[i : i + 8] for i in (3, 50, 200)])
    assert stream_beside(xb, sys._getframe()) is train_data  # the shortest that holds it
    assert stream_beside(torch.stack([val_data[i : i + 8] for i in (1, 9)]), sys._getframe()) is val_data
    assert stream_beside(xb.float(), sys._getframe()) is None
    assert (data.numel(), val_data.numel()) == (500, 100)  # (both in this frame, as in a script's)
