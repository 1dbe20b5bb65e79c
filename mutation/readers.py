"""Where a module-level constant is read: the lines whose tests can tell a change to it.

A mutant of ``_CHUNK: Final = 64 * 1024`` runs at import, so every test of
the group executed it, and the runner used to run them all (minutes for a
mutant of a cap in the release package). But a test can only see the change
through code that reads the name: the lines of the same module that load it
(or load a module-level name computed from it), and tests that name it
themselves. Those are found here, from the source alone:

- the names the mutated statement assigns, and, transitively, the
  module-level names assigned from them;
- each load of one of those names inside a function: the lines of its
  statement (the header only, for a compound statement);
- a load in a function's default values or decorators (evaluated at import,
  read by every call): the function's body;
- the test files of the group that name one of them in code (not in a
  docstring).

Anything this cannot follow returns None, and the runner falls back to every
test: a statement that is not a plain assignment to names, a name loaded at
module level by anything but another such assignment (a class body, an
``if``), or a name another module of the package imports from this one or
reads as an attribute of anything.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from pathlib import Path

__all__ = ["Reading", "reading"]

# (first line, last line) of a statement that reads a name.
Span = tuple[int, int]


class Reading:
    """Where the names one module-level statement assigns are read."""

    def __init__(self, names: frozenset[str], spans: list[Span], test_files: list[str]) -> None:
        #: The assigned names and those computed from them at module level.
        self.names = names
        #: Line ranges, in the mutated file, of the statements reading them.
        self.spans = spans
        #: Test files (of those asked about) naming one of them in code.
        self.test_files = test_files


@functools.cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _assigned(node: ast.stmt) -> set[str] | None:
    """The names a module-level assignment binds; None for any other statement."""
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets = [node.target]
    else:
        return None
    names = {t.id for t in targets if isinstance(t, ast.Name)}
    return names if len(names) == len(targets) else None


def _loads(node: ast.AST, names: frozenset[str]) -> bool:
    return any(
        isinstance(n, ast.Name) and n.id in names and isinstance(n.ctx, ast.Load)
        for n in ast.walk(node)
    )


def _header(node: ast.stmt) -> Span:
    """A statement's lines, only up to its body for a compound statement."""
    end = node.end_lineno or node.lineno
    body = getattr(node, "body", None)
    if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
        end = max(node.lineno, body[0].lineno - 1)
    return node.lineno, end


def _function_spans(
    function: ast.FunctionDef | ast.AsyncFunctionDef, names: frozenset[str]
) -> list[Span]:
    """Where a function reads the names: its statements loading them, or all of it."""
    outside = [*function.decorator_list, *function.args.defaults, *function.args.kw_defaults]
    if any(d is not None and _loads(d, names) for d in outside):
        first = function.body[0].lineno
        return [(first, function.end_lineno or first)]
    spans: list[Span] = []

    def visit(statements: Iterable[ast.stmt]) -> None:
        for statement in statements:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                spans.extend(_function_spans(statement, names))
                continue
            if isinstance(statement, ast.ClassDef):
                visit(statement.body)
                continue
            inner = [
                child
                for field in ("body", "orelse", "finalbody", "handlers", "cases")
                for child in getattr(statement, field, [])
            ]
            own = [
                child
                for child in ast.iter_child_nodes(statement)
                if child not in inner and not isinstance(child, ast.stmt)
            ]
            if any(_loads(child, names) for child in own):
                spans.append(_header(statement))
            for child in inner:
                if isinstance(child, ast.ExceptHandler):
                    if child.type is not None and _loads(child.type, names):
                        spans.append((child.lineno, child.lineno))
                    visit(child.body)
                elif isinstance(child, ast.match_case):
                    if any(_loads(c, names) for c in (child.pattern, child.guard) if c):
                        spans.append((child.pattern.lineno, child.pattern.lineno))
                    visit(child.body)
                else:
                    visit([child])

    visit(function.body)
    return spans


def _mentioned(path: Path, names: frozenset[str]) -> bool:
    """Whether a file names one of ``names`` in code (a name, an attribute or an import)."""
    tree = _tree(path)
    return any(
        (isinstance(n, ast.Name) and n.id in names)
        or (isinstance(n, ast.Attribute) and n.attr in names)
        or (isinstance(n, ast.ImportFrom) and any(a.name in names for a in n.names))
        for n in ast.walk(tree)
    )


def reading(path: Path, line: int, package: Path, test_files: Iterable[Path]) -> Reading | None:
    """Where the names assigned by the module-level statement on ``line`` of ``path`` are read.

    ``package`` is the source folder whose other modules must not mention
    them; ``test_files`` those to look for them in. None when the statement
    is not a plain assignment, or the names escape (see the module's text).
    """
    tree = _tree(path)
    statement = next((s for s in tree.body if s.lineno <= line <= (s.end_lineno or s.lineno)), None)
    if statement is None or (assigned := _assigned(statement)) is None:
        return None
    names = frozenset(assigned)
    # Module-level code reading them, in order: a later assignment computed
    # from them adds its names; anything else cannot be followed.
    for other in tree.body:
        if other is statement or isinstance(other, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(other, ast.ClassDef):
            outside = [*other.decorator_list, *other.bases, *other.keywords]
            inside = [
                m for m in other.body if not isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)
            ]
            if any(_loads(node, names) for node in [*outside, *inside]):
                return None
        elif _loads(other, names):
            derived = _assigned(other)
            if derived is None or other.lineno < statement.lineno:
                return None
            names |= derived
    spans: list[Span] = []
    for other in tree.body:
        methods = other.body if isinstance(other, ast.ClassDef) else [other]
        for function in methods:
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                spans.extend(_function_spans(function, names))
    return _finish(path, names, spans, package, test_files)


def _escapes(module: Path, names: frozenset[str], stem: str) -> bool:
    """Whether ``module`` may reach the names of the module named ``stem``.

    By importing one of them from a module of that name, or by reading an
    attribute of one of their names off anything (a module, say).
    """
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.Attribute) and node.attr in names:
            return True
        if (
            isinstance(node, ast.ImportFrom)
            and (node.module or "").rpartition(".")[2] == stem
            and any(a.name in names for a in node.names)
        ):
            return True
    return False


def _finish(
    path: Path,
    names: frozenset[str],
    spans: list[Span],
    package: Path,
    test_files: Iterable[Path],
) -> Reading | None:
    for module in sorted(package.rglob("*.py")):
        if module.resolve() != path.resolve() and _escapes(module, names, path.stem):
            return None
    named = [str(t) for t in test_files if _mentioned(t, names)]
    return Reading(names, sorted(set(spans)), named)
