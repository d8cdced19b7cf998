"""A timeline of neural networks, 1943–2015, with the primary source of every milestone.

    from dlbook.plots import timeline
    timeline.draw()                    # the figure, four lanes
    timeline.source_table()            # milestone -> primary source, as a Markdown table

The milestones are data (:data:`MILESTONES`), so that the figure, the table and the
tests read one list. Each source is the first publication of the idea (author,
year, title, venue); where a later, better-known version exists it is named after
it. matplotlib is imported inside the functions that draw. Built in chapter 00.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "LANES",
    "MILESTONES",
    "WINTERS",
    "Milestone",
    "MarkdownTable",
    "draw",
    "milestones",
    "source_table",
]

FIRST_YEAR, LAST_YEAR = 1943, 2015

LANES: tuple[str, ...] = (
    "neurons & learning rules",
    "training deep networks",
    "architectures",
    "data & hardware",
)
# One colour per lane, the same in the figure and the explorer (colour-blind-safe Okabe–Ito).
LANE_COLOURS = {
    "neurons & learning rules": "#0072B2",
    "training deep networks": "#D55E00",
    "architectures": "#009E73",
    "data & hardware": "#CC79A7",
}

# The two "AI winters" as they are commonly dated: cuts after the Lighthill report (1973)
# and DARPA's reviews, and the collapse of the Lisp-machine and expert-system market (1987).
# They concerned AI as a whole; neural-network papers kept appearing through both.
WINTERS: tuple[tuple[int, int], ...] = ((1974, 1980), (1987, 1993))


@dataclass(frozen=True)
class Milestone:
    """One event of the timeline.

    Attributes
    ----------
    year : int
        Year of the first publication.
    label : str
        A few words, for the figure.
    who : str
        Short author credit, for the figure: ``"Rosenblatt"``, ``"LeCun et al."``.
    lane : str
        One of :data:`LANES`.
    source : str
        The primary source: authors (year), title, venue.
    """

    year: int
    label: str
    who: str
    lane: str
    source: str


_N, _T, _A, _D = LANES

MILESTONES: tuple[Milestone, ...] = (
    # --- neurons & learning rules
    Milestone(
        1943,
        "threshold-logic neuron",
        "McCulloch & Pitts",
        _N,
        "McCulloch, W. S. & Pitts, W. (1943). A logical calculus of the ideas immanent in "
        "nervous activity. Bulletin of Mathematical Biophysics 5, 115–133.",
    ),
    Milestone(
        1949,
        "Hebbian learning",
        "Hebb",
        _N,
        "Hebb, D. O. (1949). The Organization of Behavior: A Neuropsychological Theory. "
        "New York: Wiley.",
    ),
    Milestone(
        1958,
        "perceptron",
        "Rosenblatt",
        _N,
        "Rosenblatt, F. (1958). The perceptron: a probabilistic model for information "
        "storage and organization in the brain. Psychological Review 65(6), 386–408.",
    ),
    Milestone(
        1960,
        "ADALINE, LMS rule",
        "Widrow & Hoff",
        _N,
        "Widrow, B. & Hoff, M. E. (1960). Adaptive switching circuits. IRE WESCON "
        "Convention Record, part 4, 96–104.",
    ),
    Milestone(
        1969,
        "limits of one-layer perceptrons",
        "Minsky & Papert",
        _N,
        "Minsky, M. & Papert, S. (1969). Perceptrons: An Introduction to Computational "
        "Geometry. Cambridge, MA: MIT Press (expanded edition 1988).",
    ),
    Milestone(
        1982,
        "Hopfield network",
        "Hopfield",
        _N,
        "Hopfield, J. J. (1982). Neural networks and physical systems with emergent "
        "collective computational abilities. PNAS 79(8), 2554–2558.",
    ),
    Milestone(
        1985,
        "Boltzmann machine learning",
        "Ackley, Hinton & Sejnowski",
        _N,
        "Ackley, D. H., Hinton, G. E. & Sejnowski, T. J. (1985). A learning algorithm for "
        "Boltzmann machines. Cognitive Science 9(1), 147–169.",
    ),
    Milestone(
        1986,
        "harmonium (restricted Boltzmann machine)",
        "Smolensky",
        _N,
        "Smolensky, P. (1986). Information processing in dynamical systems: foundations of "
        "harmony theory. In Rumelhart, D. E. & McClelland, J. L. (eds), Parallel Distributed "
        "Processing, vol. 1, ch. 6, 194–281. MIT Press.",
    ),
    Milestone(
        2002,
        "contrastive divergence",
        "Hinton",
        _N,
        "Hinton, G. E. (2002). Training products of experts by minimizing contrastive "
        "divergence. Neural Computation 14(8), 1771–1800.",
    ),
    # --- training deep networks
    Milestone(
        1965,
        "deep nets trained layer by layer (GMDH)",
        "Ivakhnenko & Lapa",
        _T,
        "Ivakhnenko, A. G. & Lapa, V. G. (1965). Cybernetic Predicting Devices. New York: "
        "CCM Information Corporation (translated from the Russian). Supervised multilayer "
        "networks of polynomial units, grown and trained one layer at a time.",
    ),
    Milestone(
        1967,
        "multilayer net trained by SGD",
        "Amari",
        _T,
        "Amari, S. (1967). A theory of adaptive pattern classifiers. IEEE Transactions on "
        "Electronic Computers EC-16(3), 299–307. Stochastic gradient descent for classifiers "
        "with piecewise-linear (multilayer) discriminant functions.",
    ),
    Milestone(
        1971,
        "an 8-layer network (GMDH)",
        "Ivakhnenko",
        _T,
        "Ivakhnenko, A. G. (1971). Polynomial theory of complex systems. IEEE Transactions "
        "on Systems, Man, and Cybernetics SMC-1(4), 364–378.",
    ),
    Milestone(
        1970,
        "reverse-mode differentiation",
        "Linnainmaa",
        _T,
        "Linnainmaa, S. (1970). The representation of the cumulative rounding error of an "
        "algorithm as a Taylor expansion of the local rounding errors. MSc thesis (in "
        "Finnish), University of Helsinki.",
    ),
    Milestone(
        1974,
        "backprop proposed for networks",
        "Werbos",
        _T,
        "Werbos, P. J. (1974). Beyond Regression: New Tools for Prediction and Analysis in "
        "the Behavioral Sciences. PhD thesis, Harvard University. Applied to neural networks "
        "in the form used today in: Werbos, P. J. (1982). Applications of advances in "
        "nonlinear sensitivity analysis. In Drenick, R. F. & Kozin, F. (eds), System Modeling "
        "and Optimization, 762–770. Springer.",
    ),
    Milestone(
        1986,
        "backprop popularised",
        "Rumelhart, Hinton & Williams",
        _T,
        "Rumelhart, D. E., Hinton, G. E. & Williams, R. J. (1986). Learning representations "
        "by back-propagating errors. Nature 323, 533–536.",
    ),
    Milestone(
        1991,
        "vanishing gradients analysed",
        "Hochreiter",
        _T,
        "Hochreiter, S. (1991). Untersuchungen zu dynamischen neuronalen Netzen. Diploma "
        "thesis, Technische Universität München.",
    ),
    Milestone(
        1994,
        "long-term dependencies are hard",
        "Bengio, Simard & Frasconi",
        _T,
        "Bengio, Y., Simard, P. & Frasconi, P. (1994). Learning long-term dependencies with "
        "gradient descent is difficult. IEEE Transactions on Neural Networks 5(2), 157–166.",
    ),
    Milestone(
        2006,
        "layer-wise pretraining (DBN)",
        "Hinton, Osindero & Teh",
        _T,
        "Hinton, G. E., Osindero, S. & Teh, Y.-W. (2006). A fast learning algorithm for deep "
        "belief nets. Neural Computation 18(7), 1527–1554.",
    ),
    Milestone(
        2010,
        "rectified linear units",
        "Nair & Hinton",
        _T,
        "Nair, V. & Hinton, G. E. (2010). Rectified linear units improve restricted "
        "Boltzmann machines. ICML 2010, 807–814. For deep supervised nets: Glorot, X., "
        "Bordes, A. & Bengio, Y. (2011). Deep sparse rectifier neural networks. AISTATS "
        "2011, PMLR 15, 315–323.",
    ),
    Milestone(
        2012,
        "dropout",
        "Hinton et al.",
        _T,
        "Hinton, G. E., Srivastava, N., Krizhevsky, A., Sutskever, I. & Salakhutdinov, R. R. "
        "(2012). Improving neural networks by preventing co-adaptation of feature detectors. "
        "arXiv:1207.0580. Journal version: Srivastava, N. et al. (2014). Dropout: a simple "
        "way to prevent neural networks from overfitting. JMLR 15, 1929–1958.",
    ),
    Milestone(
        2014,
        "Adam optimiser",
        "Kingma & Ba",
        _T,
        "Kingma, D. P. & Ba, J. (2014). Adam: a method for stochastic optimization. "
        "arXiv:1412.6980; ICLR 2015.",
    ),
    Milestone(
        2015,
        "He initialisation",
        "He et al.",
        _T,
        "He, K., Zhang, X., Ren, S. & Sun, J. (2015). Delving deep into rectifiers: "
        "surpassing human-level performance on ImageNet classification. ICCV 2015, "
        "1026–1034.",
    ),
    Milestone(
        2015,
        "'Deep learning' review",
        "LeCun, Bengio & Hinton",
        _T,
        "LeCun, Y., Bengio, Y. & Hinton, G. (2015). Deep learning. Nature 521, 436–444.",
    ),
    # --- architectures
    Milestone(
        1979,
        "neocognitron",
        "Fukushima",
        _A,
        "Fukushima, K. (1979). Neural network model for a mechanism of pattern recognition "
        "unaffected by shift in position: neocognitron. Transactions of the IECE J62-A(10), "
        "658–665 (in Japanese). Better known in English: Fukushima, K. (1980). "
        "Neocognitron: a self-organizing neural network model for a mechanism of pattern "
        "recognition unaffected by shift in position. Biological Cybernetics 36(4), 193–202.",
    ),
    Milestone(
        1989,
        "convolutional net trained by backprop",
        "LeCun et al.",
        _A,
        "LeCun, Y., Boser, B., Denker, J. S., Henderson, D., Howard, R. E., Hubbard, W. & "
        "Jackel, L. D. (1989). Backpropagation applied to handwritten zip code recognition. "
        "Neural Computation 1(4), 541–551.",
    ),
    Milestone(
        1997,
        "LSTM",
        "Hochreiter & Schmidhuber",
        _A,
        "Hochreiter, S. & Schmidhuber, J. (1997). Long short-term memory. Neural "
        "Computation 9(8), 1735–1780.",
    ),
    Milestone(
        1998,
        "LeNet-5",
        "LeCun et al.",
        _A,
        "LeCun, Y., Bottou, L., Bengio, Y. & Haffner, P. (1998). Gradient-based learning "
        "applied to document recognition. Proceedings of the IEEE 86(11), 2278–2324.",
    ),
    Milestone(
        2011,
        "GPU nets win contests; MNIST 0.23 %",
        "Cireşan et al.",
        _A,
        "Cireşan, D. C., Meier, U., Masci, J. & Schmidhuber, J. (2011). A committee of neural "
        "networks for traffic sign classification. IJCNN 2011, 1918–1921 (first place). "
        "Then: Cireşan, D. C., Meier, U. & Schmidhuber, J. (2012). Multi-column deep neural "
        "networks for image classification. CVPR 2012, 3642–3649 (MNIST 0.23 % error).",
    ),
    Milestone(
        2009,
        "deep nets for speech recognition",
        "Mohamed, Dahl & Hinton",
        _A,
        "Mohamed, A., Dahl, G. & Hinton, G. (2009). Deep belief networks for phone "
        "recognition. NIPS 2009 Workshop on Deep Learning for Speech Recognition and Related "
        "Applications. Then: "
        "Dahl, G. E., Yu, D., Deng, L. & Acero, A. (2012). Context-dependent pre-trained deep "
        "neural networks for large-vocabulary speech recognition. IEEE Transactions on Audio, "
        "Speech, and Language Processing 20(1), 30–42; Hinton, G. et al. (2012). Deep neural "
        "networks for acoustic modeling in speech recognition: the shared views of four research "
        "groups. IEEE Signal Processing Magazine 29(6), 82–97.",
    ),
    Milestone(
        2012,
        "AlexNet wins ILSVRC-2012",
        "Krizhevsky, Sutskever & Hinton",
        _A,
        "Krizhevsky, A., Sutskever, I. & Hinton, G. E. (2012). ImageNet classification with "
        "deep convolutional neural networks. NIPS 25, 1097–1105.",
    ),
    Milestone(
        2013,
        "word2vec",
        "Mikolov et al.",
        _A,
        "Mikolov, T., Chen, K., Corrado, G. & Dean, J. (2013). Efficient estimation of word "
        "representations in vector space. arXiv:1301.3781.",
    ),
    Milestone(
        2013,
        "deep Q-network (Atari)",
        "Mnih et al.",
        _A,
        "Mnih, V. et al. (2013). Playing Atari with deep reinforcement learning. "
        "arXiv:1312.5602. Journal version: Mnih, V. et al. (2015). Human-level control "
        "through deep reinforcement learning. Nature 518, 529–533.",
    ),
    Milestone(
        2015,
        "residual networks",
        "He et al.",
        _A,
        "He, K., Zhang, X., Ren, S. & Sun, J. (2015). Deep residual learning for image "
        "recognition. arXiv:1512.03385; CVPR 2016, 770–778.",
    ),
    # --- data & hardware
    Milestone(
        1960,
        "Mark I Perceptron (20 × 20 photocells)",
        "Hay & Wightman",
        _D,
        "Hay, J. C. & Wightman, C. W. (1960). The Mark I Perceptron. Research Trends 8(1), "
        "Cornell Aeronautical Laboratory.",
    ),
    Milestone(
        1989,
        "7,291 zip-code digits",
        "LeCun et al.",
        _D,
        "LeCun, Y. et al. (1989). Backpropagation applied to handwritten zip code "
        "recognition. Neural Computation 1(4), 541–551 (7,291 training, 2,007 test images).",
    ),
    Milestone(
        1998,
        "MNIST: 60,000 training digits",
        "LeCun et al.",
        _D,
        "LeCun, Y., Bottou, L., Bengio, Y. & Haffner, P. (1998). Gradient-based learning "
        "applied to document recognition. Proceedings of the IEEE 86(11), 2278–2324.",
    ),
    Milestone(
        2004,
        "a neural network on a GPU",
        "Oh & Jung",
        _D,
        "Oh, K.-S. & Jung, K. (2004). GPU implementation of neural networks. Pattern "
        "Recognition 37(6), 1311–1314 (a multilayer perceptron, 20 times faster on an ATI "
        "Radeon 9700 Pro).",
    ),
    Milestone(
        2006,
        "convolutional nets on a GPU",
        "Chellapilla, Puri & Simard",
        _D,
        "Chellapilla, K., Puri, S. & Simard, P. (2006). High performance convolutional neural "
        "networks for document processing. Tenth International Workshop on Frontiers in "
        "Handwriting Recognition (IWFHR 2006), La Baule.",
    ),
    Milestone(
        2010,
        "deep MLPs on GPUs: MNIST 0.35 %",
        "Cireşan et al.",
        _D,
        "Cireşan, D. C., Meier, U., Gambardella, L. M. & Schmidhuber, J. (2010). Deep, big, "
        "simple neural nets for handwritten digit recognition. Neural Computation 22(12), "
        "3207–3220.",
    ),
    Milestone(
        2009,
        "GPUs for deep learning",
        "Raina, Madhavan & Ng",
        _D,
        "Raina, R., Madhavan, A. & Ng, A. Y. (2009). Large-scale deep unsupervised learning "
        "using graphics processors. ICML 2009, 873–880.",
    ),
    Milestone(
        2009,
        "ImageNet",
        "Deng et al.",
        _D,
        "Deng, J., Dong, W., Socher, R., Li, L.-J., Li, K. & Fei-Fei, L. (2009). ImageNet: a "
        "large-scale hierarchical image database. CVPR 2009, 248–255.",
    ),
    Milestone(
        2012,
        "1.2 M images on two GTX 580 GPUs",
        "Krizhevsky et al.",
        _D,
        "Krizhevsky, A., Sutskever, I. & Hinton, G. E. (2012). ImageNet classification with "
        "deep convolutional neural networks. NIPS 25, 1097–1105 (five to six days on two "
        "GTX 580 3 GB GPUs).",
    ),
)


def milestones(
    lanes: Iterable[str] | None = None, start: int = FIRST_YEAR, end: int = LAST_YEAR
) -> list[Milestone]:
    """The milestones of the given lanes between two years (inclusive), by lane then year.

    Raises
    ------
    ValueError
        For a lane that is not one of :data:`LANES`, or ``start > end``.
    """
    chosen = _check_lanes(lanes)
    if start > end:
        raise ValueError(f"milestones: start ({start}) must not be after end ({end}).")
    order = {lane: i for i, lane in enumerate(LANES)}
    picked = [m for m in MILESTONES if m.lane in chosen and start <= m.year <= end]
    return sorted(picked, key=lambda m: (order[m.lane], m.year))


def _check_lanes(lanes: Iterable[str] | None) -> tuple[str, ...]:
    if lanes is None:
        return LANES
    chosen = tuple(lanes)
    unknown = [lane for lane in chosen if lane not in LANES]
    if unknown:
        raise ValueError(f"timeline: unknown lane(s) {unknown}; the lanes are {list(LANES)}.")
    return chosen


def draw(
    lanes: Iterable[str] | None = None,
    start: int = 1940,
    end: int = 2017,
    *,
    winters: bool = True,
    fig: Figure | None = None,
) -> Figure:
    """Draw the timeline: one band per lane, one row per milestone, labelled.

    Each milestone is a dot at its year with ``label (who)`` beside it, on the side
    where the label fits inside the axes. Each milestone has a row of its own and
    each lane's name a row above its milestones, so labels never overlap.

    Parameters
    ----------
    lanes : iterable of str, optional
        Which lanes to show (default: all four, in :data:`LANES` order).
    start, end : int
        The years on the axis; milestones outside are left out.
    winters : bool
        Shade the two "AI winters" as commonly dated (:data:`WINTERS`).
    fig : matplotlib Figure, optional
        Draw into this figure (cleared first); by default a new one (with pyplot, so
        that a notebook shows it).

    Returns
    -------
    The matplotlib Figure.
    """
    chosen = _check_lanes(lanes)
    items = milestones(chosen, max(start, FIRST_YEAR), min(end, LAST_YEAR))
    rows = len(items) + len(chosen)  # one spare row per lane, for its name
    height = 1.0 + 0.2 * rows
    if fig is None:
        import matplotlib.pyplot as plt  # drawing is imported lazily

        fig = plt.figure(figsize=(9.0, height))
    else:
        fig.clear()
        fig.set_size_inches(9.0, height)
    ax = fig.add_subplot(1, 1, 1)

    y = 0.0
    years_per_inch = (end - start) / 8.0  # the axes are about 8 inches wide
    for lane in chosen:
        in_lane = [m for m in items if m.lane == lane]
        top = y
        y -= 1.0  # the lane's name sits on its own row
        colour = LANE_COLOURS[lane]
        for m in in_lane:
            ax.plot([m.year], [y], "o", color=colour, markersize=5, zorder=3)
            text = f"{m.label} ({m.who})"
            width = 0.058 * len(text) * years_per_inch  # the label's length, in years
            room_right, room_left = end - m.year, m.year - start
            right = width < room_right - 1 or room_right > room_left
            ax.annotate(
                text,
                (m.year, y),
                xytext=(5 if right else -5, 0),
                textcoords="offset points",
                ha="left" if right else "right",
                va="center",
                fontsize=7.5,
                color="#222222",
            )
            y -= 1.0
        ax.axhspan(y + 0.5, top + 0.5, color=colour, alpha=0.08, lw=0)
        ax.text(start + 0.5, top, lane, fontsize=8.5, fontweight="bold", color=colour, va="center")

    shown = [(a, b) for a, b in WINTERS if winters and b >= start and a <= end]
    for i, (a, b) in enumerate(shown):
        label = "'AI winters', as commonly dated" if i == 0 else None
        ax.axvspan(a, b, color="0.5", alpha=0.15, lw=0, label=label)
    if shown:
        ax.legend(loc="lower left", fontsize=7.5, frameon=False)

    ax.set_xlim(start, end)
    ax.set_ylim(y + 0.5, 0.5)
    ax.set_yticks([])
    ax.set_xlabel("year of first publication")
    # the years asked for, as the chapter's caption states them (not clipped to the data)
    ax.set_title(f"Neural networks, {max(start, FIRST_YEAR)}–{end}: milestones")
    ax.grid(axis="y", visible=False)
    ax.spines["left"].set_visible(False)
    fig.tight_layout()
    return fig


class MarkdownTable(str):
    """A Markdown table that a notebook renders as a table (its text is the Markdown)."""

    def _repr_markdown_(self) -> str:
        return str(self)


def source_table(items: Sequence[Milestone] | None = None) -> MarkdownTable:
    """A Markdown table: year, milestone, primary source, in year order.

    The last expression of a notebook cell, it renders as a table; ``print`` gives the text.
    """
    items = sorted(MILESTONES if items is None else items, key=lambda m: (m.year, m.label))
    lines = ["| year | milestone | primary source |", "| --- | --- | --- |"]
    for m in items:
        text = m.source.replace("|", "/")
        lines.append(f"| {m.year} | {m.label} | {text} |")
    return MarkdownTable("\n".join(lines))
