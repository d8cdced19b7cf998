"""LSTM forward+backward, and one step of chapter 06's character model: dlbook against PyTorch.

DESIGN §7 and issue 19: float32, on the CPU at the same thread count.

- ``lstm``: ``LSTM(64, 128)`` forward and backward on x of shape (32, 50, 64)
  (N = 32 sequences of T = 50 steps), with the gradient of the input, against
  ``torch.nn.LSTM(64, 128, batch_first=True)`` with dlbook's weights copied in;
  the output gradient is a fixed random array on both sides.
- ``charstep``: one training step of the character model of chapter 06,
  ``Embedding(V, 32) → LSTM(32, 128) → TimeDense(128, V)`` with V = 76 on a batch
  of 32 windows of 64 characters: forward, mean softmax cross-entropy over all
  steps, backward, gradient clipping to global norm 5, Adam (η = 0.003). PyTorch:
  ``nn.Embedding``, ``nn.LSTM``, ``nn.Linear``, ``CrossEntropyLoss``,
  ``clip_grad_norm_``, ``torch.optim.Adam``, from the same weights and batches,
  so the loss after the timed steps agrees (printed as a check).

Each side runs in its own fresh process, the rounds alternate the order (dlbook,
torch, torch, dlbook, …), each process warms up (5 untimed calls) before timing,
and the result is the median over all timed calls; the ratio is dlbook / PyTorch.
Three views of it, so that a noisy run shows as noisy: the ratio of the medians of
all calls, the median (and the range) of the ratios within each round, and the
ratio of the CPU time per call (``time.process_time``, all threads of the process),
which other jobs on the machine disturb far less than the wall-clock time.

Run: ``python benchmarks/lstm_step.py [--rounds 9] [--threads N] [--steps 40]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import default_threads, have_module, limit_threads, median, run_worker

N, T, D, H = 32, 50, 64, 128  # the LSTM benchmark of DESIGN §7
V, E, HC, TC, LR, CLIP = 76, 32, 128, 64, 0.003, 5.0  # the char model of chapter 06
WORK = ("lstm", "charstep")


def _lstm_data() -> tuple[Any, Any]:
    import numpy as np

    gen = np.random.default_rng(0)  # host data, as a loader gives
    return gen.standard_normal((N, T, D)).astype(np.float32), gen.standard_normal((N, T, H)).astype(
        np.float32
    )


def _char_batches(steps: int) -> list[tuple[Any, Any]]:
    import numpy as np

    gen = np.random.default_rng(1)
    return [(gen.integers(0, V, (N, TC)), gen.integers(0, V, (N, TC))) for _ in range(steps)]


def char_model() -> Any:
    """Chapter 06's character model (dlbook)."""
    from dlbook.network import Sequential
    from dlbook.rnn import LSTM, Embedding, TimeDense, TimeSoftmaxCrossEntropy

    return Sequential(
        [Embedding(V, E, rng=0), LSTM(E, HC, rng=1), TimeDense(HC, V, rng=2)],
        loss=TimeSoftmaxCrossEntropy(),
    )


WARMUP = 5  # untimed calls per process: first-touch page faults, BLAS buffers, caches


def _time(call: Any, steps: int, warmup: int = WARMUP) -> dict[str, list[float]]:
    """Wall-clock and CPU seconds of each of ``steps`` calls, after ``warmup`` untimed ones."""
    for _ in range(warmup):
        call()
    wall, cpu = [], []
    for _ in range(steps):
        t, c = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return {"times": wall, "cpu": cpu}


def worker_dlbook(work: str, steps: int) -> dict[str, Any]:
    from dlbook.optim import Adam
    from dlbook.rnn import LSTM, clip_grad_norm

    if work == "lstm":
        x, dout = _lstm_data()
        layer = LSTM(D, H, rng=0)

        def lstm() -> None:
            layer.forward(x, train=True)
            layer.backward(dout)

        return {**_time(lstm, steps), "check": float(abs(layer.grads["Wh"]).sum())}
    model = char_model()
    opt = Adam(lr=LR)
    batches = _char_batches(steps + WARMUP)
    it = iter(batches)
    losses: list[float] = []

    def step() -> None:
        xb, yb = next(it)
        scores = model.forward(xb, train=True)
        losses.append(float(model.loss.forward(scores, yb)))
        model.backward(input_grad=False)
        clip_grad_norm(model.grads, CLIP)
        opt.step(model.params, model.grads)

    return {**_time(step, steps), "check": losses[-1]}


def _torch_lstm(torch: Any, layer: Any) -> Any:
    peer = torch.nn.LSTM(layer.input_size, layer.hidden_size, batch_first=True)
    with torch.no_grad():
        peer.weight_ih_l0.copy_(torch.from_numpy(layer.params["Wx"].T.copy()))
        peer.weight_hh_l0.copy_(torch.from_numpy(layer.params["Wh"].T.copy()))
        peer.bias_ih_l0.copy_(torch.from_numpy(layer.params["b"]))
        peer.bias_hh_l0.zero_()
    return peer


def worker_torch(work: str, steps: int, threads: int) -> dict[str, Any]:
    import torch

    from dlbook.rnn import LSTM

    torch.set_num_threads(threads)
    if work == "lstm":
        x_np, dout_np = _lstm_data()
        peer = _torch_lstm(torch, LSTM(D, H, rng=0))
        x, dout = torch.from_numpy(x_np).requires_grad_(True), torch.from_numpy(dout_np)

        def lstm() -> None:
            peer.zero_grad()
            x.grad = None
            out, _ = peer(x)
            out.backward(dout)

        return {**_time(lstm, steps), "check": float(peer.weight_hh_l0.grad.abs().sum())}
    start = char_model()
    emb = torch.nn.Embedding(V, E)
    lstm_t = _torch_lstm(torch, start.layers[1])
    lin = torch.nn.Linear(HC, V)
    with torch.no_grad():
        emb.weight.copy_(torch.from_numpy(start.layers[0].params["W"]))
        lin.weight.copy_(torch.from_numpy(start.layers[2].params["W"].T.copy()))
        lin.bias.copy_(torch.from_numpy(start.layers[2].params["b"]))
    lstm_t.bias_hh_l0.requires_grad_(False)  # dlbook has one bias; keep PyTorch's second at 0
    params = [p for m in (emb, lstm_t, lin) for p in m.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    batches = [(torch.from_numpy(a), torch.from_numpy(b)) for a, b in _char_batches(steps + WARMUP)]
    it = iter(batches)
    losses: list[float] = []

    def step() -> None:
        xb, yb = next(it)
        out, _ = lstm_t(emb(xb))
        scores = lin(out)
        loss = loss_fn(scores.reshape(-1, V), yb.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, CLIP)
        opt.step()
        losses.append(float(loss))

    return {**_time(step, steps), "check": losses[-1]}


def run(
    threads: int | None = None,
    rounds: int = 9,
    steps: int = 40,
    work: tuple[str, ...] = WORK,
    torch: bool | None = None,
) -> dict[str, Any]:
    """Time each piece of work on both sides in alternating fresh processes.

    Returns
    -------
    dict
        Per work: ``median_s`` and ``cpu_median_s`` per side, ``ratio_to_torch``,
        ``paired_ratio`` (median over rounds of the ratio within a round) with
        ``paired_range`` (its smallest and largest), ``cpu_ratio`` (of the CPU-time
        medians), ``check`` (a number both sides compute: |dWh| summed, or the last
        loss) and every time measured.
    """
    threads = threads or default_threads()
    have_torch = have_module("torch") if torch is None else torch
    script = Path(__file__).resolve()
    sides = ["dlbook"] + (["torch"] if have_torch else [])
    out: dict[str, Any] = {"threads": threads, "rounds": rounds, "steps": steps, "work": {}}
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
                check[side] = got["check"]
        res: dict[str, Any] = {
            "median_s": {s: median(t) for s, t in times.items()},
            "min_s": {s: min(t) for s, t in times.items()},
            "cpu_median_s": {s: median(t) for s, t in cpu.items()},
            "times_s": times,
            "check": check,
        }
        if have_torch:
            res["ratio_to_torch"] = res["median_s"]["dlbook"] / res["median_s"]["torch"]
            paired = [a / b for a, b in zip(per_round["dlbook"], per_round["torch"], strict=True)]
            res["paired_ratio"] = median(paired)
            res["paired_range"] = [min(paired), max(paired)]
            res["cpu_ratio"] = res["cpu_median_s"]["dlbook"] / res["cpu_median_s"]["torch"]
        out["work"][w] = res
    out["torch"] = have_torch
    return out


TARGET, AIM = 1.5, 1.1  # DESIGN §7, for the LSTM forward+backward


def render(res: dict[str, Any] | None) -> list[str]:
    """The RESULTS.md section of :func:`run`'s numbers."""
    lines = ["## LSTM forward+backward and the character-model step (chapter 06)", ""]
    if res is None:
        return [*lines, "Not run (`--no-lstm`).", ""]
    lines += [
        f"`LSTM({D}, {H})` forward and backward (with the input gradient) on x of shape "
        f"({N}, {T}, {D}), float32, against `torch.nn.LSTM` with the same weights; and one "
        f"training step of chapter 06's character model (Embedding({V}, {E}) → "
        f"LSTM({E}, {HC}) → TimeDense({HC}, {V}), batch {N} × {TC} characters, loss over all "
        f"steps, clipping to norm {CLIP:g}, Adam η = {LR}) against the same model in PyTorch. "
        f"{res['threads']} thread{'s' if res['threads'] != 1 else ''} on both sides; each side "
        f"ran in {res['rounds']} fresh processes, alternating, each timing {res['steps']} calls "
        f"after {WARMUP} untimed ones; medians. dlbook runs matrix products smaller than "
        "2^20 multiply-adds on one BLAS thread (see `dlbook/rnn.py`, `_one_blas_thread`): "
        "here every product, the (32, 128) @ (128, 512) of each step included, is larger "
        "and uses every thread given, as does all of PyTorch; NumPy's elementwise "
        "operations run on one thread. PyTorch's `nn.LSTM` runs oneDNN's fused LSTM. "
        "The paired ratio is the median of the ratios within each round (range in "
        "brackets); the CPU-time ratio compares `time.process_time` per call, which "
        "other jobs disturb far less than the wall clock (with several threads it also "
        "counts time threads spend waiting).",
        "",
    ]
    if not res["torch"]:
        lines += ["PyTorch is not installed (the bench extra): dlbook alone, no ratio.", ""]
        lines += ["| work | dlbook (ms) |", "| --- | --- |"]
        for w, r in res["work"].items():
            lines.append(f"| {w} | {1e3 * r['median_s']['dlbook']:.2f} |")
        return [*lines, ""]
    lines += [
        "| work | dlbook (ms) | PyTorch (ms) | ratio dlbook / PyTorch | paired ratio (range) | "
        "CPU-time ratio | target |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for w, r in res["work"].items():
        ratio = r["ratio_to_torch"]
        if w == "lstm":
            verdict = "**FAIL**" if ratio > TARGET else "**pass**"
            if ratio <= AIM:
                verdict += f" (and meets the aim ≤ {AIM}×)"
            target = f"≤ {TARGET}×: {verdict}"
        else:
            target = "(none set)"
        lo, hi = r["paired_range"]
        lines.append(
            f"| {w} | {1e3 * r['median_s']['dlbook']:.2f} | {1e3 * r['median_s']['torch']:.2f} "
            f"| {ratio:.2f} | {r['paired_ratio']:.2f} ({lo:.2f}–{hi:.2f}) | "
            f"{r['cpu_ratio']:.2f} | {target} |"
        )
    checks = "; ".join(
        f"{w}: dlbook {r['check']['dlbook']:.6g}, PyTorch {r['check']['torch']:.6g}"
        for w, r in res["work"].items()
    )
    lines += [
        "",
        "Check that both computed the same thing (lstm: Σ|∂C/∂Wh|; charstep: the loss of the "
        f"last step): {checks}.",
        "",
    ]
    return lines


def _load() -> str:
    try:
        return ", ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "n/a"


def write_section(
    path: Path,
    res: dict[str, Any] | list[dict[str, Any]],
    started: str,
    command: str,
    before: str,
    after: str,
) -> None:
    """Put this benchmark's section into ``path``, replacing an older one, keeping the rest.

    ``res`` is one result of :func:`run`, or a list of them (one per thread count).
    """
    runs = res if isinstance(res, list) else [res]
    head = [
        f"<!-- section generated by benchmarks/lstm_step.py on {started}; do not edit -->",
        *render(runs[0])[:1],
        f"Measured on {started} by `{command}` (1-minute load average {before} before, "
        f"{after} after, on {os.cpu_count()} logical CPUs). A load near or above the number "
        "of CPUs means a machine shared with other jobs: absolute times are then inflated "
        "and noisy, and the ratios from interleaved fresh processes, above all the CPU-time "
        "ratio at one thread, are the numbers to read.",
        "",
    ]
    body = render(runs[0])[1:]
    for r in runs[1:]:  # the same work at another thread count: its table and checks only
        lines = render(r)
        start = next((k for k, line in enumerate(lines) if line.startswith("| work")), 1)
        body += [f"At {r['threads']} threads on both sides:", "", *lines[start:]]
    section = "\n".join(head + body).rstrip() + "\n"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    marker = "<!-- section generated by benchmarks/lstm_step.py"
    if marker in old:
        start = old.index(marker)
        nxt = old.find("\n## ", old.index("## LSTM", start) + 5)
        old = old[:start] + (old[nxt + 1 :] if nxt != -1 else "")
    anchor = old.find("## Fashion-MNIST")
    new = old[:anchor] + section + "\n" + old[anchor:] if anchor != -1 else old + "\n" + section
    path.write_text(new, encoding="utf-8")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, nargs="+", default=None, help="one or more thread counts")
    p.add_argument("--rounds", type=int, default=9)
    p.add_argument("--steps", type=int, default=40, help="timed calls per process")
    p.add_argument("--work", choices=WORK, default=None)
    p.add_argument("--no-torch", action="store_true")
    p.add_argument(
        "--results", type=Path, default=None, help="write this section into a RESULTS.md file"
    )
    p.add_argument("--worker", choices=["dlbook", "torch"], help=argparse.SUPPRESS)
    a = p.parse_args()
    thread_counts = a.threads or [default_threads()]
    if a.worker:
        threads = thread_counts[0]
        limit_threads(threads)
        w = a.work or "lstm"
        got = (
            worker_dlbook(w, a.steps) if a.worker == "dlbook" else worker_torch(w, a.steps, threads)
        )
        print(json.dumps(got))
        return
    work = (a.work,) if a.work else WORK
    load_before = _load()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    runs = []
    for threads in thread_counts:
        res = run(threads, a.rounds, a.steps, work, torch=False if a.no_torch else None)
        runs.append(res)
        print(f"{threads} thread(s), {a.rounds} rounds of {a.steps} timed calls per side")
        for w, r in res["work"].items():
            line = f"{w:9s} dlbook {1e3 * r['median_s']['dlbook']:7.2f} ms"
            if "ratio_to_torch" in r:
                line += (
                    f"  torch {1e3 * r['median_s']['torch']:7.2f} ms"
                    f"  ratio {r['ratio_to_torch']:.2f}  paired {r['paired_ratio']:.2f} "
                    f"({r['paired_range'][0]:.2f}–{r['paired_range'][1]:.2f})"
                    f"  cpu {r['cpu_ratio']:.2f}  check {r['check']}"
                )
            print(line, flush=True)
    if a.results is not None:
        command = "python benchmarks/lstm_step.py " + " ".join(sys.argv[1:])
        write_section(a.results, runs, started, command, load_before, _load())


if __name__ == "__main__":
    main()
