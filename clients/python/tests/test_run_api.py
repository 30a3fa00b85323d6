"""The explicit API without a framework: events, encoding, end statuses, the eval event."""

from __future__ import annotations

import json
import zlib

import pytest

import traindx
from traindx.classification import classification_report

from conftest import diagnose, read_trace, untimed


def test_eval_reports_confusion_and_per_class_and_macro_scores():
    report = classification_report([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 0])
    assert report["confusion"] == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    assert report["predictedClassCounts"] == [2, 3, 1]
    # precision 1/2, 2/3, 1; recall 1/2, 1, 1/2; F1 1/2, 4/5, 2/3
    assert report["perClass"]["precision"] == [0.5, 0.666667, 1.0]
    assert report["perClass"]["recall"] == [0.5, 1.0, 0.5]
    assert report["perClass"]["f1"] == [0.5, 0.8, 0.666667]
    assert report["metrics"] == {
        "accuracy": 0.666667,
        "precision": pytest.approx((0.5 + 2 / 3 + 1) / 3, abs=1e-6),
        "recall": pytest.approx(2 / 3, abs=1e-6),
        "f1": pytest.approx((0.5 + 0.8 + 2 / 3) / 3, abs=1e-6),
    }


def test_eval_takes_scores_and_takes_their_argmax():
    report = classification_report([1, 0], [[0.2, 0.8], [0.9, 0.1]])
    assert report["metrics"]["accuracy"] == 1.0


def test_a_run_written_by_hand_is_read_by_the_project(tmp_path):
    path = tmp_path / "manual.jsonl"
    with traindx.init(out=str(path), name="manual", config={"batch_size": 8, "epochs": 2, "lr": 0.1}) as run:
        run.describe(task="classification", loss="sparse_categorical_crossentropy")
        for step in range(6):
            run.log(step, loss=1.0 / (step + 1), metrics={"accuracy": step / 6}, epoch=step // 3)
            if step % 3 == 2:
                run.log_epoch(step // 3, train={"loss": 0.5}, val={"loss": 0.6, "accuracy": 0.7})
        run.eval("test", [0, 1, 1, 0], [0, 1, 0, 0], metrics={"loss": 0.4})
    events = read_trace(path)
    assert [e["type"] for e in events] == ["run"] + ["step"] * 3 + ["epoch"] + ["step"] * 3 + [
        "epoch",
        "eval",
        "end",
    ]
    assert events[0]["batchSize"] == 8 and events[0]["tags"]["config.lr"] == "0.1"
    assert events[-2]["metrics"]["loss"] == 0.4 and events[-2]["confusion"] == [[2, 0], [1, 1]]
    # Every event is dated in epoch ms (trace-format-extensions.md), never going back in time.
    times = [e["time"] for e in events]
    assert all(isinstance(t, int) and t > 1_600_000_000_000 for t in times), times
    assert times == sorted(times), times
    code, body, err = diagnose(path)
    assert code == 0, err
    assert body["runId"] == events[0]["id"]


def test_non_finite_values_are_written_as_strings_and_end_the_run_as_diverged(tmp_path):
    path = tmp_path / "nan.jsonl"
    run = traindx.init(out=str(path))
    run.log(0, loss=2.0)
    run.log(1, loss=float("nan"), grad_norm=float("inf"))
    run.finish()
    lines = path.read_text().splitlines()
    assert untimed(json.loads(lines[2])) == {"type": "step", "step": 1, "loss": "NaN", "gradNorm": "Infinity"}
    assert untimed(json.loads(lines[-1])) == {
        "type": "end",
        "status": "diverged",
        "step": 1,
        "reason": "loss is nan at step 1",
    }


@pytest.mark.parametrize(
    ("error", "status", "reason"),
    [
        (ValueError("bad shape"), "crashed", "ValueError: bad shape"),
        (KeyboardInterrupt(), "interrupted", "KeyboardInterrupt"),
    ],
)
def test_the_context_manager_ends_the_run_as_the_block_ended(tmp_path, error, status, reason):
    path = tmp_path / "end.jsonl"
    with pytest.raises(type(error)), traindx.init(out=str(path)) as run:
        run.log(0, loss=1.0)
        raise error
    assert untimed(read_trace(path)[-1]) == {"type": "end", "status": status, "step": 0, "reason": reason}


def test_a_gzipped_trace_is_readable_before_the_run_ends(tmp_path):
    path = tmp_path / "live.jsonl.gz"
    run = traindx.init(out=str(path))
    for step in range(40):  # past the 32 steps a flush waits at most
        run.log(step, loss=1.0)
    partial = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(path.read_bytes()).decode()
    assert len(partial.splitlines()) >= 33  # the run event and 32 steps, as a crash would leave them
    run.finish()
    assert len(read_trace(path)) == 42


def test_steps_must_increase(tmp_path, capsys):
    path = tmp_path / "order.jsonl"
    with traindx.init(out=str(path)) as run:
        run.log(5, loss=1.0)
        run.flush()
        run.log(3, loss=1.0)
    assert [e.get("step") for e in read_trace(path)][1:] == [5, 5]
    assert "steps must increase" in capsys.readouterr().err
