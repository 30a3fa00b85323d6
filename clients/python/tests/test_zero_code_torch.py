"""`python -m traindx run -- script.py` on an unchanged PyTorch script: the project's reader
accepts the trace, planted faults are diagnosed as those faults, crashes and extra runs are kept."""

from __future__ import annotations

from conftest import SCRIPTS, diagnose_all, read_trace, run_traindx, top_cause, untimed

SCRIPT = str(SCRIPTS / "torch_mlp.py")


def test_records_an_unchanged_script_the_reader_accepts(tmp_path):
    out = tmp_path / "healthy.jsonl.gz"
    done = run_traindx(
        ["run", "--out", str(out), "--every", "5", "--", SCRIPT, "--epochs", "2", "--runs", "2"]
    )
    assert done.returncode == 0, done.stderr
    assert "epoch 1 loss" in done.stdout  # the script's own output, argparse and __main__ intact
    second = tmp_path / "healthy-2.jsonl.gz"
    events = read_trace(out)
    run = events[0]
    assert run["framework"] == "pytorch" and run["task"] == "classification"
    assert run["loss"] == "categorical_crossentropy" and run["tags"]["lossFn"] == "torch.nn.CrossEntropyLoss"
    assert [layer["name"] for layer in run["model"]["layers"]] == ["0", "1", "2", "3", "4"]
    assert run["optimizer"] == {
        "name": "sgd",
        "learningRate": 0.05,
        "momentum": 0.0,
        "weightDecay": 0.0,
        "nesterov": False,
    }
    assert run["batchSize"] == 32 and run["dataset"]["trainSize"] == 512
    assert run["epochs"] == 2  # the script's `for epoch in range(args.epochs)` (planned_epochs.py)
    assert sum(run["dataset"]["classCounts"]) == 512 and run["dataset"]["numClasses"] == 4
    steps = [e for e in events if e["type"] == "step"]
    assert len(steps) == 32 and all("loss" in e and "gradNorm" in e for e in steps)
    assert [e["step"] for e in steps if "layers" in e] == [0, 5, 10, 15, 20, 25, 30]
    assert "deadFraction" in steps[5]["layers"]["1"]  # activations from step `every` on
    assert [e["epoch"] for e in events if e["type"] == "epoch"] == [0, 1]
    assert events[-1]["type"] == "end" and events[-1]["status"] == "completed"
    assert read_trace(second)[0]["name"] == "torch_mlp-2"  # named after the script
    results = diagnose_all([out, second])
    assert [code for code, _, _ in results] == [0, 0], [err for _, _, err in results]


def test_a_crash_ends_the_run_as_crashed_and_keeps_the_exit_code(tmp_path):
    out = tmp_path / "crash.jsonl"
    done = run_traindx(["run", "--out", str(out), "--", SCRIPT, "--crash-at", "7"])
    assert done.returncode == 1
    assert "RuntimeError: planted crash" in done.stderr
    events = read_trace(out)
    assert untimed(events[-1]) == {
        "type": "end",
        "status": "crashed",
        "step": 6,
        "reason": "RuntimeError: planted crash",
    }


def test_ctrl_c_ends_the_run_as_interrupted_and_the_reader_accepts_it(tmp_path):
    out = tmp_path / "interrupted.jsonl"
    done = run_traindx(["run", "--out", str(out), "--", SCRIPT, "--interrupt-at", "9"])
    assert done.returncode != 0 and "KeyboardInterrupt" in done.stderr
    assert untimed(read_trace(out)[-1]) == {
        "type": "end",
        "status": "interrupted",
        "step": 8,
        "reason": "KeyboardInterrupt",
    }
    [(code, _, err)] = diagnose_all([out])
    assert code == 0, err


def test_planted_faults_are_diagnosed_as_those_faults(tmp_path):
    faults = {
        "learning_rate_too_high": ["--lr", "10"],
        "saturating_activation": ["--sigmoid-depth", "8"],
        "unnormalized_inputs": ["--scale", "100", "--optimizer", "adam", "--lr", "0.001"],
    }
    paths = []
    for cause, args in faults.items():
        path = tmp_path / f"{cause}.jsonl"
        done = run_traindx(["run", "--out", str(path), "--", SCRIPT, "--epochs", "4", *args])
        assert done.returncode == 0, done.stderr
        paths.append(path)
    results = diagnose_all(paths)
    assert [top_cause(body) for _, body, _ in results] == list(faults)
    assert read_trace(paths[0])[-1]["status"] == "diverged"
