"""A plain Hugging Face Trainer script, as a user writes it: no traindx in it. The model is a
tiny BERT built from a config (nothing downloaded); the task is to classify token sequences by
which half of the vocabulary they come from.

Fault from the command line: --lr 50 (learning_rate_too_high).
"""

import argparse

import torch
from transformers import BertConfig, BertForSequenceClassification, Trainer, TrainingArguments


class Tokens(torch.utils.data.Dataset):
    def __init__(self, n: int, seed: int) -> None:
        g = torch.Generator().manual_seed(seed)
        self.labels = torch.randint(0, 2, (n,), generator=g)
        low = torch.randint(5, 50, (n, 16), generator=g)
        self.ids = low + self.labels[:, None] * 45

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> dict:
        return {
            "input_ids": self.ids[i],
            "attention_mask": torch.ones(16, dtype=torch.long),
            "labels": self.labels[i],
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--out", default="hf-output")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    config = BertConfig(
        vocab_size=100,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=32,
        num_labels=2,
    )
    model = BertForSequenceClassification(config)
    training = TrainingArguments(
        output_dir=args.out,
        num_train_epochs=args.epochs,
        per_device_train_batch_size=16,
        learning_rate=args.lr,
        eval_strategy="epoch",
        save_strategy="no",
        report_to=[],
        logging_steps=5,
        use_cpu=True,
        disable_tqdm=True,
        seed=0,
    )
    trainer = Trainer(model=model, args=training, train_dataset=Tokens(256, 1), eval_dataset=Tokens(64, 2))
    trainer.train()
    print("eval", trainer.evaluate()["eval_loss"])


if __name__ == "__main__":
    main()
