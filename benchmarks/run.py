"""Run the benchmarks and write ``benchmarks/RESULTS.md`` (``make bench``).

1. One training epoch of the 784-256-128-10 MLP (batch 128, float32), dlbook
   against PyTorch on the CPU with the same thread count (``mlp_epoch.py``);
   target (DESIGN §7): dlbook within 1.3× PyTorch's time, aim 0.8×.
2. LSTM forward+backward (N=32, T=50, D=64, H=128) and one step of chapter 06's
   character model against PyTorch (``lstm_step.py``); target ≤ 1.5×, aim ≤ 1.1×.
3. The 256-128-100 MLP trained on full Fashion-MNIST when the data are on this
   machine (``fashion_mnist_mlp.py``), against the published test accuracy 0.8833.
4. Conv2D forward+backward on LeNet's shapes and one LeNet training step (batch 64),
   against PyTorch (``lenet_step.py``), target 1.5×, aim 1.2×; and chapter 05's
   LeNet-style network on full Fashion-MNIST (``fashion_mnist_lenet.py``).
   ``--only lenet`` measures just these and replaces their section of RESULTS.md.

Every number written is measured in this run; RESULTS.md says when and where.

    python benchmarks/run.py                 # the benchmark: 60,000 samples, 5 rounds
    python benchmarks/run.py --quick         # a smoke run in seconds; writes no file
    python benchmarks/run.py --threads 1 2   # one table row per thread count
    python benchmarks/run.py --fashion-only --fashion-seeds 5
        # re-measure only the Fashion-MNIST section (5 seeds, mean ± sd); the rest of
        # RESULTS.md is kept, and the section says when and how it was measured
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fashion_mnist_lenet
import fashion_mnist_mlp
import lenet_step
import lstm_step
import mlp_epoch
from _common import default_threads, have_module, machine

TARGET, AIM = 1.3, 0.8
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
NOT_PRESENT = "data not present: see datasets/README.md"


def collect(
    threads: list[int],
    rounds: int,
    epochs: int,
    n: int,
    torch: bool,
    variants: tuple[str, ...],
    fashion_epochs: int,
    fashion: bool = True,
    lstm_steps: int | None = 40,
) -> dict[str, Any]:
    """Measure everything; returns the numbers that :func:`render` writes."""
    started = dt.datetime.now(dt.timezone.utc)
    info = machine()
    t0 = time.perf_counter()
    mlp = [
        mlp_epoch.run(k, rounds=rounds, epochs=epochs, variants=variants, n=n, torch=torch)
        for k in threads
    ]
    lstm = None
    if lstm_steps:
        lstm = lstm_step.run(max(threads), rounds=rounds, steps=lstm_steps, torch=torch)
    fmnist: dict[str, Any] | None = None
    if fashion:
        fmnist = fashion_mnist_mlp.run(epochs=fashion_epochs, threads=max(threads))
    conv = collect_lenet(threads, rounds, 50 if epochs > 1 else 5, torch, fashion, fashion_epochs)
    try:
        load_after = os.getloadavg()
    except OSError:
        load_after = None
    return {
        "started": started,
        "seconds": time.perf_counter() - t0,
        "machine": info,
        "load_after": load_after,
        "mlp": mlp,
        "lstm": lstm,
        "fashion": fmnist,
        "fashion_epochs": fashion_epochs,
        "lenet": conv["lenet"],
        "fashion_lenet": conv["fashion_lenet"],
        "lenet_steps": conv["lenet_steps"],
    }


def collect_lenet(
    threads: list[int], rounds: int, steps: int, torch: bool, fashion: bool, fashion_epochs: int
) -> dict[str, Any]:
    """The convolution benchmarks alone (``--only lenet``): LeNet shapes and Fashion-MNIST."""
    started = dt.datetime.now(dt.timezone.utc)
    info = machine()
    t0 = time.perf_counter()
    lenet = [lenet_step.run(k, rounds=rounds, steps=steps, torch=torch) for k in threads]
    fl: dict[str, Any] | None = None
    if fashion and fashion_epochs > 1:
        fl = fashion_mnist_lenet.run(epochs=min(fashion_epochs, 30), threads=max(threads))
    elif fashion:
        fl = {"skipped": "a smoke run (--quick): the LeNet is not trained on Fashion-MNIST"}
    try:
        load_after = os.getloadavg()
    except OSError:
        load_after = None
    return {
        "started": started,
        "seconds": time.perf_counter() - t0,
        "machine": info,
        "load_after": load_after,
        "lenet": lenet,
        "fashion_lenet": fl,
        "lenet_steps": steps,
    }


BEGIN, END = "<!-- lenet:begin -->", "<!-- lenet:end -->"


def lenet_block(res: dict[str, Any], command: str) -> str:
    """The convolution section of RESULTS.md, between markers so that ``--only lenet`` can
    replace it alone."""
    when = res["started"].strftime("%Y-%m-%d %H:%M UTC")
    load = res["machine"]["load_average"]
    lines = [
        BEGIN,
        "## Convolution: Conv2D on LeNet's shapes and a LeNet training step, batch 64, float32",
        "",
        f"Measured on {when} by `{command}`; load average before: {_load(load)}, after: "
        f"{_load(res['load_after'])}. Both sides start from the same weights and see the same "
        "batches (see `lenet_step.py`): `conv1` is Conv2D(1, 6, 5, padding=2) on (64, 1, 28, 28) "
        "without the input gradient, `conv2` is Conv2D(6, 16, 5) on (64, 6, 14, 14) with it, "
        "`step` is forward, loss, backward and SGD with momentum for the whole network. Each "
        f"side ran in fresh processes, alternating, {res['lenet_steps']} timed calls per process "
        "after a warm-up.",
        "",
    ]
    if load and load[0] > 0.5 * res["machine"]["usable_cpus"]:
        lines += [
            "> The machine was shared with other work during this run (1-minute load above half "
            "the CPUs): medians are inflated, most for two threads per side. The fastest call of "
            "each side (least disturbed), the ratio of CPU times and the one-thread rows are the "
            "numbers to read.",
            "",
        ]
    lines += [
        "| threads | work | dlbook median (ms) | PyTorch median (ms) | ratio | paired ratio "
        "| dlbook fastest (ms) | PyTorch fastest (ms) | ratio of fastest | ratio of CPU times "
        "| target ≤ 1.5× |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in res["lenet"]:
        for w, e in r["work"].items():
            med, low = e["median_ms"], e["min_ms"]
            if "ratio" not in e:
                lines.append(
                    f"| {r['threads']} | {w} | {med['dlbook']:.2f} | – | – | – | "
                    f"{low['dlbook']:.2f} | – | – | – | – |"
                )
                continue
            verdict = "**pass**" if e["ratio"] <= 1.5 else "**FAIL**"
            if e["ratio"] <= 1.2:
                verdict = "**pass** (and meets the aim ≤ 1.2×)"
            lines.append(
                f"| {r['threads']} | {w} | {med['dlbook']:.2f} | {med['torch']:.2f} | "
                f"{e['ratio']:.2f} | {e['paired_ratio']:.2f} | {low['dlbook']:.2f} | "
                f"{low['torch']:.2f} | {e['min_ratio']:.2f} | {e['cpu_ratio']:.2f} | {verdict} |"
            )
    r0 = res["lenet"][0]
    if "step" in r0["work"] and "torch" in r0["work"]["step"]["check"]:
        c = r0["work"]["step"]["check"]
        lines += [
            "",
            f"Check that both computed the same thing ({r0['threads']} thread(s)): loss on the "
            f"first batch after the timed steps, dlbook {c['dlbook']:.6f}, PyTorch "
            f"{c['torch']:.6f}.",
        ]
    lines += ["", "### Chapter 05's network on Fashion-MNIST", ""]
    f = res["fashion_lenet"]
    if f is None:
        lines += ["Not run (`--no-fashion`).", ""]
    elif "skipped" in f:
        lines += [NOT_PRESENT, "", f"({f['skipped'].splitlines()[0]})", ""]
    else:
        lines += [
            "LeNet-style network (6 and 16 filters of 5×5, 120-84-10), Adam η = 0.001, batch 64, "
            "50,000 training images, 10,000 held out for validation, early stopping (patience "
            '5), the best epoch\'s weights kept. The references are the "2 Conv+pooling" rows '
            "of the Fashion-MNIST README's benchmark table (submitted, not re-tested): 0.916 for "
            "TensorFlow's tutorial network (32 and 64 filters, a 1,024-unit layer, about 3.3 M "
            "parameters) and 0.876 (Kashif Rasul).",
            "",
            "| parameters | epochs run | best epoch | validation accuracy | test accuracy | "
            "references | time |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            f"| {f['parameters']:,} | {f['epochs_run']} | {f['best_epoch']} | "
            f"{100 * f['val_accuracy']:.1f} % | **{100 * f['test_accuracy']:.2f} %** | "
            f"{100 * f['reference_accuracy']:.1f} %, {100 * f['reference_small']:.1f} % | "
            f"{f['seconds']:.0f} s ({f['seconds_per_epoch']:.1f} s/epoch, {f['threads']} "
            "threads) |",
            "",
        ]
    lines += [lenet_step.TUNING_LOG.strip(), END]
    return "\n".join(lines)


def write_lenet_block(path: Path, block: str) -> None:
    """Replace the convolution section of ``path`` (or append it) with ``block``."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def _verdict(ratio: float) -> str:
    if ratio <= AIM:
        return f"**pass** (and meets the aim ≤ {AIM}×)"
    return "**pass**" if ratio <= TARGET else "**FAIL**"


def _count(k: int, word: str, plural: str = "s") -> str:
    return f"{k} {word}" if k == 1 else f"{k} {word}{plural}"


def _load(x: Any) -> str:
    return "n/a" if x is None else ", ".join(f"{v:.2f}" for v in x)


def render(res: dict[str, Any], command: str) -> str:
    """RESULTS.md as text, from the numbers of :func:`collect`."""
    m = res["machine"]
    when = res["started"].strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"<!-- generated by benchmarks/run.py on {when}; do not edit: run `make bench` -->",
        "# Benchmark results",
        "",
        f"Measured on {when} by `{command}` ({res['seconds']:.0f} s in all). Every",
        "number below was computed in that run (except the convolution section's tuning log,",
        "which records development measurements, and says so); see `benchmarks/README.md` for",
        "the method.",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
        f"| CPU | {m['cpu']} |",
        f"| logical CPUs | {m['cpus']} ({m['usable_cpus']} usable by this process) |",
        f"| OS | {m['os']} |",
        f"| Python | {m['python']} |",
        f"| NumPy | {m['numpy']}; BLAS: {', '.join(m['blas']) or 'unknown'} |",
        f"| PyTorch | {m['torch'] or 'not installed'} |",
        f"| load average (1, 5, 15 min) | before: {_load(m['load_average'])}; "
        f"after: {_load(res['load_after'])} |",
        "",
    ]
    # Only the load before the run says whether other work competed: the load after it
    # includes the benchmark's own threads.
    before = m["load_average"]
    if before and before[0] > 0.5 * m["usable_cpus"]:
        lines += [
            "> The machine was busy with other work when this run started (1-minute load "
            "average above half the CPUs): absolute times are inflated and noisy. The ratio, from "
            "interleaved runs, is the number to read; re-run `make bench` on a quiet machine.",
            "",
        ]
    lines += _mlp_section(res["mlp"], m["torch"])
    lines += lstm_step.render(res.get("lstm"))
    lines += _fashion_section(res["fashion"], res["fashion_epochs"])
    if res.get("lenet") is not None:
        lines += lenet_block(res, command).splitlines()
    return "\n".join(lines) + "\n"


def _mlp_section(runs: list[dict[str, Any]], torch: str | None) -> list[str]:
    r0 = runs[0]
    lines = [
        "## MLP training epoch, 784-256-128-10, batch 128, float32",
        "",
        f"SGD (η = {mlp_epoch.LR}, momentum {mlp_epoch.MOMENTUM}) on {r0['n']:,} random "
        "samples of MNIST's size (inputs in [0, 1), random labels), one epoch = "
        f"{-(-r0['n'] // r0['batch'])} batches. Both sides start from the same He-normal "
        "weights, see the batches in the same order and keep the epoch's loss and accuracy. "
        f"Each side ran in {_count(r0['rounds'], 'fresh process', 'es')}, alternating with "
        f"the other, each timing {_count(r0['epochs_per_round'], 'epoch')} after one untimed "
        "warm-up epoch; "
        "the table gives the medians.",
        "",
    ]
    if not r0["torch"]:
        why = "was not timed (`--no-torch`)" if torch else "is not installed (the bench extra)"
        lines += [
            f"PyTorch {why}: dlbook alone, no ratio.",
            "",
            "| threads | dlbook `fit` (s/epoch) | GFLOP/s |",
            "| --- | --- | --- |",
        ]
        for r in runs:
            t = r["median_s"]["dlbook:fit"]
            lines.append(f"| {r['threads']} | {t:.3f} | {r['gflops']['dlbook:fit']:.1f} |")
        return [*lines, ""]
    lines += [
        "| threads | dlbook `fit` (s/epoch) | PyTorch (s/epoch) | ratio dlbook / PyTorch "
        f"| paired ratio | target ≤ {TARGET}× |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in runs:
        ratio = r["ratio_to_torch"]["dlbook:fit"]
        lines.append(
            f"| {r['threads']} | {r['median_s']['dlbook:fit']:.3f} | {r['median_s']['torch']:.3f} "
            f"| {ratio:.2f} | {r['paired_ratio']['dlbook:fit']:.2f} | {_verdict(ratio)} |"
        )
    lines += [
        "",
        "*Ratio*: median dlbook time / median PyTorch time. *Paired ratio*: the median over "
        "rounds of the ratio of the two processes run back to back, which is less sensitive "
        "to a load that changes during the run. The fastest epoch of each side, the one least "
        "disturbed by other work:",
        "",
        "| threads | dlbook fastest (s) | PyTorch fastest (s) | ratio of fastest |",
        "| --- | --- | --- | --- |",
    ]
    for r in runs:
        t_d, t_t = r["min_s"]["dlbook:fit"], r["min_s"]["torch"]
        lines.append(f"| {r['threads']} | {t_d:.3f} | {t_t:.3f} | {t_d / t_t:.2f} |")
    lines.append("")
    others = [s for s in r0["median_s"] if s not in ("dlbook:fit", "torch")]
    if others:
        lines += ["Variants of the dlbook side (see `mlp_epoch.py`):", ""]
        lines += ["| threads | variant | s/epoch | GFLOP/s | ratio to PyTorch |"]
        lines += ["| --- | --- | --- | --- | --- |"]
        for r in runs:
            for s in ["dlbook:fit", *others, "torch"]:
                ratio = r.get("ratio_to_torch", {}).get(s)
                lines.append(
                    f"| {r['threads']} | {s} | {r['median_s'][s]:.3f} | {r['gflops'][s]:.1f} "
                    f"| {'' if ratio is None else f'{ratio:.2f}'} |"
                )
        lines.append("")
    lines += [
        "Memory of one worker process: peak resident set while training (VmHWM), and how "
        "far it rose above the memory in use just before training (data: "
        f"{r0['n'] * 784 * 4 / 2**20:.0f} MB of float32 inputs, model, libraries).",
        "",
        "| threads | side | peak RSS (MB) | rise during training (MB) |",
        "| --- | --- | --- | --- |",
    ]
    for r in runs:
        for s in ("dlbook:fit", "torch"):
            mem = r["memory"][s]
            lines.append(
                f"| {r['threads']} | {s} | {mem['peak_rss_mb']:.0f} | {mem['training_mb']:.1f} |"
            )
    loss = r0["final_loss"]
    diff = abs(loss["dlbook:fit"] - loss["torch"])
    lines += [
        "",
        "Check that both computed the same thing: mean loss on the first "
        f"{min(r0['n'], 10_000):,} samples after the last epoch "
        f"({_count(r0['threads'], 'thread')}): dlbook {loss['dlbook:fit']:.6f}, "
        f"PyTorch {loss['torch']:.6f} (difference {diff:.1e}).",
        "",
        "All timed epochs (s):",
        "",
    ]
    for r in runs:
        for s, ts in r["times_s"].items():
            times = ", ".join(f"{t:.3f}" for t in ts)
            lines.append(f"- {_count(r['threads'], 'thread')}, {s}: {times}")
    return [*lines, ""]


def _fashion_section(f: Any, epochs: int) -> list[str]:
    lines = ["## Fashion-MNIST, MLP 784-256-128-100-10", ""]
    if f is None:
        return [*lines, "Not run (`--no-fashion`).", ""]
    if isinstance(f, list):  # several seeds
        return _fashion_seeds_section(lines, f, epochs)
    if "skipped" in f:
        return [*lines, NOT_PRESENT, "", f"({f['skipped'].splitlines()[0]})", ""]
    ref = f["reference_accuracy"]
    lines += [
        "Dropout 0.4 after each hidden ReLU layer, SGD η = 0.01 with Nesterov momentum "
        "0.975, batch 100, 20 % of the training images held out for validation, early "
        "stopping (see `fashion_mnist_mlp.py` for the reference's settings and the "
        "differences).",
        "",
        "| epochs run (max) | best epoch | validation accuracy | test accuracy | "
        "published reference | time |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| {f['epochs_run']} ({epochs}) | {f['best_epoch']} | "
        f"{100 * f['val_accuracy']:.1f} % | **{100 * f['test_accuracy']:.2f} %** | "
        f"{100 * ref:.2f} % | {f['seconds']:.0f} s ({f['seconds_per_epoch']:.2f} s/epoch, "
        f"{f['threads']} threads) |",
        "",
    ]
    if epochs < 20:
        lines += [f"Only {epochs} epoch(s) (a smoke run): not comparable with the reference.", ""]
    return lines


def _fashion_seeds_section(lines: list[str], runs: list[dict[str, Any]], epochs: int) -> list[str]:
    """One row per seed, then the mean ± sample standard deviation of the test accuracy."""
    if not runs or "skipped" in runs[0]:
        reason = runs[0]["skipped"].splitlines()[0] if runs else "no seeds"
        return [*lines, NOT_PRESENT, "", f"({reason})", ""]
    ref = runs[0]["reference_accuracy"]
    lines += [
        "Dropout 0.4 after each hidden ReLU layer, SGD η = 0.01 with Nesterov momentum "
        "0.975, batch 100, 20 % of the training images held out for validation, early "
        "stopping (see `fashion_mnist_mlp.py` for the reference's settings and the "
        "differences). One row per seed (the seed fixes the weights, the dropout masks, the "
        "order of the batches and the validation split).",
        "",
        "| seed | epochs run (max) | best epoch | validation accuracy | test accuracy | time |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in runs:
        lines.append(
            f"| {r['seed']} | {r['epochs_run']} ({epochs}) | {r['best_epoch']} | "
            f"{100 * r['val_accuracy']:.1f} % | {100 * r['test_accuracy']:.2f} % | "
            f"{r['seconds']:.0f} s ({r['seconds_per_epoch']:.2f} s/epoch, "
            f"{_count(r['threads'], 'thread')}) |"
        )
    acc = [100 * r["test_accuracy"] for r in runs]
    mean = sum(acc) / len(acc)
    sd = (sum((a - mean) ** 2 for a in acc) / (len(acc) - 1)) ** 0.5 if len(acc) > 1 else 0.0
    lines += [
        "",
        f"Test accuracy over {len(acc)} seeds: **{mean:.2f} % ± {sd:.2f}** (mean ± sd; "
        f"lowest {min(acc):.2f} %, highest {max(acc):.2f} %). Published: **{100 * ref:.2f} %**, "
        "the best of 30 runs of the reference set-up.",
        "",
    ]
    return lines


def fashion_only(seeds: int, epochs: int, threads: int, command: str, output: Path) -> str:
    """Re-measure the Fashion-MNIST section over ``seeds`` seeds and put it into ``output``.

    The other sections of ``output`` are kept as they are; the new section says when,
    by which command and on how busy a machine it was measured.
    """
    started = dt.datetime.now(dt.timezone.utc)
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    t0 = time.perf_counter()
    runs = []
    for seed in range(seeds):
        r = fashion_mnist_mlp.run(epochs=epochs, threads=threads, seed=seed)
        runs.append({**r, "seed": seed})
        if "skipped" in r:
            break
    section = _fashion_section(runs, epochs)
    when = started.strftime("%Y-%m-%d %H:%M UTC")
    note = (
        f"This section was measured on {when} by `{command}` "
        f"({time.perf_counter() - t0:.0f} s; 1-minute load average before: "
        f"{_load(load_before[:1] if load_before else None)} on {machine()['usable_cpus']} "
        "usable CPUs, so times are from a shared machine); the sections above come from the "
        "run named at the top."
    )
    section[2:2] = [note, ""]
    old = output.read_text(encoding="utf-8") if output.exists() else ""
    head, sep, rest = old.partition("## Fashion-MNIST")
    tail = ""
    if sep:  # the section ends at the next heading or marker comment (<!-- lenet:begin -->)
        ends = [i for i in (rest.find("\n## "), rest.find("\n<!-- ")) if i >= 0]
        tail = rest[min(ends) + 1 :] if ends else ""
    text = head + "\n".join(section) + "\n" + tail
    output.write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="a smoke run in seconds; writes no file")
    p.add_argument("--threads", type=int, nargs="+", default=None, help="default: usable CPUs")
    p.add_argument("--rounds", type=int, default=None, help="processes per side (default 5)")
    p.add_argument("--epochs", type=int, default=None, help="timed epochs per process (2)")
    p.add_argument("--n", type=int, default=None, help="samples per epoch (60,000)")
    p.add_argument("--all-variants", action="store_true", help="also time dlbook's variants")
    p.add_argument("--no-torch", action="store_true", help="time dlbook only")
    p.add_argument("--no-fashion", action="store_true", help="skip the Fashion-MNIST run")
    p.add_argument("--no-lstm", action="store_true", help="skip the LSTM benchmark")
    p.add_argument("--fashion-epochs", type=int, default=None, help="at most (default 100)")
    p.add_argument("--fashion-only", action="store_true", help="re-measure only Fashion-MNIST")
    p.add_argument("--fashion-seeds", type=int, default=1, help="seeds 0..N-1 (--fashion-only)")
    p.add_argument("--output", type=Path, default=None, help=f"default {RESULTS.name}")
    p.add_argument("--strict", action="store_true", help=f"exit 1 when a ratio is > {TARGET}")
    p.add_argument(
        "--only", choices=["lenet"], default=None, help="measure one part; replace its section"
    )
    a = p.parse_args(argv)
    q = a.quick
    threads = a.threads or [default_threads()]
    rounds = a.rounds or (1 if q else 5)
    epochs = a.epochs or (1 if q else 2)
    n = a.n or (2048 if q else mlp_epoch.N)
    fashion_epochs = a.fashion_epochs or (1 if q else 100)
    torch = have_module("torch") and not a.no_torch
    variants = mlp_epoch.VARIANTS if a.all_variants else ("fit",)
    command = " ".join(["python benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])])
    if a.only == "lenet":
        conv = collect_lenet(threads, rounds, 5 if q else 50, torch, not a.no_fashion,
                             fashion_epochs)  # fmt: skip
        block = lenet_block(conv, command.strip())
        print(block)
        output = a.output or (None if q else RESULTS)
        if output is not None:
            write_lenet_block(output, block)
            print(f"written: {output}")
        return 0
    lstm_steps = None if a.no_lstm else (2 if q else 40)
    if a.fashion_only:
        out = a.output or RESULTS
        print(fashion_only(a.fashion_seeds, fashion_epochs, max(threads), command.strip(), out))
        print(f"written: {out}")
        return 0
    res = collect(
        threads, rounds, epochs, n, torch, variants, fashion_epochs, not a.no_fashion, lstm_steps
    )
    text = render(res, command.strip())
    print(text)
    output = a.output or (None if q else RESULTS)
    if output is not None:
        output.write_text(text, encoding="utf-8")
        print(f"written: {output}")
    ratios = [r["ratio_to_torch"]["dlbook:fit"] for r in res["mlp"] if r["torch"]]
    return 1 if a.strict and any(x > TARGET for x in ratios) else 0


if __name__ == "__main__":
    sys.exit(main())
