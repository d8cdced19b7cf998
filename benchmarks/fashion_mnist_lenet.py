"""Fashion-MNIST with chapter 05's LeNet-style network, beside published two-convolution results.

The references are the "2 Conv+pooling" rows of the benchmark table in the
Fashion-MNIST README (Xiao, Rasul & Vollgraf 2017, github.com/zalandoresearch/
fashion-mnist; the table's results were submitted, not re-tested by the
authors): **0.916** for the network of TensorFlow's layers tutorial
(``benchmark/convnet.py`` there: 32 and 64 filters of 5×5 with "same" padding,
each followed by 2×2 max pooling, a 1,024-unit dense layer with dropout 0.4;
about 3.3 M parameters) and 0.876 submitted by Kashif Rasul. Our network is far
smaller (6 and 16 filters, 120-84-10 dense layers, about 62 k parameters,
LeCun et al. 1998's sizes), trained with Adam (η = 0.001, batch 64) on 50,000
training images with 10,000 held out for validation, early stopping on the
validation loss, and the best epoch's weights kept; expect it a little below
the larger network.

Needs the data on this machine (Debian: ``apt-get install dataset-fashion-mnist``,
or ``dlbook data fetch fashion_mnist``); without them it prints a line saying so
and exits with status 0.

Run: ``python benchmarks/fashion_mnist_lenet.py [--epochs 30] [--threads N]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import default_threads, limit_threads
from _fashion import DataMissing, fit_and_test, split
from lenet_step import lenet

REFERENCE = 0.916  # "2 Conv+pooling", TensorFlow's tutorial network, Fashion-MNIST README
REFERENCE_SMALL = 0.876  # "2 Conv+pooling", Kashif Rasul


def run(
    epochs: int = 30, patience: int = 5, threads: int | None = None, seed: int = 0
) -> dict[str, Any]:
    """Train and test; returns the numbers, or ``{"skipped": reason}`` without the data."""
    from dlbook.optim import Adam

    info = limit_threads(threads or default_threads())
    try:
        data = split(seed, val_share=1 / 6, image_shape=(1, 28, 28))  # 10,000 of 60,000
    except DataMissing as exc:
        return {"skipped": str(exc)}
    model = lenet(rng=seed)
    res = fit_and_test(
        model, data, epochs=epochs, batch_size=64, optimizer=Adam(1e-3),
        early_stopping=patience, rng=seed,
    )  # fmt: skip
    return {
        **res,
        "reference_accuracy": REFERENCE,
        "reference_small": REFERENCE_SMALL,
        "parameters": sum(int(p.size) for d in model.params for p in d.values()),
        "threads": info["threads"],
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--patience", type=int, default=5)
    p.add_argument("--threads", type=int, default=None)
    a = p.parse_args()
    res = run(a.epochs, a.patience, a.threads)
    if "skipped" in res:
        print(f"skipped: {res['skipped']}")
        return
    print(
        f"test accuracy {100 * res['test_accuracy']:.2f} % (references {100 * REFERENCE:.1f} % "
        f"and {100 * REFERENCE_SMALL:.1f} %), {res['parameters']:,} parameters, "
        f"{res['epochs_run']} epochs, best {res['best_epoch']}, {res['seconds']:.0f} s"
    )


if __name__ == "__main__":
    main()
