"""The planned epochs of a hand-written loop, read from the loop that runs (planned_epochs.py):
each shape of loop is a small module of its own, imported from a file, whose innermost statement
asks as the optimizer's step hook would."""

from __future__ import annotations

import importlib.util
import re
import textwrap
from pathlib import Path
from typing import Any, Optional

import pytest

from traindx.planned_epochs import epochs_of_fit_loop, planned_epochs

SHAPES = {
    "epochs around a loader": (
        """
        def train(args, loader, step):
            for epoch in range(args.epochs):
                for x, y in loader:
                    step()
        result = run(lambda step: train(Args(), [(1, 2)] * 3, step))
        """,
        7,
    ),
    "start and stop": (
        """
        EPOCHS = 5
        def train(step):
            for epoch in range(1, EPOCHS + 1):
                for i in range(0, 100, 10):
                    step()
        result = run(train)
        """,
        5,
    ),
    "the epoch loop in the caller's frame": (
        """
        def one_epoch(step):
            for i, batch in enumerate([1, 2]):
                if batch:
                    step()
        def train(step, config):
            for epoch in range(config["epochs"] * 2):
                one_epoch(step)
        result = run(lambda step: train(step, {"epochs": 3}))
        """,
        6,
    ),
    "a phase loop between": (
        """
        def train(step):
            for epoch in range(int("4")):
                for phase in ("train", "val"):
                    for batch in range(3):
                        step()
        result = run(train)
        """,
        4,
    ),
    "tqdm around the range": (
        """
        def tqdm(it, **kwargs):
            return it
        def train(step, n):
            for epoch in tqdm(range(n), desc="epochs"):
                for batch in range(2):
                    step()
        result = run(lambda step: train(step, 9))
        """,
        9,
    ),
    "steps with no epoch loop": (
        """
        def train(step):
            for it in range(100):
                step()
        result = run(train)
        """,
        None,
    ),
    "epochs counted in a while loop": (
        """
        def train(step):
            epoch = 0
            while epoch < 3:
                for batch in range(2):
                    step()
                epoch += 1
        result = run(train)
        """,
        None,
    ),
    "a bound the evaluator refuses": (
        """
        def train(step, schedule):
            for epoch in range(len(schedule)):
                for batch in range(2):
                    step()
        result = run(lambda step: train(step, [1, 2, 3]))
        """,
        None,
    ),
    "epochs from a list": (
        """
        def train(step):
            for epoch in [0, 1, 2]:
                for batch in range(2):
                    step()
        result = run(train)
        """,
        None,
    ),
}

PRELUDE = """
from traindx.planned_epochs import planned_epochs

class Args:
    epochs = 7

def run(train):
    seen = []
    def step():
        if not seen:
            seen.append(planned_epochs())
    train(step)
    return seen[0]
"""


def _result_of(tmp_path: Path, name: str, source: str, prelude: str = PRELUDE) -> Optional[int]:
    """`result` of `prelude` + `source` run as a module of its own file (a script's frames)."""
    path = tmp_path / f"{re.sub(r'[^A-Za-z0-9]+', '_', name)}.py"
    path.write_text(prelude + textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.result


@pytest.mark.parametrize("shape", list(SHAPES))
def test_reads_the_range_of_the_epoch_loop_and_nothing_else(tmp_path, shape):
    source, expected = SHAPES[shape]
    assert _result_of(tmp_path, shape, source) == expected


def test_a_bound_that_raises_when_read_again_costs_only_the_fact(tmp_path):
    source = """
    class Config:
        reads = 0
        @property
        def epochs(self):
            Config.reads += 1
            if Config.reads > 1:
                raise RuntimeError("read once")
            return 3
    def train(step, config):
        for epoch in range(config.epochs):
            for batch in range(2):
                step()
    result = run(lambda step: train(step, Config()))
    """
    assert _result_of(tmp_path, "raising", source) is None


def test_pytest_frames_hold_no_epoch_loop():
    assert planned_epochs() is None


FIT_LOOPS = {
    "the same model fitted once per epoch": (
        """
        model = Model()
        for epoch in range(4):
            history = model.fit(
                [1, 2], epochs=1
            )
        result = model.seen
        """,
        4,
    ),
    "a model built in each pass (folds)": (
        """
        for fold in range(5):
            model = Model()
            model.fit([1, 2], epochs=1)
        result = model.seen
        """,
        None,
    ),
    "a model built in the call": (
        """
        for trial in range(3):
            Model().fit([1, 2])
        result = Model.last
        """,
        None,
    ),
    "a function that fits once, called once per epoch": (
        """
        def train_one_epoch(model, x):
            history = model.fit(x, epochs=1)
            return history
        model = Model()
        for epoch in range(6):
            train_one_epoch(model, [1, 2])
        result = model.seen
        """,
        6,
    ),
    "a function that fits a model it builds, called per fold": (
        """
        def train_fold(x):
            model = Model()
            model.fit(x, epochs=1)
            return model
        for fold in range(5):
            last = train_fold([1, 2])
        result = last.seen
        """,
        None,
    ),
    "a function called in a loop that rebinds the model": (
        """
        def fit_once(model):
            model.fit([1, 2], epochs=1)
        for trial in range(3):
            model = Model()
            fit_once(model)
        result = model.seen
        """,
        None,
    ),
    "one fit at the top level": (
        """
        model = Model()
        model.fit([1, 2], epochs=1)
        result = model.seen
        """,
        None,
    ),
    "a loop over settings": (
        """
        model = Model()
        for rate in [0.1, 0.01]:
            model.fit([1, 2])
        result = model.seen
        """,
        None,
    ),
}

# `fit` stands for Keras' (a frame of an installed package, which the walk passes over): it
# hands its caller's frame over, as traindx's wrapper of it is reached from that frame.
FIT_PRELUDE = """
import sys
from traindx.planned_epochs import epochs_of_fit_loop

class Model:
    last = None
    def __init__(self):
        self.seen = "unset"
    def fit(self, x, epochs=1):
        if self.seen == "unset":
            self.seen = epochs_of_fit_loop(sys._getframe(1), model=self)
        Model.last = self.seen
"""


@pytest.mark.parametrize("shape", list(FIT_LOOPS))
def test_reads_a_fit_loops_range_only_where_it_loops_over_epochs(tmp_path, shape):
    source, expected = FIT_LOOPS[shape]
    assert _result_of(tmp_path, shape, source, FIT_PRELUDE) == expected
    assert epochs_of_fit_loop() is None  # pytest's frames: no fit loop around this line


# `step(x)` stands for the optimizer step of a loop that trained on `x` (the first batch).
SAME_PRELUDE = """
import sys
import torch
from traindx.planned_epochs import same_each_pass

seen = []

def step(x):
    if not seen:
        seen.append(same_each_pass(x.detach(), sys._getframe()))
"""

SAME_EACH_PASS = {
    "the whole training tensor each epoch": (
        """
        X_train = torch.randn(40, 3)
        for epoch in range(3):
            step(X_train)
        result = seen[0]
        """,
        True,
    ),
    "the tensors handed to a step function": (
        """
        def train_step(X, y):
            step(X)
        X, y = torch.randn(40, 3), torch.zeros(40)
        for epoch in range(3):
            train_step(X, y)
        result = seen[0]
        """,
        True,
    ),
    "a batch bound by the loop": (
        """
        X = torch.randn(40, 3)
        for epoch in range(3):
            for i in range(0, 40, 10):
                xb = X[i : i + 10]
                step(xb)
        result = seen[0]
        """,
        False,
    ),
    "a slice made in the call": (
        """
        X = torch.randn(40, 3)
        for epoch in range(3):
            for i in range(0, 40, 10):
                step(X[i : i + 10])
        result = seen[0]
        """,
        False,
    ),
    "a loop over a list of tensors": (
        """
        X1, X2 = torch.randn(40, 3), torch.randn(40, 3)
        for xb in [X1, X2]:
            step(xb)
        result = seen[0]
        """,
        False,
    ),
    "no loop at all": (
        """
        X = torch.randn(40, 3)
        step(X)
        result = seen[0]
        """,
        False,
    ),
}


@pytest.mark.parametrize("shape", list(SAME_EACH_PASS))
def test_tells_a_set_trained_on_whole_in_each_pass_from_batches(tmp_path, shape):
    source, expected = SAME_EACH_PASS[shape]
    assert _result_of(tmp_path, shape, source, SAME_PRELUDE) is expected
