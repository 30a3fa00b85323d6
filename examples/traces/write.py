"""Writes the five hand-written example traces (spec/trace-format.md v1).

Each is a small, readable story with explicit formulas, not a recording:
  lr-too-high.jsonl       SGD at lr 2.0: gradients blow up, the loss diverges to NaN
  deep-sigmoid.jsonl      10 sigmoid layers: gradients vanish toward the input, loss stays flat
  overfitting.jsonl       big MLP on 300 examples: val loss turns up while train loss falls
  dead-relu.jsonl         ReLU layers die after a bad start: dead fraction 90%+, gradients zero
  healthy.jsonl           a plain MLP that learns
Run: python3 examples/traces/write.py (deterministic).
"""
import json, math, os

HERE = os.path.dirname(os.path.abspath(__file__))

def dump(name, events):
    def enc(v):
        if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
            return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
        if isinstance(v, dict): return {k: enc(x) for k, x in v.items()}
        if isinstance(v, list): return [enc(x) for x in v]
        return v
    with open(os.path.join(HERE, name), "w") as f:
        for e in events: f.write(json.dumps(enc(e)) + "\n")

def wobble(step, k=0.03):  # deterministic batch noise
    return 1 + k * math.sin(step * 1.7) * math.cos(step * 0.3)

def mlp(names, act, units=64, classes=10, out="softmax"):
    layers = [{"name": n, "type": "Dense", "activation": act, "units": units, "kernelInitializer": "glorotUniform"} for n in names]
    layers.append({"name": "output", "type": "Dense", "activation": out, "units": classes})
    return layers

def run(id, layers, opt, lr, train=3000, val=600, epochs=10, batch=100, **extra):
    return {"type": "run", "formatVersion": 1, "id": id, "name": id, "framework": "keras", "task": "classification",
            "model": {"layers": layers}, "optimizer": {"name": opt, "learningRate": lr}, "loss": "categorical_crossentropy",
            "batchSize": batch, "epochs": epochs,
            "dataset": {"trainSize": train, "valSize": val, "numClasses": 10, "classCounts": [train // 10] * 10,
                        "inputStats": {"mean": 0.02, "std": 0.98, "min": -3.1, "max": 3.2}}, **extra}

def healthy_layers(names, step, grad=0.5):
    return {n: {"gradNorm": grad * (0.8 + 0.1 * i) * wobble(step), "weightNorm": 8 + 0.002 * step + i,
                "updateRatio": 1e-3 * wobble(step), "actMean": 0.4, "actStd": 0.6, "deadFraction": 0.05}
            for i, n in enumerate(names)}

# 1. learning rate too high -----------------------------------------------------------
names = ["dense", "dense_1", "dense_2"]
ev = [run("lr-too-high", mlp(names, "relu"), "sgd", 2.0)]
loss = 2.3
for s in range(0, 60):
    if s < 12:
        loss = 2.3 * wobble(s, 0.05)
        g = 1.2
    else:
        loss = 2.3 * math.exp(0.35 * (s - 12)) if s < 40 else float("nan")
        g = 1.2 * math.exp(0.6 * (s - 12)) if s < 40 else float("nan")
    step = {"type": "step", "step": s, "epoch": s // 30, "loss": loss, "gradNorm": g, "learningRate": 2.0}
    if s % 5 == 0:
        step["layers"] = {n: {"gradNorm": g * (0.6 + 0.2 * i), "weightNorm": 8 * (1 + max(0, s - 12) * 0.4), "updateRatio": 0.5 * (1 + max(0, s - 12))}
                          for i, n in enumerate(names)}
    ev.append(step)
    if s == 29:
        ev.append({"type": "epoch", "epoch": 0, "step": 29, "train": {"loss": 40.0, "accuracy": 0.1}, "val": {"loss": 55.0, "accuracy": 0.1}})
ev.append({"type": "end", "step": 59, "status": "diverged", "reason": "loss is NaN"})
dump("lr-too-high.jsonl", ev)

# 2. deep sigmoid net: vanishing gradients ----------------------------------------------------
names = [f"dense_{i}" for i in range(10)]
ev = [run("deep-sigmoid", mlp(names, "sigmoid", units=32), "sgd", 0.01)]
for s in range(0, 600):
    step = {"type": "step", "step": s, "epoch": s // 30, "loss": 2.303 * wobble(s, 0.002), "metrics": {"accuracy": 0.1 * wobble(s, 0.2)}}
    if s % 10 == 0:
        # Each layer back toward the input gets a quarter of the gradient of the one after it (sigmoid' <= 0.25).
        step["layers"] = {n: {"gradNorm": 0.8 * 0.25 ** (9 - i) * wobble(s), "weightNorm": 5.6 + 0.0001 * s, "updateRatio": 0.01 * 0.25 ** (9 - i),
                              "actMean": 0.5, "actStd": 0.02, "saturatedFraction": 0.05}
                          for i, n in enumerate(names)}
    ev.append(step)
    if s % 30 == 29:
        ev.append({"type": "epoch", "epoch": s // 30, "step": s, "train": {"loss": 2.303, "accuracy": 0.1}, "val": {"loss": 2.303, "accuracy": 0.1}})
ev.append({"type": "end", "step": 599, "status": "completed"})
dump("deep-sigmoid.jsonl", ev)

# 3. overfitting ---------------------------------------------------------------------------
names = ["dense", "dense_1"]
ev = [run("overfitting", mlp(names, "relu", units=512), "adam", 0.001, train=300, val=300, epochs=60, batch=30)]
for s in range(0, 600):
    ep = s // 10
    tl = 2.3 * math.exp(-ep / 8) + 0.01
    step = {"type": "step", "step": s, "epoch": ep, "loss": tl * wobble(s, 0.08), "metrics": {"accuracy": min(1.0, 1 - 0.9 * math.exp(-ep / 8))}}
    if s % 10 == 0:
        step["layers"] = healthy_layers(names, s, grad=0.3)
    ev.append(step)
    if s % 10 == 9:
        vl = 2.3 * math.exp(-ep / 8) + 0.9 if ep < 12 else (2.3 * math.exp(-12 / 8) + 0.9) + 0.06 * (ep - 12)
        ev.append({"type": "epoch", "epoch": ep, "step": s, "train": {"loss": tl, "accuracy": min(1.0, 1 - 0.9 * math.exp(-ep / 8))},
                   "val": {"loss": vl, "accuracy": 0.62 - 0.002 * max(0, ep - 12)}})
ev.append({"type": "end", "step": 599, "status": "completed"})
dump("overfitting.jsonl", ev)

# 4. dead ReLUs ------------------------------------------------------------------------------
names = ["dense", "dense_1", "dense_2"]
layers = mlp(names, "relu")
for l in layers[:-1]: l["biasInitializer"] = "constant(-5)"
ev = [run("dead-relu", layers, "adam", 0.001)]
for s in range(0, 600):
    step = {"type": "step", "step": s, "epoch": s // 30, "loss": 2.302 * wobble(s, 0.003), "metrics": {"accuracy": 0.1 * wobble(s, 0.2)}}
    if s % 10 == 0:
        step["layers"] = {n: {"gradNorm": 1e-9 if i < 2 else 0.02, "weightNorm": 8.0, "updateRatio": 0.0 if i < 2 else 1e-4,
                              "actMean": 0.0 if i < 2 else 0.01, "actStd": 0.0 if i < 2 else 0.01,
                              "deadFraction": 0.97 if i < 2 else 0.6, "zeroGradFraction": 0.98 if i < 2 else 0.5}
                          for i, n in enumerate(names)}
    ev.append(step)
    if s % 30 == 29:
        ev.append({"type": "epoch", "epoch": s // 30, "step": s, "train": {"loss": 2.302, "accuracy": 0.1}, "val": {"loss": 2.302, "accuracy": 0.1}})
ev.append({"type": "end", "step": 599, "status": "completed"})
dump("dead-relu.jsonl", ev)

# 5. healthy ----------------------------------------------------------------------------------
names = ["dense", "dense_1"]
ev = [run("healthy", mlp(names, "relu"), "adam", 0.001)]
for s in range(0, 600):
    ep = s // 30
    tl = 2.3 * math.exp(-s / 150) + 0.15
    step = {"type": "step", "step": s, "epoch": ep, "loss": tl * wobble(s, 0.06), "metrics": {"accuracy": 0.95 - 0.85 * math.exp(-s / 150)}}
    if s % 10 == 0:
        step["layers"] = healthy_layers(names, s)
    ev.append(step)
    if s % 30 == 29:
        ev.append({"type": "epoch", "epoch": ep, "step": s, "train": {"loss": tl, "accuracy": 0.95 - 0.85 * math.exp(-s / 150)},
                   "val": {"loss": tl * 1.08, "accuracy": 0.93 - 0.83 * math.exp(-s / 150)}})
ev.append({"type": "end", "step": 599, "status": "completed"})
dump("healthy.jsonl", ev)
