"""RBM training by PCD-1: dlbook against scikit-learn's ``BernoulliRBM``, side by side.

The work (DESIGN §7): binarised ``mnist5k`` (4,000 training digits, pixels > 0.5),
256 hidden units, batches of 100, 10 epochs, persistent CD with one Gibbs step, at
scikit-learn's settings: learning rate 0.1 scaling the batch-mean gradient, weights
N(0, 0.01²), zero biases, no momentum, no weight decay, float32 data on both sides.
dlbook's per-epoch monitoring is reduced to one row so that both do the same work.

Both models are then scored by the same function, the exact pseudo-likelihood of
the 1,000 test digits (``RBM.pseudo_likelihood``: Σ_i log p(v_i | v_−i), all 784
bits; scikit-learn's weights are copied into a dlbook RBM for this). Runs alternate
(dlbook, scikit-learn, dlbook, …) so that load from other work hits both alike; the
ratio of the median times is the result.

    python benchmarks/rbm_pcd.py                 # 3 rounds, prints a Markdown section
    python benchmarks/rbm_pcd.py --write benchmarks/RESULTS.md   # and puts it there
    python benchmarks/rbm_pcd.py --quick         # 1 round of 1 epoch (a smoke run)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import limit_threads, machine

TARGET, AIM = 2.0, 2.5


def _data() -> tuple:
    import numpy as np

    from dlbook import datasets

    ds = datasets.load("mnist5k")
    x = (ds.x_train.reshape(len(ds.x_train), -1) > 0.5).astype(np.float32)
    x_test = (ds.x_test.reshape(len(ds.x_test), -1) > 0.5).astype(np.float32)
    return x, x_test


def run(rounds: int = 3, epochs: int = 10, threads: int = 2) -> dict[str, Any]:
    """Time both sides ``rounds`` times, interleaved; score each model once."""
    pools = limit_threads(threads)
    from sklearn.neural_network import BernoulliRBM

    from dlbook.rbm import RBM

    info = machine()  # before the work: its load average says whether others competed
    x, x_test = _data()
    sides = ("dlbook", "scikit-learn", "scikit-learn float64")
    wall: dict[str, list[float]] = {k: [] for k in sides}
    cpu: dict[str, list[float]] = {k: [] for k in sides}
    pl: dict[str, list[float]] = {k: [] for k in sides}
    for r in range(rounds):
        t, c = time.perf_counter(), time.process_time()
        ours = RBM(784, 256, rng=r).fit(
            x, epochs=epochs, batch_size=100, lr=0.1, k=1, persistent=True, monitor=x[:1]
        )
        wall["dlbook"].append(time.perf_counter() - t)
        cpu["dlbook"].append(time.process_time() - c)
        for side, data in (("scikit-learn", x), ("scikit-learn float64", x.astype("float64"))):
            t, c = time.perf_counter(), time.process_time()
            theirs = BernoulliRBM(
                n_components=256, learning_rate=0.1, batch_size=100, n_iter=epochs, random_state=r
            ).fit(data)
            wall[side].append(time.perf_counter() - t)
            cpu[side].append(time.process_time() - c)
            copy = RBM(784, 256)
            copy.params["W"][...] = theirs.components_.T
            copy.params["a"][...] = theirs.intercept_visible_
            copy.params["b"][...] = theirs.intercept_hidden_
            pl[side].append(copy.pseudo_likelihood(x_test))
        pl["dlbook"].append(ours.pseudo_likelihood(x_test))
    med = {k: statistics.median(v) for k, v in wall.items()}
    med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    return {
        "wall": wall,
        "cpu": cpu,
        "pl": pl,
        "ratio": {k: med[k] / med["dlbook"] for k in sides},
        "ratio_cpu": {k: med_cpu[k] / med_cpu["dlbook"] for k in sides},
        "median": med,
        "median_cpu": med_cpu,
        "rounds": rounds,
        "epochs": epochs,
        "threads": threads,
        "pools": pools["pools"],
        "machine": info,
        "load_after": os.getloadavg(),
    }


def render(res: dict[str, Any]) -> str:
    """The results as a Markdown section."""
    m = res["machine"]
    pl = {k: statistics.mean(v) for k, v in res["pl"].items()}
    lines = [
        "## RBM, PCD-1: dlbook against scikit-learn `BernoulliRBM`",
        "",
        f"Binarised `mnist5k` (4,000 digits), 256 hidden units, batch 100, {res['epochs']} epochs, "
        f"lr 0.1, {res['threads']} threads on both sides; {res['rounds']} interleaved rounds "
        f"(seeds 0…{res['rounds'] - 1}). dlbook trains in float32. scikit-learn computes in the "
        "dtype of the data it is given: once with the same float32 array, once with float64 "
        "data (what it gets from `(x > 0.5).astype(float)` or a bool array). "
        f"Machine: {m['cpu']}, load average before "
        f"{', '.join(f'{v:.2f}' for v in m['load_average'] or ())}, after "
        f"{', '.join(f'{v:.2f}' for v in res['load_after'])}.",
        "",
        "| | wall time, median (s) | CPU time, median (s) | time / dlbook's (wall, CPU) "
        "| test pseudo-likelihood (nats per image) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for k in res["wall"]:
        lines.append(
            f"| {k} | {res['median'][k]:.2f} | {res['median_cpu'][k]:.2f} | "
            f"{res['ratio'][k]:.2f}×, {res['ratio_cpu'][k]:.2f}× | {pl[k]:.2f} |"
        )
    lines += [
        "",
        "All wall times (s): "
        + "; ".join(f"{k} {[round(t, 2) for t in v]}" for k, v in res["wall"].items())
        + ".",
        "",
    ]
    for k in ("scikit-learn", "scikit-learn float64"):
        fast, good = res["ratio"][k] >= TARGET, pl["dlbook"] >= pl[k] - 0.5
        lines.append(
            f"- against {k}: {res['ratio'][k]:.2f}× faster, pseudo-likelihood "
            f"{pl['dlbook'] - pl[k]:+.2f} nats: target ≥ {TARGET}× at equal or better "
            f"pseudo-likelihood {'**met**' if fast and good else '**not met**'}."
        )
    if m["load_average"] and m["load_average"][0] > 0.5 * m["usable_cpus"]:
        lines += [
            "",
            "> The machine was shared with other work during this run: absolute times are "
            "inflated and noisy; the ratio of interleaved runs is the number to read.",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="1 round of 1 epoch")
    parser.add_argument("--write", type=Path, help="put the section into this file")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.epochs = 1, 1
    os.environ.setdefault("DLBOOK_PROGRESS", "0")
    text = render(run(args.rounds, args.epochs, args.threads))
    print(text)
    if args.write:
        put_section(args.write, text)
    return 0


def put_section(path: Path, text: str) -> None:
    """Put the section into ``path``: replace its old version (up to the next "## "), or append.

    ``benchmarks/RESULTS.md`` keeps the other sections as they are.
    """
    head = text.splitlines()[0]
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if head in old:
        start = old.index(head)
        nxt = old.find("\n## ", start + len(head))
        end = len(old) if nxt < 0 else nxt + 1
        new = old[:start] + text + ("\n" if nxt >= 0 else "") + old[end:]
    else:
        new = old.rstrip("\n") + ("\n\n" if old else "") + text
    path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
