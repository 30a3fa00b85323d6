"""Each data split's example sketch (`sampleSketch` on epoch events, trace-format-extensions.md):
the smallest input hashes of the training loader and of every other loader the script iterates,
from which the server estimates how many validation examples are training examples."""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split

import traindx
from traindx.pytorch.split_sketch import sketch_dataset

from conftest import read_trace


def test_a_sketch_is_the_smallest_distinct_input_hashes_of_a_dataset():
    x = torch.arange(200, dtype=torch.float32).reshape(100, 2)
    data = TensorDataset(torch.cat([x, x[:10]]), torch.zeros(110))  # 10 duplicated rows
    sketch = sketch_dataset(data, size=16)
    assert sketch is not None
    assert (sketch["examples"], sketch["hashed"]) == (110, 110)
    assert sketch["hashes"] == sorted(sketch["hashes"]) and len(set(sketch["hashes"])) == 16
    # Input statistics over the hashed rows, per feature for narrow inputs.
    assert len(sketch["featureMeans"]) == 2 and sketch["featureMeans"][0] < sketch["featureMeans"][1]
    assert set(sketch["inputStats"]) == {"mean", "std"} and len(sketch["featureStds"]) == 2
    # A Subset is hashed from the rows it selects: the same examples give the same hashes.
    part = random_split(data, [60, 50], generator=torch.Generator().manual_seed(0))[0]
    whole = set(sketch_dataset(data, size=1000)["hashes"])  # type: ignore[index]
    assert set(sketch_dataset(part, size=1000)["hashes"]) <= whole  # type: ignore[index]


def test_the_training_and_validation_loaders_are_sketched_once_each(tmp_path):
    path = tmp_path / "splits.jsonl"
    torch.manual_seed(0)
    data = TensorDataset(torch.randn(96, 4), torch.randint(0, 2, (96,)))
    train, val = random_split(data, [64, 32], generator=torch.Generator().manual_seed(0))
    model = nn.Linear(4, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with traindx.init(out=str(path)) as run:
        run.watch(model, opt)
        for _ in range(3):
            for xb, yb in DataLoader(train, batch_size=16):
                opt.zero_grad()
                nn.functional.cross_entropy(model(xb), yb).backward()
                opt.step()
            with torch.no_grad():
                for xb, _ in DataLoader(val, batch_size=16):
                    model(xb)
    sketches = [e["sampleSketch"] for e in read_trace(path) if e["type"] == "epoch" and "sampleSketch" in e]
    # Both on epoch 0's event: it waits for the validation pass after its training loader.
    assert [sorted(s) for s in sketches] == [["train", "val"]]
    assert (sketches[0]["train"]["examples"], sketches[0]["val"]["examples"]) == (64, 32)
    # Disjoint splits share no hash.
    assert not set(sketches[0]["train"]["hashes"]) & set(sketches[0]["val"]["hashes"])
