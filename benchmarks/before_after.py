"""Two commits of dlbook side by side: the MLP epoch and an optimiser step, alternating.

    python benchmarks/before_after.py BEFORE [AFTER] [--rounds 7] [--threads 2]
    python benchmarks/before_after.py 442f831 main        # issue 16: before and after

Each ref is exported with ``git archive`` into a temporary folder (the working tree
is not touched). Every round starts one fresh process per ref, in an order that
alternates between rounds, so that a change of the machine's load falls on both
sides; each process imports dlbook from its own tree (it prints which). Two
measures, both with every thread pool capped at ``--threads``:

- ``epoch``: ``benchmarks/mlp_epoch.py``'s ``fit`` epoch of the 784-256-128-10
  MLP (batch 128, SGD with momentum), seconds per epoch, the median of the timed
  epochs of a process (after one warm-up);
- ``step``: one ``opt.step(model.trainable_params, model.trainable_grads)`` of
  SGD with momentum and of Adam on the same MLP's six parameters, as ``train_step``
  calls it (new lists every step), microseconds per step: the per-batch bookkeeping
  that issue 16 moved to the first step, plus the update itself.

It prints each side's median over rounds and the paired ratio (median over rounds
of after / before, in the same round). A ratio above 1 means AFTER is slower.
Nothing is written to RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import thread_env  # noqa: E402

WORKER = r"""
import json, sys, time
tree, n, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sys.path[:0] = [tree, tree + "/benchmarks"]
import dlbook, mlp_epoch
from dlbook.optim import SGD, Adam
assert dlbook.__file__.startswith(tree), dlbook.__file__
out = {"dlbook": dlbook.__file__}
r = mlp_epoch.worker_dlbook(epochs, "fit", n)
out["epoch_s"] = sorted(r["times"])[len(r["times"]) // 2]
model = mlp_epoch._dlbook_model()
for layer in model.layers:
    for k, g in layer.grads.items():
        g[...] = 1e-3
for name, opt in (("sgd", SGD(1e-6, momentum=0.9)), ("adam", Adam(1e-6))):
    for _ in range(20):
        opt.step(model.trainable_params, model.trainable_grads)  # warm-up; binds
    steps, t = 500, time.perf_counter()
    for _ in range(steps):
        opt.step(model.trainable_params, model.trainable_grads)
    out[name + "_step_us"] = (time.perf_counter() - t) / steps * 1e6
print("RESULT " + json.dumps(out))
"""

MEASURES = ("epoch_s", "sgd_step_us", "adam_step_us")


def export(ref: str, into: Path) -> Path:
    """``git archive REF`` unpacked into ``into``; returns the tree."""
    into.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def measure(tree: Path, n: int, epochs: int, threads: int) -> dict[str, float]:
    """One fresh process in ``tree``: its RESULT line."""
    env = thread_env(threads)
    env["PYTHONPATH"] = str(tree)
    proc = subprocess.run(
        [sys.executable, "-c", WORKER, str(tree), str(n), str(epochs)],
        env=env,
        cwd=tree,
        check=True,
        capture_output=True,
        text=True,
    )
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT ") :])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("before", help="a git ref, e.g. 442f831")
    p.add_argument("after", nargs="?", default="HEAD", help="a git ref (default HEAD)")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--n", type=int, default=60_000, help="samples per epoch")
    p.add_argument("--epochs", type=int, default=2, help="timed epochs per process")
    args = p.parse_args(argv)
    refs = (args.before, args.after)
    with tempfile.TemporaryDirectory(prefix="dlbook-before-after-") as tmp:
        trees = {ref: export(ref, Path(tmp) / f"side{i}") for i, ref in enumerate(refs)}
        runs: dict[str, list[dict[str, float]]] = {ref: [] for ref in refs}
        for r in range(args.rounds):
            for ref in refs if r % 2 == 0 else refs[::-1]:
                runs[ref].append(measure(trees[ref], args.n, args.epochs, args.threads))
            done = "  ".join(f"{ref}: {runs[ref][-1]['epoch_s']:.3f} s" for ref in refs)
            print(f"round {r + 1}/{args.rounds}  epoch  {done}", flush=True)
    print(f"\n{args.threads} thread(s), {args.rounds} rounds, {args.n} samples per epoch")
    print(f"{'measure':<14}{refs[0]:>14}{refs[1]:>14}{'after/before':>14}")
    for key in MEASURES:
        before = [run[key] for run in runs[refs[0]]]
        after = [run[key] for run in runs[refs[1]]]
        paired = statistics.median(a / b for a, b in zip(after, before, strict=True))
        print(
            f"{key:<14}{statistics.median(before):>14.4g}{statistics.median(after):>14.4g}"
            f"{paired:>14.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
