"""The ``dlbook`` command (also ``python -m dlbook``).

    dlbook doctor [--json]       what this machine has: versions, BLAS, GPU, data sets
    dlbook data list             which data sets are here, and how to get the others
    dlbook grade NOTEBOOK...     run learners' notebooks, grade their exercises (exit 0/1/2)
    dlbook data fetch NAME       download mnist, fashion_mnist or shakespeare (SHA-256 checked)
    dlbook fetch NAME            the same as ``dlbook data fetch NAME``

Nothing downloads except ``fetch``. ``doctor`` always exits 0: it reports what it
could not find out instead of failing.

Each subcommand is a small function ``_cmd_*(args) -> int``; :func:`main` parses
and dispatches, and returns the exit status (0 success, 1 failure, 2 usage error).

Built in chapter 00 (set-up).
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import sys
import unicodedata
from collections.abc import Sequence

__all__ = ["build_parser", "main"]


# Characters the book's texts use, as ASCII, for terminals that cannot show them.
_ASCII = {"×": "x", "…": "...", "–": "-", "—": "-", "−": "-", "✓": "ok", "✗": "x", "·": "-"}
_ASCII.update({"’": "'", "‘": "'", "“": '"', "”": '"', "→": "->", "≤": "<=", "≥": ">="})


def _transliterate(exc: UnicodeError) -> tuple[str, int]:
    """A codec error handler: what a narrow terminal cannot show, as near ASCII as can be."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start : exc.end]:
        plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
        out.append(_ASCII.get(ch) or plain or "?")
    return "".join(out), exc.end


codecs.register_error("dlbook.transliterate", _transliterate)


def _narrow_streams_transliterate() -> None:
    """Let stdout/stderr of an ASCII (or Latin-1...) terminal print ``28x28`` for ``28×28``."""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            "×…✓–".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="dlbook.transliterate")


def _cmd_doctor(args: argparse.Namespace) -> int:
    try:
        from . import doctor

        rep = doctor.report()
        print(json.dumps(rep, indent=2, default=str) if args.json else doctor.format_report(rep))
    except BrokenPipeError:
        raise  # the reader piped into `head`: main() ends quietly
    except Exception as exc:  # the doctor reports; it never fails the shell or a CI job
        print(f"dlbook doctor: could not finish the report ({type(exc).__name__}: {exc})")
    return 0


def _cmd_data_list(args: argparse.Namespace) -> int:
    from . import datasets

    for s in datasets.status():
        info = datasets.info(s.name)
        mark = "ok " if s.present else "-- "
        print(f"{mark}{s.name:<14} {info.title}")
        print(f"{'':<17} licence: {info.licence}")
        print(f"{'':<17} {'from' if s.present else 'where'}: {s.where}")
        if s.fix:
            print(f"{'':<17} to get it: {s.fix}")
    return 0


def _cmd_data_fetch(args: argparse.Namespace) -> int:
    from . import datasets

    try:
        name = datasets.canonical_name(args.name)
    except ValueError as exc:
        print(f"dlbook data fetch: {exc}", file=sys.stderr)
        return 2
    try:
        paths = datasets.fetch(name, progress=not args.quiet)
    except (datasets.DownloadError, OSError, ValueError) as exc:
        print(f"dlbook data fetch {name}: {exc}", file=sys.stderr)
        return 1
    if not paths:
        print(f"{name}: bundled with an installed package; nothing to download.")
        return 0
    print(f"{name}: {len(paths)} files present, SHA-256 checked:")
    for p in paths:
        print(f"  {p}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``dlbook`` command."""
    parser = argparse.ArgumentParser(
        prog="dlbook",
        description="dlbook, a runnable textbook of deep learning: tools for readers and teachers.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("doctor", help="report Python, packages, BLAS, GPU and data sets")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=_cmd_doctor)

    data = sub.add_parser("data", help="list or download data sets")
    data_sub = data.add_subparsers(dest="data_command", metavar="ACTION")
    p = data_sub.add_parser("list", help="which data sets are here, and how to get the others")
    p.set_defaults(func=_cmd_data_list)
    for where, name in ((data_sub, "fetch"), (sub, "fetch")):  # `data fetch`, or `fetch` alone
        p = where.add_parser(name, help="download a data set (mnist, fashion_mnist, shakespeare)")
        p.add_argument("name", metavar="NAME", help="data set name, e.g. mnist or fashion-mnist")
        p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
        p.set_defaults(func=_cmd_data_fetch)
    data.set_defaults(func=None, parser=data)

    # `dlbook grade NOTEBOOK... [--json PATH] [--timeout S] [--chapter NN]` (DESIGN §4)
    from . import grading  # standard library only at import

    grading.add_parser(sub)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``dlbook`` command on ``argv`` (default ``sys.argv[1:]``); return the exit status.

    Output that a pipe stops reading (``dlbook doctor | head -1``) ends the command
    quietly with status 0, as ``git`` and ``ls`` do, instead of a traceback. On a
    terminal that cannot show a character (an ASCII locale) it is transliterated
    (``28×28`` → ``28x28``) instead of failing.
    """
    _narrow_streams_transliterate()
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:  # no subcommand (or `dlbook data` alone): show the help
        (getattr(args, "parser", None) or parser).print_help()
        return 2
    try:
        status = int(func(args))
        sys.stdout.flush()  # a closed pipe shows here, not at exit
    except BrokenPipeError:
        _silence_stdout()
        return 0
    return status


def _silence_stdout() -> None:
    """Point stdout at the null device, so that Python's flush at exit finds no broken pipe.

    The recipe of Python's documentation (signal module, "Note on SIGPIPE").
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # no real file descriptor (captured in tests): nothing will be flushed to a pipe


if __name__ == "__main__":
    sys.exit(main())
