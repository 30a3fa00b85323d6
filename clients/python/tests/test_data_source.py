"""The whole training set behind the first batch: data_source.tensors_beside for a loop without a
DataLoader (the script's own tensors beside its first batch, or nothing when that is not
certain), data_facts.loader_facts for a DataLoader's data set."""

from __future__ import annotations

import sys

import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset, random_split

from traindx.pytorch.data_facts import describe_data, loader_facts
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


def test_a_random_split_of_a_tensor_dataset_gives_its_own_examples():
    x, y = _data()
    train, val = random_split(TensorDataset(x, y), [240, 60], generator=torch.Generator().manual_seed(0))
    half = torch.utils.data.Subset(train, list(range(0, 240, 2)))  # a Subset of a Subset
    for subset, size in ((train, 240), (half, 120)):
        facts = loader_facts(DataLoader(subset, batch_size=16))
        rows = [subset[i] for i in range(size)]
        assert facts["train_size"] == size and facts["batch_size"] == 16
        assert torch.equal(facts["all_labels"], torch.stack([label for _, label in rows]))
        assert torch.equal(facts["all_inputs"], torch.stack([inputs for inputs, _ in rows]))
    assert len(val) == 60


class _Images(Dataset):
    """torchvision's convention: a `targets` list of class indices beside items read one by one."""

    def __init__(self) -> None:
        self.targets = [i % 3 for i in range(90)] + [0] * 30

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        return torch.zeros(2, 4, 4), self.targets[i]


def test_a_data_set_with_targets_gives_every_label_and_no_inputs():
    facts = loader_facts(DataLoader(_Images(), batch_size=8))
    assert facts["train_size"] == 120 and "all_inputs" not in facts
    assert torch.bincount(facts["all_labels"]).tolist() == [60, 30, 30]
