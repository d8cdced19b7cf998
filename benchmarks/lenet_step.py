"""Conv2D forward+backward on LeNet's shapes, and one LeNet training step: dlbook against PyTorch.

DESIGN §7 and issue 18: batch 64, float32, on the CPU at the same thread count.
The network is the LeNet-style model of chapter 05::

    Conv2D(1, 6, 5, padding=2) → ReLU → MaxPool2D(2)        28×28 → 28×28 → 14×14
    Conv2D(6, 16, 5)           → ReLU → MaxPool2D(2)        14×14 → 10×10 → 5×5
    Flatten → Dense(400, 120) → ReLU → Dense(120, 84) → ReLU → Dense(84, 10)

Three pieces of work are timed, each per call:

- ``conv1``: ``Conv2D(1, 6, 5, padding=2)`` forward and backward on (64, 1, 28, 28),
  without the input gradient (it is the first layer; PyTorch skips it too when
  the input does not require a gradient);
- ``conv2``: ``Conv2D(6, 16, 5)`` forward and backward on (64, 6, 14, 14), with
  the input gradient;
- ``step``: one training step of the whole network: forward, mean softmax
  cross-entropy, backward, SGD with momentum 0.9 (what ``fit`` does per batch).

Both sides start from the same weights (dlbook's, copied into ``torch.nn``) and
see the same batches, so the loss after the timed steps agrees and is printed
as a check. Each side runs in its own fresh process, the rounds alternate the
order (dlbook, torch, torch, dlbook, …), each process warms up before timing,
and the result is the median over all timed calls; the ratio is dlbook / PyTorch.
Each call's CPU time (``time.process_time``, all threads of the process) is kept
too: on a shared machine a call's wall time includes waiting for a core, its CPU
time does not, so at one thread the ratio of CPU times is the steadier number (at
two threads it also counts the time a thread pool spins while it waits).

Run: ``python benchmarks/lenet_step.py [--rounds 5] [--threads N] [--steps 50]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import default_threads, have_module, limit_threads, median, run_worker

BATCH, LR, MOMENTUM = 64, 0.01, 0.9
WORK = ("conv1", "conv2", "step")
CONV_SHAPES = {  # (in, out, kernel, padding), input shape
    "conv1": ((1, 6, 5, 2), (BATCH, 1, 28, 28)),
    "conv2": ((6, 16, 5, 0), (BATCH, 6, 14, 14)),
}


def _batches(steps: int) -> list[tuple[Any, Any]]:
    import numpy as np

    gen = np.random.default_rng(0)  # host data, as a loader gives
    return [
        (gen.random((BATCH, 1, 28, 28), dtype=np.float32), gen.integers(0, 10, BATCH))
        for _ in range(steps)
    ]


def lenet(rng: int = 0) -> Any:
    """Chapter 05's LeNet-style network (the benchmark's copy; the chapter builds its own)."""
    from dlbook.conv import Conv2D, MaxPool2D
    from dlbook.layers import Dense, Flatten, ReLU
    from dlbook.network import Sequential

    return Sequential(
        [
            Conv2D(1, 6, 5, padding=2, rng=rng),
            ReLU(),
            MaxPool2D(2),
            Conv2D(6, 16, 5, rng=rng + 1),
            ReLU(),
            MaxPool2D(2),
            Flatten(),
            Dense(400, 120, rng=rng + 2),
            ReLU(),
            Dense(120, 84, rng=rng + 3),
            ReLU(),
            Dense(84, 10, rng=rng + 4),
        ]
    )


def _time(call: Any, steps: int, warmup: int = 5) -> dict[str, list[float]]:
    """Wall-clock and CPU seconds (all threads of the process) of each of ``steps`` calls."""
    for _ in range(warmup):
        call()
    times, cpu = [], []
    for _ in range(steps):
        c, t = time.process_time(), time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return {"times": times, "cpu": cpu}


def worker_dlbook(work: str, steps: int) -> dict[str, Any]:
    """Per-call times of ``work`` in dlbook (after a warm-up), and a loss to compare."""
    import numpy as np

    from dlbook.conv import Conv2D
    from dlbook.optim import SGD

    if work in CONV_SHAPES:
        (c_in, c_out, k, p), shape = CONV_SHAPES[work]
        layer = Conv2D(c_in, c_out, k, padding=p, rng=0)
        layer.needs_input_grad = work != "conv1"
        x = np.random.default_rng(0).random(shape, dtype=np.float32)
        dout = np.ones(layer.output_shape(shape), np.float32)

        def conv() -> None:
            layer.forward(x, train=True)
            layer.backward(dout)

        return {**_time(conv, steps), "loss": float(layer.grads["W"].sum())}

    model = lenet()
    opt = SGD(LR, momentum=MOMENTUM)
    params = [d for d in model.params if d]
    grads = [layer.grads for layer in model.layers if layer.params]
    batches = _batches(steps + 5)
    it = iter(batches)

    def step() -> None:
        xb, yb = next(it)
        model.loss.forward(model.forward(xb, train=True), yb)
        model.backward(input_grad=False)
        opt.step(params, grads)

    times = _time(step, steps)
    x, y = batches[0]
    return {**times, "loss": float(model.evaluate(x, y)["loss"])}


def worker_torch(work: str, steps: int, threads: int) -> dict[str, Any]:
    """The same work in PyTorch, from dlbook's initial weights."""
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    if work in CONV_SHAPES:
        from dlbook.conv import Conv2D

        (c_in, c_out, k, p), shape = CONV_SHAPES[work]
        ours = Conv2D(c_in, c_out, k, padding=p, rng=0)
        conv = torch.nn.Conv2d(c_in, c_out, k, padding=p)
        with torch.no_grad():
            conv.weight.copy_(torch.from_numpy(ours.params["W"]))
            conv.bias.copy_(torch.from_numpy(ours.params["b"]))
        x = torch.from_numpy(np.random.default_rng(0).random(shape, dtype=np.float32))
        x.requires_grad_(work != "conv1")
        dout = torch.ones(ours.output_shape(shape))

        def run() -> None:
            conv.weight.grad = None
            conv.bias.grad = None
            x.grad = None
            conv(x).backward(dout)

        times = _time(run, steps)
        return {**times, "loss": float(conv.weight.grad.sum())}

    start = lenet()
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5, padding=2),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(6, 16, 5),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(400, 120),
        torch.nn.ReLU(),
        torch.nn.Linear(120, 84),
        torch.nn.ReLU(),
        torch.nn.Linear(84, 10),
    )
    with torch.no_grad():
        for ours, theirs in zip(start.layers, net, strict=True):
            if not ours.params:
                continue
            W = ours.params["W"]
            theirs.weight.copy_(torch.from_numpy(W if W.ndim == 4 else W.T.copy()))
            theirs.bias.copy_(torch.from_numpy(ours.params["b"]))
    opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM)
    loss_fn = torch.nn.CrossEntropyLoss()
    batches = [(torch.from_numpy(x), torch.from_numpy(y)) for x, y in _batches(steps + 5)]
    it = iter(batches)

    def step() -> None:
        xb, yb = next(it)
        loss = loss_fn(net(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()

    times = _time(step, steps)
    x, y = batches[0]
    with torch.no_grad():
        loss = float(loss_fn(net(x), y))
    return {**times, "loss": loss}


def run(
    threads: int | None = None,
    rounds: int = 5,
    steps: int = 50,
    work: tuple[str, ...] = WORK,
    torch: bool | None = None,
) -> dict[str, Any]:
    """Time each piece of ``work`` in dlbook and PyTorch, in alternating fresh processes.

    Returns
    -------
    dict
        Per work: ``median_ms`` per side, ``ratio`` (median dlbook / median
        PyTorch), ``paired_ratio`` (median over rounds of the ratio within a
        round), ``min_ms``/``min_ratio`` (the fastest call of each side),
        ``cpu_ms``/``cpu_ratio`` (median CPU time per call, all threads) and
        ``check`` (the loss or gradient sum each side ends with).
    """
    threads = threads or default_threads()
    have_torch = have_module("torch") if torch is None else torch
    script = Path(__file__).resolve()
    sides = ["dlbook"] + (["torch"] if have_torch else [])
    result: dict[str, Any] = {"threads": threads, "rounds": rounds, "steps": steps, "work": {}}
    for w in work:
        times: dict[str, list[float]] = {s: [] for s in sides}
        cpu: dict[str, list[float]] = {s: [] for s in sides}
        per_round: dict[str, list[float]] = {s: [] for s in sides}
        check: dict[str, float] = {}
        for r in range(rounds):
            for side in sides if r % 2 == 0 else sides[::-1]:
                args = ["--worker", side, "--work", w, "--steps", str(steps)]
                got = run_worker(script, args, threads)
                times[side] += got["times"]
                cpu[side] += got["cpu"]
                per_round[side].append(median(got["times"]))
                check[side] = got["loss"]
        entry: dict[str, Any] = {
            "median_ms": {s: 1e3 * median(t) for s, t in times.items()},
            "min_ms": {s: 1e3 * min(t) for s, t in times.items()},
            "cpu_ms": {s: 1e3 * median(t) for s, t in cpu.items()},
            "check": check,
        }
        if have_torch:
            entry["ratio"] = entry["median_ms"]["dlbook"] / entry["median_ms"]["torch"]
            # on a shared machine the fastest call is the least disturbed one
            entry["min_ratio"] = entry["min_ms"]["dlbook"] / entry["min_ms"]["torch"]
            # CPU time is not inflated by waiting for a core; at one thread it is the work
            entry["cpu_ratio"] = entry["cpu_ms"]["dlbook"] / entry["cpu_ms"]["torch"]
            entry["paired_ratio"] = median(
                [a / b for a, b in zip(per_round["dlbook"], per_round["torch"], strict=True)]
            )
        result["work"][w] = entry
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--steps", type=int, default=50, help="timed calls per process")
    p.add_argument("--work", choices=WORK, default=None)
    p.add_argument("--no-torch", action="store_true", help="time dlbook only")
    p.add_argument("--worker", choices=["dlbook", "torch"], help=argparse.SUPPRESS)
    a = p.parse_args()
    threads = a.threads or default_threads()
    if a.worker:
        limit_threads(threads)
        work = a.work or "step"
        out = (
            worker_dlbook(work, a.steps)
            if a.worker == "dlbook"
            else worker_torch(work, a.steps, threads)
        )
        print(json.dumps(out))
        return
    work = (a.work,) if a.work else WORK
    res = run(threads, a.rounds, a.steps, work, torch=False if a.no_torch else None)
    print(f"batch {BATCH}, float32, {threads} thread(s), {a.rounds} rounds × {a.steps} calls")
    for w, e in res["work"].items():
        ms = "  ".join(
            f"{s} {t:.2f} ms (min {e['min_ms'][s]:.2f})" for s, t in e["median_ms"].items()
        )
        ratio = (
            f"  ratio {e['ratio']:.2f} (paired {e['paired_ratio']:.2f}, of minima "
            f"{e['min_ratio']:.2f}, of CPU times {e['cpu_ratio']:.2f})"
            if "ratio" in e
            else ""
        )
        checks = "  ".join(f"{s} {v:.5g}" for s, v in e["check"].items())
        print(f"{w:6s} {ms}{ratio}  check: {checks}")


if __name__ == "__main__":
    main()


#: What each change bought, measured while tuning (RESULTS.md shows it under the results).
TUNING_LOG = (Path(__file__).resolve().parent / "tuning_conv.md").read_text(encoding="utf-8")
