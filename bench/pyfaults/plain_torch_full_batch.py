"""One PyTorch run of a Spec in a fourth common style of plain script, with no traindx in it, the
shape of tutorials on small tabular data: full-batch training, each step on the whole training
tensor (`criterion(model(X_train), y_train)`), one loop, over epochs, and every few epochs the
validation tensor's loss printed. `zero_code.py --style full-batch` runs it under
`python -m traindx run`. The data, model, optimizer and loss are the recorded run's
(train_torch.setup); it takes as many steps as the recorded run took batches, and validates
where the recorded run's epochs ended. A planted fault of the batch size has no place in it
(`zero_code.py` leaves those runs out of this style).

    python bench/pyfaults/plain_torch_full_batch.py SPEC_ID
"""

from __future__ import annotations

import math
import sys

import torch
from scenarios import ALL
from train_torch import setup

SEED = 7


def main(spec_id: str) -> None:
    spec = next(s for s in ALL if s.id == spec_id)
    X_train, y_train, X_val, y_val, _, model, optimizer, criterion, _, _, _ = setup(spec, SEED)
    validate_every = math.ceil(len(X_train) / spec.batch)
    num_epochs = spec.epochs * validate_every
    for epoch in range(num_epochs):
        model.train()
        optimizer.zero_grad()
        loss = criterion(model(X_train), y_train)
        loss.backward()
        optimizer.step()
        if (epoch + 1) % validate_every == 0:
            model.eval()
            with torch.no_grad():
                val_loss = criterion(model(X_val), y_val)
            losses = f"Loss: {loss.item():.4f}, Val Loss: {val_loss.item():.4f}"
            print(f"Epoch [{epoch + 1}/{num_epochs}], {losses}")


if __name__ == "__main__":
    main(sys.argv[1])
