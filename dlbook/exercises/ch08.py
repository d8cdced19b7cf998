"""Exercises and quizzes of chapter 08: deep belief networks.

In the notebook::

    from dlbook.exercises import ch08
    ch08.greedy_input.check(my_greedy_input)
    ch08.pretraining_quiz.check(None)     # a quiz: .check(option number)

Five code exercises (the data of the next RBM in greedy stacking, the pass up
through a stack, the pass down that generates, the parameters of a DBN and of
the network it becomes, mean ± sd over seeds) and two quizzes. Every exercise
knows at least four typical wrong answers and the case that catches each.
"""

from __future__ import annotations

import numpy as np

from .core import Case, Quiz, function_exercise
from .fixtures import fixed_array as _fixed
from .fixtures import fixed_bits as _bits
from .fixtures import sigmoid as _sigmoid

__all__ = [
    "down_pass",
    "greedy_input",
    "mean_sd",
    "n_params",
    "optional_quiz",
    "pretraining_quiz",
    "up_pass",
]


# --- 08.greedy_input ---------------------------------------------------------------------------


def _greedy_input(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    return _sigmoid(x @ W + b)  # p(h | x) of the trained RBM: the next RBM's data


def _greedy_rounded(x, W, b):
    # Mistake: rounds the probabilities to 0/1, throwing information away.
    return (_sigmoid(x @ W + b) > 0.5).astype(np.float64)


def _greedy_no_sigmoid(x, W, b):
    # Mistake: passes the total input x W + b on, not the probability.
    return x @ W + b


def _greedy_no_bias(x, W, b):
    # Mistake: forgets the hidden bias.
    return _sigmoid(x @ W)


def _greedy_transposed(x, W, b):
    # Mistake: goes down instead of up (W transposed); only square W lets it run.
    return _sigmoid(x @ W.T + b)


def _greedy_reconstruction(x, W, b):
    # Mistake: feeds the next RBM the reconstruction of x instead of the hidden layer.
    h = _sigmoid(x @ W + b)
    return _sigmoid(h @ W.T)


greedy_input = function_exercise(
    id="08.greedy_input",
    title="A greedy stacking step",
    prompt="""
    Write `greedy_input(x, W, b)`: once the RBM with weights `W` and hidden bias `b`
    is trained on `x`, what does the next RBM of the stack train on? The hidden
    probabilities p(h = 1 | x) = σ(xW + b) (Hinton, Osindero & Teh 2006 pass the
    probabilities, not binary samples, up to the next layer).

    - `x`: (N, V) floats in [0, 1]; `W` (V, H); `b` (H,);
    - returns a float array (N, H) in (0, 1).

    Example: `x = [[1, 0]]`, `W = [[2, 0], [0, 5]]`, `b = [-3, 1]` gives
    `[[0.269, 0.731]]`.
    """,
    reference=_greedy_input,
    cases=[
        Case(
            "the example",
            (np.array([[1.0, 0.0]]), np.array([[2.0, 0.0], [0.0, 5.0]]), np.array([-3.0, 1.0])),
        ),
        Case(
            "square W: N = 4, V = H = 5",
            (_bits(4, 5, seed=4), _fixed(5, 5, seed=5, scale=2.0), _fixed(5, seed=6)),
        ),
        Case("N = 5, V = 6, H = 4", (_bits(5, 6, seed=1), _fixed(6, 4, seed=2), _fixed(4, seed=3))),
    ],
    hints=[
        "The second RBM's 'visible' units are the first RBM's hidden units, driven by the data.",
        "Pass up the probabilities p(h_j = 1 | x) = σ(b_j + x·W[:, j]).",
        "return 1 / (1 + np.exp(-(x @ W + b)))",
    ],
    mistakes=[
        (_greedy_rounded, "pass up the probabilities, not states rounded to 0 or 1"),
        (_greedy_no_sigmoid, "apply the sigmoid: the next RBM sees probabilities in (0, 1)"),
        (_greedy_no_bias, "the hidden bias b belongs inside the sigmoid"),
        (_greedy_transposed, "go up with x @ W (V → H), not x @ W.T"),
        (
            _greedy_reconstruction,
            "you passed on the reconstruction of x; the next RBM models the hidden layer",
        ),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 08.up_pass ----------------------------------------------------------------------------------


def _up_pass(x: np.ndarray, weights: list, biases: list) -> np.ndarray:
    h = x
    for W, b in zip(weights, biases, strict=True):  # bottom to top
        h = _sigmoid(h @ W + b)
    return h


def _up_first_only(x, weights, biases):
    # Mistake: stops after the first layer.
    return _sigmoid(x @ weights[0] + biases[0])


def _up_linear(x, weights, biases):
    # Mistake: no sigmoid between the layers, only at the top.
    h = x
    for W, b in zip(weights, biases, strict=True):
        h = h @ W + b
    return _sigmoid(h)


def _up_no_bias(x, weights, biases):
    # Mistake: leaves out the biases.
    h = x
    for W in weights:
        h = _sigmoid(h @ W)
    return h


def _up_rounded(x, weights, biases):
    # Mistake: rounds each layer to binary states.
    h = x
    for W, b in zip(weights, biases, strict=True):
        h = (_sigmoid(h @ W + b) > 0.5).astype(np.float64)
    return h


def _up_bias_reversed(x, weights, biases):
    # Mistake: takes the biases from the top down (they only fit when all layers are equal).
    h = x
    for W, b in zip(weights, reversed(biases), strict=True):
        h = _sigmoid(h @ W + b)
    return h


up_pass = function_exercise(
    id="08.up_pass",
    title="The pass up through a stack",
    prompt="""
    Write `up_pass(x, weights, biases)`: the top layer's probabilities of a DBN for
    input `x`, computed layer by layer: h_0 = x, h_l = σ(h_{l−1} W_l + b_l).

    - `x`: (N, D) floats; `weights`: list of arrays, `weights[l]` of shape
      (sizes[l], sizes[l + 1]); `biases`: list of the hidden biases, same length;
    - returns a float array (N, sizes[−1]).

    Example: `x = [[1]]`, `weights = [[[0.]], [[2.]]]`, `biases = [[0.], [-1.]]`
    gives σ(2 · 0.5 − 1) = `[[0.5]]`.
    """,
    reference=_up_pass,
    cases=[
        Case(
            "the example",
            (
                np.array([[1.0]]),
                [np.array([[0.0]]), np.array([[2.0]])],
                [np.array([0.0]), np.array([-1.0])],
            ),
        ),
        Case(
            "6 → 4 → 3 → 2",
            (
                _bits(5, 6, seed=1),
                [
                    _fixed(6, 4, seed=2, scale=2.0),
                    _fixed(4, 3, seed=3, scale=2.0),
                    _fixed(3, 2, seed=4),
                ],
                [_fixed(4, seed=5), _fixed(3, seed=6), _fixed(2, seed=7)],
            ),
        ),
        Case(
            "4 → 4 → 4",
            (
                _bits(3, 4, seed=8),
                [_fixed(4, 4, seed=9, scale=3.0), _fixed(4, 4, seed=10, scale=3.0)],
                [_fixed(4, seed=11), _fixed(4, seed=12, scale=2.0)],
            ),
        ),
    ],
    hints=[
        "Apply the greedy step of the previous exercise once per RBM, bottom to top.",
        "h = x; for each (W, b): h = σ(h W + b).",
        "h = x\nfor W, b in zip(weights, biases):\n"
        "    h = 1 / (1 + np.exp(-(h @ W + b)))\nreturn h",
    ],
    mistakes=[
        (_up_first_only, "go all the way up: one sigmoid layer per RBM"),
        (_up_linear, "apply the sigmoid at every layer, not only at the top"),
        (_up_no_bias, "each layer adds its hidden bias before the sigmoid"),
        (_up_rounded, "pass up probabilities, not states rounded to 0 or 1"),
        (_up_bias_reversed, "pair weights[l] with biases[l], bottom to top"),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 08.down_pass --------------------------------------------------------------------------------


def _down_pass(h: np.ndarray, weights: list, visible_biases: list) -> np.ndarray:
    for W, a in zip(reversed(weights), reversed(visible_biases), strict=True):  # top to bottom
        h = _sigmoid(h @ W.T + a)
    return h


def _down_wrong_order(h, weights, visible_biases):
    # Mistake: goes through the layers bottom-first.
    for W, a in zip(weights, visible_biases, strict=True):
        h = _sigmoid(h @ W.T + a)
    return h


def _down_not_transposed(h, weights, visible_biases):
    # Mistake: uses W instead of Wᵀ (runs only when the layers are square).
    for W, a in zip(reversed(weights), reversed(visible_biases), strict=True):
        h = _sigmoid(h @ W + a)
    return h


def _down_no_bias(h, weights, visible_biases):
    # Mistake: forgets the visible biases.
    for W in reversed(weights):
        h = _sigmoid(h @ W.T)
    return h


def _down_linear(h, weights, visible_biases):
    # Mistake: the sigmoid only at the bottom.
    for W, a in zip(reversed(weights), reversed(visible_biases), strict=True):
        h = h @ W.T + a
    return _sigmoid(h)


down_pass = function_exercise(
    id="08.down_pass",
    title="The pass down that generates",
    prompt="""
    Write `down_pass(h, weights, visible_biases)`: the generative, top-down pass of a
    DBN, in its mean-field form. Start from the state `h` of the layer below the top
    RBM's hidden layer and go down through the lower RBMs, each with its *visible*
    bias: h_{l−1} = σ(h_l W_lᵀ + a_l), until the pixels.

    - `h`: (N, sizes[L]); `weights[l]`: (sizes[l], sizes[l + 1]) for l = 0 … L − 1;
      `visible_biases[l]`: (sizes[l],);
    - returns (N, sizes[0]) probabilities.

    Example: `h = [[1]]`, `weights = [[[2.], [0.]]]` (2 × 1), `visible_biases =
    [[-2., 0.]]` gives `[[0.5, 0.5]]`.
    """,
    reference=_down_pass,
    cases=[
        Case(
            "square: 4 ← 4 ← 4",
            (
                _bits(3, 4, seed=6),
                [_fixed(4, 4, seed=7, scale=3.0), _fixed(4, 4, seed=8, scale=3.0)],
                [_fixed(4, seed=9, scale=2.0), _fixed(4, seed=10)],
            ),
        ),
        Case(
            "the example",
            (np.array([[1.0]]), [np.array([[2.0], [0.0]])], [np.array([-2.0, 0.0])]),
        ),
        Case(
            "3 ← 4 ← 6",
            (
                _bits(5, 6, seed=1),
                [_fixed(3, 4, seed=2, scale=2.0), _fixed(4, 6, seed=3, scale=2.0)],
                [_fixed(3, seed=4), _fixed(4, seed=5)],
            ),
        ),
    ],
    hints=[
        "Top-down, each RBM computes p(v | h) of its own visible layer.",
        "From the top RBM below: h = σ(h Wᵀ + a), with the weights and visible biases taken "
        "in reverse order.",
        "for W, a in zip(reversed(weights), reversed(visible_biases)):\n"
        "    h = 1 / (1 + np.exp(-(h @ W.T + a)))\nreturn h",
    ],
    mistakes=[
        (_down_wrong_order, "go down from the top: take the layers in reverse order"),
        (_down_not_transposed, "downwards the weights are transposed: h @ W.T"),
        (_down_no_bias, "each step adds the visible bias a of that RBM"),
        (_down_linear, "apply the sigmoid at every layer"),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 08.n_params ---------------------------------------------------------------------------------


def _n_params(sizes: list, n_classes: int) -> tuple[int, int]:
    dbn = sum(v * h + v + h for v, h in zip(sizes[:-1], sizes[1:], strict=True))  # W, a, b
    net = sum(v * h + h for v, h in zip(sizes[:-1], sizes[1:], strict=True))  # W, b
    return dbn, net + sizes[-1] * n_classes + n_classes


def _n_params_no_output(sizes, n_classes):
    # Mistake: forgets the new output layer of the fine-tuned network.
    dbn, net = _n_params(sizes, n_classes)
    return dbn, net - sizes[-1] * n_classes - n_classes


def _n_params_keeps_visible(sizes, n_classes):
    # Mistake: counts the visible biases in the feed-forward network too.
    dbn, net = _n_params(sizes, n_classes)
    return dbn, net + sum(sizes[:-1])


def _n_params_weights_only(sizes, n_classes):
    # Mistake: counts the weight matrices only.
    w = sum(v * h for v, h in zip(sizes[:-1], sizes[1:], strict=True))
    return w, w + sizes[-1] * n_classes


def _n_params_no_visible(sizes, n_classes):
    # Mistake: leaves the visible biases out of the DBN as well.
    _, net = _n_params(sizes, n_classes)
    return net - sizes[-1] * n_classes - n_classes, net


n_params = function_exercise(
    id="08.n_params",
    title="Parameters of a DBN and of the network it becomes",
    prompt="""
    Write `n_params(sizes, n_classes)`: how many numbers (a) a DBN with layer sizes
    `sizes` holds (each RBM: W, visible bias a, hidden bias b), and (b) the
    feed-forward network `to_sequential(n_classes)` builds from it (each RBM's W and
    hidden bias b become a Dense layer; the visible biases are not used; a Dense
    output layer with `n_classes` units is added).

    - `sizes`: list of int; `n_classes`: int;
    - returns a tuple of two ints `(dbn, network)`.

    Example: `sizes = [4, 3]`, `n_classes = 2` gives (4·3 + 4 + 3, 4·3 + 3 + 3·2 + 2)
    = (19, 23).
    """,
    reference=_n_params,
    cases=[
        Case("the example", ([4, 3], 2)),
        Case("784-500-500-2000, 10 classes", ([784, 500, 500, 2000], 10)),
        Case("10-7-5, 3 classes", ([10, 7, 5], 3)),
    ],
    hints=[
        "Count per RBM: a V × H weight matrix and two bias vectors. The network keeps only "
        "one of those vectors, then adds an output layer.",
        "DBN: Σ (V·H + V + H). Network: Σ (V·H + H) + sizes[−1]·n_classes + n_classes.",
        "pairs = list(zip(sizes[:-1], sizes[1:]))\n"
        "dbn = sum(v * h + v + h for v, h in pairs)\n"
        "net = sum(v * h + h for v, h in pairs) + sizes[-1] * n_classes + n_classes\n"
        "return dbn, net",
    ],
    mistakes=[
        (_n_params_no_output, "to_sequential adds a Dense output layer: count its W and b"),
        (_n_params_keeps_visible, "the feed-forward network does not use the visible biases"),
        (_n_params_weights_only, "count the biases too"),
        (_n_params_no_visible, "each RBM of the DBN has a visible bias a as well"),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 08.mean_sd ----------------------------------------------------------------------------------


def _mean_sd(values: np.ndarray) -> tuple[float, float]:
    return float(np.mean(values)), float(np.std(values, ddof=1))  # sample sd over the seeds


def _mean_sd_population(values):
    # Mistake: divides by n instead of n − 1.
    return float(np.mean(values)), float(np.std(values))


def _mean_sd_variance(values):
    # Mistake: returns the variance.
    return float(np.mean(values)), float(np.var(values, ddof=1))


def _mean_sd_sem(values):
    # Mistake: returns the standard error of the mean.
    return float(np.mean(values)), float(np.std(values, ddof=1) / np.sqrt(len(values)))


def _mean_sd_median(values):
    # Mistake: the median instead of the mean.
    return float(np.median(values)), float(np.std(values, ddof=1))


def _mean_sd_range(values):
    # Mistake: half the range instead of the standard deviation.
    return float(np.mean(values)), float((np.max(values) - np.min(values)) / 2)


mean_sd = function_exercise(
    id="08.mean_sd",
    title="Mean ± standard deviation over seeds",
    prompt="""
    Write `mean_sd(values)`: the mean and the *sample* standard deviation (divide by
    n − 1) of a result measured over several seeds, as the chapter reports
    pretraining against random initialisation.

    - `values`: float array (n,), n ≥ 2;
    - returns a tuple of two floats `(mean, sd)`.

    Example: `[0.80, 0.82, 0.84]` gives `(0.82, 0.02)`.
    """,
    reference=_mean_sd,
    cases=[
        Case("the example", (np.array([0.80, 0.82, 0.84]),)),
        Case("five seeds", (np.array([0.912, 0.905, 0.921, 0.899, 0.93]),)),
        Case("skewed: one bad seed", (np.array([0.9, 0.9, 0.91, 0.6, 0.92, 0.89]),)),
    ],
    hints=[
        "The sd says how far one seed's result typically lies from the mean.",
        "sd = sqrt(Σ (x − mean)² / (n − 1)); NumPy: np.std(values, ddof=1).",
        "return float(np.mean(values)), float(np.std(values, ddof=1))",
    ],
    mistakes=[
        (_mean_sd_population, "divide by n − 1 (ddof=1): the seeds are a sample"),
        (_mean_sd_variance, "you returned the variance; take its square root"),
        (_mean_sd_sem, "that is the standard error of the mean, sd/√n; report the sd itself"),
        (_mean_sd_median, "report the mean, not the median"),
        (_mean_sd_range, "half the range is not the standard deviation"),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- quizzes -------------------------------------------------------------------------------------

pretraining_quiz = Quiz(
    id="08.pretraining_quiz",
    question="""
    Erhan et al. (JMLR 2010) compared networks with and without unsupervised
    pretraining over hundreds of seeds. What did they conclude that pretraining does?
    """,
    options=[
        "It finds the global minimum of the training loss, which backprop cannot reach",
        "It acts as a regulariser and starts training in a region that generalises well",
        "It removes the need for labels, so the fine-tuning step can be left out entirely",
        "It speeds up each training step, because the weights are already the right size",
    ],
    answer=1,
    explanation=(
        "pretrained networks reached similar or higher training error but lower test error, "
        "and the advantage grew with depth: a regulariser that also helps optimisation, "
        "not a better optimum of the training loss."
    ),
    hint="Did pretraining lower the training error, the test error, or both?",
)

optional_quiz = Quiz(
    id="08.optional_quiz",
    question="""
    By about 2012 deep supervised networks were trained well from random weights, and
    pretraining with RBMs fell out of use. Which change did *not* contribute?
    """,
    options=[
        "Rectified linear units, whose gradient does not shrink for positive inputs",
        "Initial weights scaled to each layer's fan-in and fan-out (Glorot, He)",
        "Much larger labelled data sets and GPUs to train on them for longer",
        "Replacing backpropagation by contrastive divergence in the output layer",
    ],
    answer=3,
    explanation=(
        "ReLUs (Nair & Hinton 2010; Glorot, Bordes & Bengio 2011), scaled initialisation "
        "(Glorot & Bengio 2010), dropout, big labelled data and GPUs all did; supervised "
        "networks are still trained by backpropagation."
    ),
    hint="Which of these is not about making backpropagation work from random weights?",
)
