"""One training epoch of a 784-256-128-10 ReLU MLP: dlbook against PyTorch on the CPU.

DESIGN §7: batch 128, float32, SGD with learning rate 0.01 and momentum 0.9,
60,000 samples of MNIST's size (random inputs in [0, 1) and random labels: the
work per epoch does not depend on the values). The two sides are made to do the
same computation:

- **same start**: PyTorch's ``nn.Linear`` layers get a copy of dlbook's initial
  weights (He-normal, zero biases), so both start from the same point;
- **same data and order**: the same arrays, the same shuffled order of the samples
  (``backend.default_rng(0).permutation(N)``, drawn again for every epoch, as
  ``fit(..., rng=0)`` does);
- **same work per batch**: gather the batch, forward, mean softmax cross-entropy,
  backward, optimiser step, and keep the running loss and the number of correct
  predictions (``model.fit`` reports both); PyTorch's optimiser is
  ``torch.optim.SGD`` with the same momentum form (v ← μv + g, θ ← θ − ηv);
- **same threads**: ``torch.set_num_threads(n)`` and NumPy's BLAS capped by
  ``threadpoolctl`` and the ``*_NUM_THREADS`` variables.

Because the two runs compute the same thing, the loss after the last epoch must
agree (up to float32 rounding); the report prints both as a check.

Each side runs in its own fresh process, so that neither's idle thread pool spins
against the other, and the rounds alternate the order (dlbook, torch, torch,
dlbook, …). In each process one warm-up epoch is run and not timed. The result is
the median over all timed epochs; the ratio is dlbook / PyTorch. Each worker also
reports its peak resident memory (VmHWM, reset just before the warm-up epoch, so
it is the peak of training) and how far that is above the memory in use just
before training (data, model, libraries).

Variants of the dlbook side (``--variant``), to see what each part costs:

- ``fit``: ``model.fit(..., epochs=1)``, what a reader runs (the one compared).
- ``loop``: the same steps written out (forward, loss, backward without the
  input gradient, step), without fit's metrics.
- ``loop-input-grad``: as ``loop`` but computing ∂C/∂x of the first layer too,
  as a naive backward pass does (a third more of the first layer's work).

Run: ``python benchmarks/mlp_epoch.py [--rounds 5] [--threads N] [--n 60000]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    default_threads,
    have_module,
    limit_threads,
    median,
    memory_mb,
    reset_peak_memory,
    run_worker,
)

N, BATCH, SIZES, LR, MOMENTUM = 60_000, 128, (784, 256, 128, 10), 0.01, 0.9
VARIANTS = ("fit", "loop", "loop-input-grad")


def flops_per_epoch(n: int = N, input_grad: bool = False) -> float:
    """Floating-point operations of the matrix products in one epoch (2 per multiply-add)."""
    pairs = list(zip(SIZES[:-1], SIZES[1:], strict=True))
    fwd = sum(a * b for a, b in pairs)  # x W
    dW = fwd  # xᵀ dout
    dx = sum(a * b for a, b in pairs[1:]) + (pairs[0][0] * pairs[0][1] if input_grad else 0)
    return 2.0 * n * (fwd + dW + dx)


def _data(n: int) -> tuple[Any, Any]:
    import numpy as np

    from dlbook import backend

    gen = backend.default_rng(0)  # the worker runs on NumPy (DLBOOK_DEVICE=numpy)
    x = gen.random((n, SIZES[0]), dtype=np.float32)
    y = gen.integers(0, SIZES[-1], n)
    return x, y


def _dlbook_model() -> Any:
    from dlbook.layers import Dense, ReLU
    from dlbook.network import Sequential

    layers: list[Any] = []
    for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:], strict=True)):
        layers += [Dense(a, b, rng=i), ReLU()]
    return Sequential(layers[:-1])  # no ReLU after the last layer; SoftmaxCrossEntropy loss


def _order(n: int) -> Any:
    from dlbook import backend

    return backend.default_rng(0).permutation(n)  # the order fit(..., rng=0) uses


def _timed(epoch: Any, epochs: int) -> tuple[list[float], dict[str, float]]:
    """Run ``epoch()`` once untimed, then ``epochs`` times timed; also the memory it took."""
    base = memory_mb()["rss"]
    reset_peak_memory()
    epoch()  # warm-up
    times = []
    for _ in range(epochs):
        t = time.perf_counter()
        epoch()
        times.append(time.perf_counter() - t)
    peak = memory_mb()["peak"]
    return times, {"peak_rss_mb": peak, "base_rss_mb": base, "training_mb": peak - base}


def worker_dlbook(epochs: int, variant: str, n: int = N) -> dict[str, Any]:
    """Time ``epochs`` epochs of dlbook (after one warm-up); returns times, loss, memory."""
    from dlbook.optim import SGD

    x, y = _data(n)
    model = _dlbook_model()
    opt = SGD(LR, momentum=MOMENTUM)
    params = [d for d in model.params if d]
    grads = [layer.grads for layer in model.layers if layer.params]

    def loop(input_grad: bool) -> None:
        order = _order(n)
        for s in range(0, n, BATCH):
            idx = order[s : s + BATCH]
            scores = model.forward(x[idx], train=True)
            model.loss.forward(scores, y[idx])
            model.backward(input_grad=input_grad)
            opt.step(params, grads)

    def epoch() -> None:
        if variant == "fit":
            model.fit(x, y, epochs=1, batch_size=BATCH, optimizer=opt, rng=0, progress=False)
        else:
            loop(input_grad=variant == "loop-input-grad")

    times, memory = _timed(epoch, epochs)
    k = min(n, 10_000)
    return {"times": times, "loss": model.evaluate(x[:k], y[:k])["loss"], **memory}


def worker_torch(epochs: int, threads: int, n: int = N) -> dict[str, Any]:
    """The same as :func:`worker_dlbook` (variant ``fit``) in PyTorch, from the same weights."""
    import torch

    torch.set_num_threads(threads)
    x_np, y_np = _data(n)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    start = _dlbook_model()  # dlbook's initial weights, copied: the same starting point
    linears = [torch.nn.Linear(a, b) for a, b in zip(SIZES[:-1], SIZES[1:], strict=True)]
    dense = [layer for layer in start.layers if layer.params]
    with torch.no_grad():
        for lin, d in zip(linears, dense, strict=True):
            lin.weight.copy_(torch.from_numpy(d.params["W"].T.copy()))  # (out, in) in PyTorch
            lin.bias.copy_(torch.from_numpy(d.params["b"]))
    layers: list[Any] = []
    for lin in linears:
        layers += [lin, torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    loss_fn = torch.nn.CrossEntropyLoss()

    def epoch() -> None:
        order = torch.from_numpy(_order(n))
        total, correct = 0.0, 0
        for s in range(0, n, BATCH):
            idx = order[s : s + BATCH]
            xb, yb = x[idx], y[idx]
            scores = model(xb)
            loss = loss_fn(scores, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            correct += int((scores.argmax(dim=1) == yb).sum())

    times, memory = _timed(epoch, epochs)
    k = min(n, 10_000)
    with torch.no_grad():
        loss = float(loss_fn(model(x[:k]), y[:k]))
    return {"times": times, "loss": loss, **memory}


def run(
    threads: int | None = None,
    rounds: int = 5,
    epochs: int = 2,
    variants: tuple[str, ...] = ("fit",),
    n: int = N,
    torch: bool | None = None,
) -> dict[str, Any]:
    """Time dlbook (each variant) and PyTorch in alternating fresh processes.

    Parameters
    ----------
    threads : int, optional
        Threads for both sides (default: the CPUs this process may use).
    rounds : int
        Fresh processes per side; the order of the sides alternates between rounds.
    epochs : int
        Timed epochs per process (after one warm-up epoch).
    variants : tuple of str
        dlbook variants to time (see the module's docstring); ``"fit"`` is compared.
    n : int
        Samples per epoch (60,000 for the benchmark; small for a smoke run).
    torch : bool, optional
        Time PyTorch too; default: when it is installed.

    Returns
    -------
    dict
        ``median_s`` (seconds per epoch, per side), ``ratio_to_torch`` (median
        dlbook / median PyTorch), ``paired_ratio`` (median over rounds of the
        ratio within a round, less sensitive to a machine whose load changes),
        ``gflops``, ``memory`` (per side: the largest peak over its processes),
        ``final_loss`` and every time measured.
    """
    threads = threads or default_threads()
    have_torch = have_module("torch") if torch is None else torch
    script = Path(__file__).resolve()
    sides = [f"dlbook:{v}" for v in variants] + (["torch"] if have_torch else [])
    times: dict[str, list[float]] = {s: [] for s in sides}
    per_round: dict[str, list[float]] = {s: [] for s in sides}
    losses: dict[str, float] = {}
    memory: dict[str, dict[str, float]] = {}
    for r in range(rounds):
        order = sides if r % 2 == 0 else sides[::-1]  # alternate who goes first
        for side in order:
            name, _, variant = side.partition(":")
            args = ["--worker", name, "--epochs", str(epochs), "--n", str(n)]
            if variant:
                args += ["--variant", variant]
            got = run_worker(script, args, threads)
            times[side] += got["times"]
            per_round[side].append(median(got["times"]))
            losses[side] = got["loss"]
            mem = {k: got[k] for k in ("peak_rss_mb", "base_rss_mb", "training_mb")}
            if side not in memory or mem["peak_rss_mb"] > memory[side]["peak_rss_mb"]:
                memory[side] = mem
    result: dict[str, Any] = {
        "threads": threads,
        "rounds": rounds,
        "epochs_per_round": epochs,
        "n": n,
        "batch": BATCH,
        "torch": have_torch,
        "median_s": {s: median(t) for s, t in times.items()},
        "min_s": {s: min(t) for s, t in times.items()},
        "times_s": times,
        "final_loss": losses,
        "memory": memory,
    }
    if have_torch:
        t_torch = result["median_s"]["torch"]
        result["ratio_to_torch"] = {
            s: result["median_s"][s] / t_torch for s in sides if s != "torch"
        }
        result["paired_ratio"] = {
            s: median([a / b for a, b in zip(per_round[s], per_round["torch"], strict=True)])
            for s in sides
            if s != "torch"
        }
    result["gflops"] = {
        s: flops_per_epoch(n, input_grad=s == "dlbook:loop-input-grad")
        / 1e9
        / result["median_s"][s]
        for s in sides
    }
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--epochs", type=int, default=2, help="timed epochs per process")
    p.add_argument("--n", type=int, default=N, help="samples per epoch")
    p.add_argument("--variant", default="fit", choices=VARIANTS)
    p.add_argument("--all-variants", action="store_true")
    p.add_argument("--no-torch", action="store_true", help="time dlbook only")
    p.add_argument("--worker", choices=["dlbook", "torch"], help=argparse.SUPPRESS)
    a = p.parse_args()
    threads = a.threads or default_threads()
    if a.worker:
        limit_threads(threads)
        if a.worker == "dlbook":
            out = worker_dlbook(a.epochs, a.variant, a.n)
        else:
            out = worker_torch(a.epochs, threads, a.n)
        print(json.dumps(out))
        return
    variants = VARIANTS if a.all_variants else (a.variant,)
    res = run(threads, a.rounds, a.epochs, variants, a.n, torch=False if a.no_torch else None)
    print(f"{res['n']:,} samples, batch {BATCH}, {threads} thread(s), {a.rounds} rounds")
    for side, t in res["median_s"].items():
        ratio = res.get("ratio_to_torch", {}).get(side)
        extra = f"  {ratio:.2f}x PyTorch" if ratio else ""
        mem = res["memory"][side]
        print(
            f"{side:24s} {t:.3f} s/epoch  {res['gflops'][side]:5.1f} GFLOP/s  "
            f"peak RSS {mem['peak_rss_mb']:.0f} MB (+{mem['training_mb']:.0f} MB){extra}"
        )


if __name__ == "__main__":
    main()
