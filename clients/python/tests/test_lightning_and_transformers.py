"""Lightning and Hugging Face Trainer: their callbacks record a run the project reads, and the
zero-code runner on unchanged scripts records them too, with a planted fault diagnosed."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from conftest import SCRIPTS, diagnose_all, read_trace, run_traindx, top_cause

pl = pytest.importorskip("lightning.pytorch")
transformers = pytest.importorskip("transformers")

from traindx.lightning import TraindxCallback as LightningCallback  # noqa: E402
from traindx.transformers import TraindxCallback as HfCallback  # noqa: E402


class Tiny(pl.LightningModule):
    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = nn.functional.cross_entropy(self.net(x), y)
        self.log("train_loss", loss, on_epoch=True, on_step=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=0.01)


def test_lightning_callback_records_steps_epochs_and_the_end(tmp_path):
    torch.manual_seed(0)
    data = TensorDataset(torch.randn(64, 4), torch.randint(0, 2, (64,)))
    path = tmp_path / "lightning.jsonl"
    trainer = pl.Trainer(
        max_epochs=2,
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=[LightningCallback(out=str(path), every=4)],
    )
    trainer.fit(Tiny(), DataLoader(data, batch_size=16))
    events = read_trace(path)
    run = events[0]
    assert run["optimizer"]["name"] == "adam" and run["tags"]["lossFn"] == "torch.nn.CrossEntropyLoss"
    assert [layer["name"] for layer in run["model"]["layers"]] == ["net.0", "net.1", "net.2"]
    steps = [e for e in events if e["type"] == "step"]
    assert [e["step"] for e in steps] == list(range(8))
    assert [e["step"] for e in steps if "layers" in e] == [0, 4]
    assert "saturatedFraction" in steps[0]["layers"]["net.1"]
    assert [e["epoch"] for e in events if e["type"] == "epoch"] == [0, 1]
    assert events[-1]["status"] == "completed"


def test_transformers_callback_records_a_tiny_bert(tmp_path):
    from transformers import BertConfig, BertForSequenceClassification, Trainer, TrainingArguments

    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=50,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=16,
        num_labels=3,
    )
    ids = torch.randint(0, 50, (32, 8))
    labels = torch.randint(0, 3, (32,))
    dataset = [{"input_ids": ids[i], "labels": labels[i]} for i in range(32)]
    path = tmp_path / "hf.jsonl"
    args = TrainingArguments(
        output_dir=str(tmp_path / "out"),
        num_train_epochs=2,
        per_device_train_batch_size=8,
        save_strategy="no",
        report_to=[],
        use_cpu=True,
        disable_tqdm=True,
    )
    trainer = Trainer(
        model=BertForSequenceClassification(config),
        args=args,
        train_dataset=dataset,
        callbacks=[HfCallback(out=str(path), every=3)],
    )
    trainer.train()
    events = read_trace(path)
    run = events[0]
    assert run["task"] == "classification" and run["dataset"]["numClasses"] == 3
    assert run["dataset"]["inputDtype"] == "int64" and "inputStats" not in run["dataset"]
    steps = [e for e in events if e["type"] == "step"]
    assert [e["step"] for e in steps] == list(range(8))
    assert all("gradNorm" in e and "learningRate" in e for e in steps)
    assert "classifier" in steps[0]["layers"]
    assert [e["epoch"] for e in events if e["type"] == "epoch"] == [0, 1]
    assert events[-1]["status"] == "completed"


def test_zero_code_lightning_and_transformers_scripts_are_read_and_diagnosed(tmp_path):
    cases = [
        ("lightning_mlp.py", [], None),
        ("lightning_mlp.py", ["--lr", "10"], "learning_rate_too_high"),
        ("hf_tiny.py", ["--out", str(tmp_path / "hf")], None),
        ("hf_tiny.py", ["--out", str(tmp_path / "hf"), "--lr", "5"], "learning_rate_too_high"),
    ]
    paths = []
    for i, (script, args, _) in enumerate(cases):
        path = tmp_path / f"{i}.jsonl"
        done = run_traindx(["run", "--out", str(path), "--", str(SCRIPTS / script), *args])
        assert done.returncode == 0, done.stderr[-3000:]
        assert not (tmp_path / f"{i}-2.jsonl").exists()  # one run each: the optimizer was not recorded twice
        paths.append(path)
    results = diagnose_all(paths)
    assert [code for code, _, _ in results] == [0, 0, 0, 0], [err for _, _, err in results]
    for (script, _, fault), (_, body, _) in zip(cases, results):
        if fault:
            assert top_cause(body) == fault, script
    assert [e["type"] for e in read_trace(paths[0])].count("epoch") == 3
