"""A loop whose loss is computed on a detached tensor: no parameter gets a gradient, and the trace
says so with gradNorm 0 on sampled steps (global and per layer), so `traindx diagnose` can tell
"nothing reached the weights" from a tiny gradient. The healthy twin is recorded as before."""

from __future__ import annotations

from conftest import REPO, diagnose_all, read_trace, run_traindx, top_cause

SCRIPT = str(REPO / "bench" / "pyfaults" / "loop-bugs" / "detached_loss.py")


def test_a_detached_loss_is_recorded_as_gradient_norm_zero_and_diagnosed(tmp_path):
    bug, fixed = tmp_path / "detached.jsonl.gz", tmp_path / "fixed.jsonl.gz"
    for out, args in ((bug, []), (fixed, ["--fixed"])):
        done = run_traindx(["run", "--out", str(out), "--", SCRIPT, "--epochs", "2", *args])
        assert done.returncode == 0, done.stderr

    events = read_trace(bug)
    steps = [e for e in events if e["type"] == "step"]
    sampled = [e for e in steps if "layers" in e]
    assert len(steps) == 64 and [e["step"] for e in sampled] == list(range(0, 64, 10))
    for e in sampled:
        assert e["gradNorm"] == 0, e
        # Every trainable layer (the three Linears) got no gradient; the ReLUs have no weights.
        graded = {k: s.get("gradNorm") for k, s in e["layers"].items() if "weightNorm" in s}
        assert graded == {"0": 0, "2": 0, "4": 0}, e
        assert not any("gradNorm" in s for s in e["layers"].values() if "weightNorm" not in s), e
    # Unsampled steps do not look at requires_grad: no reading, no field.
    assert not any("gradNorm" in e for e in steps if "layers" not in e)
    # Dated events, never going back in time, from the run event to the end event.
    times = [e["time"] for e in events]
    assert all(isinstance(t, int) for t in times) and times == sorted(times)

    # A normal run is unaffected: a positive global norm on every step and per layer when sampled.
    healthy = [e for e in read_trace(fixed) if e["type"] == "step"]
    assert all(e["gradNorm"] > 0 for e in healthy)
    layers = [s for e in healthy if "layers" in e for s in e["layers"].values() if "weightNorm" in s]
    assert layers and all(s["gradNorm"] > 0 for s in layers)

    (code, body, err), (fixed_code, fixed_body, fixed_err) = diagnose_all([bug, fixed])
    assert code == 0 and fixed_code == 0, (err, fixed_err)
    assert top_cause(body) == "weights_not_updating", body.get("causes")
    assert fixed_body["healthy"] is True, fixed_body.get("causes")
