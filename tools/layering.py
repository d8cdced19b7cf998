"""The package's imports drawn and checked against DESIGN §2: every arrow points down.

    python -m tools.layering            # print the violations (exit 1 if any) and the graph

Reads every module of a package with ``ast`` (nothing is imported) and records
every ``import``, at module level or inside a function (a lazy import is still an
arrow). Six rules:

1. **No upward import.** A compute module (the numeric core: ``backend`` …
   ``text``, the training and measuring modules) imports nothing from the teaching
   and face modules (``plots``, ``interactive``, ``exercises``, ``notebook``, …),
   nor a drawing or notebook library (``matplotlib``, ``ipywidgets``, ``IPython``,
   ``tqdm.notebook``).
2. **No import loop** among the package's modules.
3. **CuPy only in** ``backend.py``: no ``import cupy``/``cupyx``, and no ``.cuda``
   attribute (streams, devices) anywhere else.
4. **No private name across modules**: ``from .layers import _check`` or
   ``L._check(...)`` on another module of the package.
5. **Small rooms**: no module over :data:`MAX_CODE_LINES` lines of code, except the
   chapters' exercise texts (``exercises/chNN.py``). A line of code is a line that
   holds a token of code: blank lines, comment-only lines and the lines of
   docstrings (the first string of a module, class or function) do not count.
6. **Every module placed**: each module is in :data:`COMPUTE` or :data:`FACE` (the
   package's ``__init__`` aside), so that rule 1 cannot miss a new module.

``tests/test_layering.py`` runs the checks on dlbook and on planted violations.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Modules (by dotted name under the package) that may import nothing from FACE.
COMPUTE = frozenset(
    "backend errors _io functions layers conv rnn network optim gradcheck rbm dbn rl word2vec "
    "text neurons perceptron autodiff history inputs training saving models diagnostics search "
    "throughput experiments testing datasets layer_base losses batchnorm milestones "
    "sequence long_lag cd_step progressbar glossary".split()
)
#: Teaching and face modules: they sit on top and import the core, never the reverse.
FACE = (
    "plots",
    "interactive",
    "exercises",
    "notebook",
    "grading",
    "grading_records",
    "grading_scan",
    "grading_worker",
    "notebook_env",
    "doctor",
    "cli",
    "__main__",
)
#: Libraries that draw or need a notebook.
DRAWING = ("matplotlib", "ipywidgets", "IPython", "tqdm.notebook")
CUPY = ("cupy", "cupyx")
#: The most lines of code a module may hold (rule 5), and the modules exempt from it.
MAX_CODE_LINES = 400
EXEMPT = re.compile(r"exercises\.ch\d\d")  # a chapter's exercise texts
#: Modules still over the limit, to be split after the work in flight on them lands (issue
#: 16); each must still be over it (tests/test_layering.py), so the list only shrinks.
PENDING: frozenset[str] = frozenset()


@dataclass
class Module:
    """One source file: its dotted name and the package modules and libraries it imports."""

    name: str  # "layers", "plots.curves", "exercises.core"
    path: Path
    tree: ast.Module
    imports: list[tuple[str, int]] = field(default_factory=list)  # (dotted target, line)
    libraries: list[tuple[str, int]] = field(default_factory=list)  # (top-level library, line)
    private: list[tuple[str, int]] = field(default_factory=list)  # ("layers._check", line)
    cuda: list[int] = field(default_factory=list)  # lines using .cuda or importing CuPy

    @property
    def top(self) -> str:
        """The first part of the name: ``"plots"`` for ``plots.curves``."""
        return self.name.split(".")[0]


def _module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _resolve(mod: Module, node: ast.ImportFrom, package_name: str) -> str | None:
    """The dotted name (under the package) that ``from … import`` reads, or None if outside."""
    if node.level == 0:
        name = node.module or ""
        if name == package_name or name.startswith(package_name + "."):
            return name[len(package_name) + 1 :]
        return None
    base = mod.name.split(".") if mod.name else []
    if not mod.path.name == "__init__.py":
        base = base[:-1]
    up = node.level - 1
    base = base[: len(base) - up] if up else base
    return ".".join([*base, *([node.module] if node.module else [])])


def _known(target: str, names: set[str]) -> str | None:
    """The longest module name in ``names`` that ``target`` is or lies in."""
    parts = target.split(".")
    for i in range(len(parts), 0, -1):
        cand = ".".join(parts[:i])
        if cand in names:
            return cand
    return "" if "" in names and target == "" else None


def read(package: Path) -> dict[str, Module]:
    """Every module of ``package`` with its imports, private uses and CuPy uses."""
    package_name = package.name
    mods: dict[str, Module] = {}
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        mods[_module_name(path, package)] = Module(_module_name(path, package), path, tree)
    names = set(mods)
    for mod in mods.values():
        aliases: dict[str, str] = {}  # local name -> package module it refers to
        for node in _runtime_nodes(mod.tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    _library(mod, a.name, node.lineno)
                    if a.name.startswith(package_name + "."):
                        target = a.name[len(package_name) + 1 :]
                        mod.imports.append((target, node.lineno))
                        if a.asname:
                            aliases[a.asname] = target
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(mod, node, package_name)
                if target is None:
                    _library(mod, node.module or "", node.lineno)
                    continue
                for a in node.names:
                    sub = f"{target}.{a.name}" if target else a.name
                    if _known(sub, names) == sub or not target:  # from . import layers as L
                        mod.imports.append((sub, node.lineno))
                        aliases[a.asname or a.name] = sub
                    else:
                        mod.imports.append((target, node.lineno))
                        if _private(a.name) and target != mod.name:
                            mod.private.append((f"{target}.{a.name}", node.lineno))
        for node in ast.walk(mod.tree):
            if isinstance(node, ast.Attribute):
                if node.attr == "cuda":
                    mod.cuda.append(node.lineno)
                value = node.value
                if isinstance(value, ast.Name) and value.id in aliases and _private(node.attr):
                    target = aliases[value.id]
                    if target != mod.name:
                        mod.private.append((f"{target}.{node.attr}", node.lineno))
    return mods


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:`` (imports for annotations only)."""
    out: list[ast.AST] = []
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo.extend(node.orelse)
            continue
        out.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return out


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _library(mod: Module, name: str, line: int) -> None:
    if not name:
        return
    mod.libraries.append((name, line))
    if name.split(".")[0] in CUPY:
        mod.cuda.append(line)


def _where(mod: Module) -> str:
    return f"{mod.path.parent.name}/{mod.path.name}"


def upward_imports(mods: dict[str, Module]) -> list[str]:
    """Rule 1: compute modules importing teaching/face modules or drawing libraries."""
    out = []
    for mod in mods.values():
        if mod.top not in COMPUTE:
            continue
        for target, line in mod.imports:
            if target.split(".")[0] in FACE:
                out.append(f"{_where(mod)}:{line}: {mod.name} imports {target} (upward)")
        for lib, line in mod.libraries:
            if any(lib == d or lib.startswith(d + ".") for d in DRAWING):
                out.append(f"{_where(mod)}:{line}: {mod.name} imports {lib} (drawing/notebook)")
    return out


def graph(mods: dict[str, Module]) -> dict[str, set[str]]:
    """Module -> the package modules it imports (lazy imports included)."""
    names = set(mods)
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for mod in mods.values():
        for target, _ in mod.imports:
            known = _known(target, names)
            if known is not None and known != mod.name:
                edges[mod.name].add(known)
    return edges


def import_loops(mods: dict[str, Module]) -> list[str]:
    """Rule 2: every cycle of the import graph, found by depth-first search (each once)."""
    edges = graph(mods)
    # A package imports its own submodules through __init__ (re-exports); that is not a loop
    # unless the submodule imports its package back for something else, so drop parent edges.
    for m in edges:
        edges[m] = {t for t in edges[m] if not (t and m.startswith(t + "."))}
    loops: list[str] = []
    seen: set[frozenset[str]] = set()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for t in sorted(edges[m]):
            if state.get(t) == 1:
                cycle = stack[stack.index(t) :]
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    loops.append(" -> ".join([*cycle, t]))
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)
    return loops


def cupy_outside_backend(mods: dict[str, Module]) -> list[str]:
    """Rule 3: CuPy imports or ``.cuda`` attributes outside ``backend.py``."""
    return [
        f"{_where(mod)}:{line}: {mod.name} uses CuPy directly (only backend.py may)"
        for mod in mods.values()
        if mod.name != "backend"
        for line in mod.cuda
    ]


def private_names(mods: dict[str, Module]) -> list[str]:
    """Rule 4: private names of one module used in another."""
    return [
        f"{_where(mod)}:{line}: {mod.name} uses {name}, a private name of another module"
        for mod in mods.values()
        for name, line in mod.private
    ]


def code_lines(source: str) -> int:
    """The lines of ``source`` that hold code (rule 5): no blank, comment or docstring lines."""
    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = body[0] if body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                if isinstance(first.value.value, str):
                    docstrings.update(range(first.lineno, (first.end_lineno or 0) + 1))
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type not in skip and tok.type != tokenize.ENDMARKER:
            lines.update(n for n in range(tok.start[0], tok.end[0] + 1) if n not in docstrings)
    return len(lines)


def big_modules(mods: dict[str, Module]) -> list[str]:
    """Rule 5: modules over :data:`MAX_CODE_LINES` lines of code (exercise texts exempt)."""
    out = []
    for mod in mods.values():
        n = code_lines(mod.path.read_text(encoding="utf-8"))
        if n > MAX_CODE_LINES and not EXEMPT.fullmatch(mod.name) and mod.name not in PENDING:
            out.append(f"{_where(mod)}: {n} lines of code, over {MAX_CODE_LINES}: split it")
    return out


def unplaced_modules(mods: dict[str, Module]) -> list[str]:
    """Rule 6: modules in neither :data:`COMPUTE` nor :data:`FACE` (rule 1 would skip them)."""
    return [
        f"{_where(mod)}: {mod.name} is neither compute nor face: add it to COMPUTE or FACE "
        "in tools/layering.py"
        for mod in mods.values()
        if mod.name and mod.top not in COMPUTE and mod.top not in FACE
    ]


def violations(package: Path) -> list[str]:
    """Every violation of the six rules in ``package``."""
    mods = read(package)
    return [
        *upward_imports(mods),
        *import_loops(mods),
        *cupy_outside_backend(mods),
        *private_names(mods),
        *big_modules(mods),
        *unplaced_modules(mods),
    ]


def main(argv: Iterable[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    package = Path(args[0]) if args else ROOT / "dlbook"
    mods = read(package)
    for m, targets in sorted(graph(mods).items()):
        print(f"{m or package.name:24s} -> {', '.join(sorted(targets)) or '(nothing)'}")
    bad = violations(package)
    print("\n".join(["", *bad]) if bad else "\nno violations")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
