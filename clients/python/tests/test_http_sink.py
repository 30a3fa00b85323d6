"""The HTTP sink against a real `traindx serve`: a streamed run, alerts back, a stop on a critical
alert, and a server killed in the middle of a run (training finishes; the dropped count is told)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator

import pytest
import torch
from torch import nn

import traindx

from conftest import REPO


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def query(url: str, text: str) -> dict:
    body = json.dumps({"query": text}).encode()
    request = urllib.request.Request(f"{url}/graphql", body, {"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["data"]


class Server:
    def __init__(self, tmp_path) -> None:
        if not (REPO / "node_modules").is_dir():
            pytest.skip("the traindx server needs `npm ci` in the repository root")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                "npx",
                "tsx",
                "src/cli/main.ts",
                "serve",
                "--port",
                str(self.port),
                "--data-dir",
                str(tmp_path / "srv"),
            ],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                query(self.url, "{ knowledgeCounts { symptoms } }")
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"traindx serve exited: {self.process.stderr.read().decode()}"
                    ) from None
                time.sleep(0.3)
        raise RuntimeError("traindx serve did not answer within 90 s")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # npx and the node process under it
            self.process.wait(timeout=10)


@pytest.fixture
def server(tmp_path) -> Iterator[Server]:
    s = Server(tmp_path)
    yield s
    s.kill()


def train(run: traindx.Run, steps: int, lr: float, every_step=None) -> int:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    run.watch(model, opt, every=5)
    done = 0
    for step in range(steps):
        x, y = torch.randn(16, 4), torch.randint(0, 3, (16,))
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
        done += 1
        if every_step:
            every_step(step)
        if run.should_stop:
            break
    return done


def test_a_run_streams_to_the_server_and_alerts_come_back(server):
    alerts: list[dict] = []
    run = traindx.init(
        url=server.url, name="lr50", on_alert=alerts.append, stop_on="critical", flush_interval_s=0.05
    )
    done = train(run, 400, lr=50.0, every_step=lambda step: time.sleep(0.01))
    run.finish()
    assert done < 400  # stopped by a critical alert, read from run.should_stop
    assert any(a["kind"] == "symptom" and a["symptom"]["severity"] == "critical" for a in alerts)
    fields = "status eventCount lastStep alerts { seq }"
    stored = query(server.url, f'{{ run(id: "{run.id}") {{ {fields} }} }}')["run"]
    # The server's alerts, as its subscription gives them: every one the run stored (the static
    # findings of startRun, each batch's, finishRun's), each once, in order.
    assert [a["seq"] for a in alerts] == [a["seq"] for a in stored["alerts"]]
    # A (symptom, layer) starts once, and again only after it resolved.
    open_now: set[tuple[str, str]] = set()
    for a in (a for a in alerts if a["kind"] == "symptom"):
        key = (a["symptom"]["id"], a["symptom"]["layer"] or "")
        assert (a["change"] == "started") != (key in open_now), a
        if a["change"] == "resolved":
            open_now.discard(key)
        else:
            open_now.add(key)
    # A loss that turned NaN before the stop makes the run `diverged`, else it is `stopped`.
    assert stored["status"] in ("stopped", "diverged")
    assert (stored["eventCount"], stored["lastStep"]) == (done + 2, done - 1)  # run event + steps + end
    assert run.sink.stats().dropped == 0


def test_a_killed_server_costs_events_not_the_training(server, capsys):
    run = traindx.init(
        url=server.url,
        name="killed",
        flush_interval_s=0.02,
        max_batch_events=20,
        max_buffered_events=100,
        retry_base_s=0.05,
        retry_max_s=0.2,
        close_timeout_s=1.0,
    )

    def kill_midway(step: int) -> None:
        if step == 30:
            time.sleep(0.3)  # let the first batches arrive
            server.kill()

    assert train(run, 300, lr=0.05, every_step=kill_midway) == 300
    run.finish()
    assert run.dropped > 0
    assert f"{run.dropped} events were dropped" in capsys.readouterr().err


def test_a_server_that_never_answers_does_not_block_training(tmp_path, capsys):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    threading.Thread(
        target=lambda: [held.append(listener.accept()[0]) for _ in range(16)], daemon=True
    ).start()
    port = listener.getsockname()[1]
    run = traindx.init(
        url=f"http://127.0.0.1:{port}",
        request_timeout_s=0.5,
        max_batch_events=20,
        max_buffered_events=50,
        close_timeout_s=0.5,
    )
    assert train(run, 200, lr=0.05) == 200
    run.finish()
    assert run.dropped > 0
    for s in held:
        s.close()
    listener.close()
