"""The mutants of one source file: small plausible slips, each a copy of the module's AST.

A mutant changes exactly one thing (see ``OPERATORS`` in the README):

- a comparison moved across its boundary or negated (``<`` to ``<=``, ``==`` to ``!=``,
  ``is`` to ``is not``, ``in`` to ``not in``);
- ``and`` and ``or`` swapped, a ``not`` or a unary minus dropped;
- an arithmetic operator swapped (``+``/``-``, ``*``/``/``, ``//`` to ``/``, ``+=`` to ``-=``);
- a whole number made one larger (``0`` to ``1``, ``15`` to ``16``), ``True``/``False`` swapped;
- a check dropped (``if C:`` never taken, a comprehension's ``if`` filter removed);
- ``min``/``max`` and ``any``/``all`` swapped, ``break``/``continue`` swapped;
- a call made as a statement of its own dropped (``entries.sort(...)``, ``gc.enable()``).

Not mutated: docstrings and other strings (messages are pinned by the tests,
but a string mutant says little about logic), annotations, decorators and their
arguments, ``assert`` statements (they are there for the type checker), and
``if TYPE_CHECKING:`` blocks.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Mutant", "compile_mutant", "mutants"]

_BOUNDARY: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
_ARITHMETIC: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
}
_BUILTINS = {"min": "max", "max": "min", "any": "all", "all": "any"}
_SYMBOL = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.And: "and",
    ast.Or: "or",
}


@dataclass(frozen=True)
class Mutant:
    """One planted fault: where it is, what it changes, and how to rebuild it."""

    #: The file, relative to the repository root.
    file: str
    #: The module's import name.
    module: str
    #: Position of the mutated node in the file's walk order, and which change of it.
    index: int
    variant: int
    #: First and last line of the mutated node, and its column.
    line: int
    end_line: int
    col: int
    #: The enclosing function (``Class.method``), or ``<module>``.
    scope: str
    #: Whether the node runs when a function is called (else: at import).
    in_function: bool
    #: The change, e.g. ``"<" -> "<="``.
    description: str
    #: The node before and after, as code.
    before: str
    after: str
    #: The whole source line the node starts on, stripped.
    source_line: str

    @property
    def key(self) -> str:
        """A stable name while the file is unchanged: ``file:line:col #index.variant``."""
        return f"{self.file}:{self.line}:{self.col} #{self.index}.{self.variant}"


# A change: a description and a function applying it to the node (returning the
# node that takes its place).
_Change = tuple[str, Callable[[ast.AST], ast.AST]]


def _set(attr: str, make: Callable[[ast.AST], object]) -> Callable[[ast.AST], ast.AST]:
    def apply(node: ast.AST) -> ast.AST:
        setattr(node, attr, make(node))
        return node

    return apply


def _changes(node: ast.AST, parent: ast.AST | None) -> list[_Change]:  # noqa: PLR0912 - a case per operator
    """Every mutation this node admits, in a fixed order."""
    out: list[_Change] = []
    match node:
        case ast.Compare():
            for i, op in enumerate(node.ops):
                new = _BOUNDARY[type(op)]

                def swap(n: ast.AST, i: int = i, new: type[ast.cmpop] = new) -> ast.AST:
                    n.ops[i] = new()  # type: ignore[attr-defined]
                    return n

                out.append((f"{_SYMBOL[type(op)]!r} -> {_SYMBOL[new]!r}", swap))
        case ast.BoolOp():
            new_op = ast.Or if isinstance(node.op, ast.And) else ast.And
            out.append(
                (
                    f"{_SYMBOL[type(node.op)]!r} -> {_SYMBOL[new_op]!r}",
                    _set("op", lambda n, o=new_op: o()),
                )
            )
        case ast.BinOp() if type(node.op) in _ARITHMETIC:
            new_op = _ARITHMETIC[type(node.op)]
            out.append(
                (
                    f"{_SYMBOL[type(node.op)]!r} -> {_SYMBOL[new_op]!r}",
                    _set("op", lambda n, o=new_op: o()),
                )
            )
        case ast.AugAssign() if type(node.op) in _ARITHMETIC:
            new_op = _ARITHMETIC[type(node.op)]
            out.append(
                (
                    f"'{_SYMBOL[type(node.op)]}=' -> '{_SYMBOL[new_op]}='",
                    _set("op", lambda n, o=new_op: o()),
                )
            )
        case ast.UnaryOp(op=ast.Not()):
            out.append(("drop 'not'", lambda n: n.operand))  # type: ignore[attr-defined]
        case ast.UnaryOp(op=ast.USub()):
            out.append(("drop unary '-'", lambda n: n.operand))  # type: ignore[attr-defined]
        case ast.Constant(value=bool()):
            out.append((f"{node.value} -> {not node.value}", _set("value", lambda n: not n.value)))  # type: ignore[attr-defined]
        case ast.Constant(value=int()):
            out.append(
                (f"{node.value} -> {node.value + 1}", _set("value", lambda n: n.value + 1))  # type: ignore[attr-defined]
            )
        case ast.If():
            never = _set("test", lambda n: ast.Constant(False))
            out.append(("drop the check (if never taken)", never))
        case ast.comprehension():
            for i in range(len(node.ifs)):

                def drop(n: ast.AST, i: int = i) -> ast.AST:
                    del n.ifs[i]  # type: ignore[attr-defined]
                    return n

                out.append(("drop the comprehension's 'if' filter", drop))
        case ast.Call(func=ast.Name(id=name)) if name in _BUILTINS:
            other = _BUILTINS[name]
            out.append(
                (f"{name}() -> {other}()", _set("func", lambda n, o=other: ast.Name(o, ast.Load())))
            )
        case ast.Break():
            out.append(("'break' -> 'continue'", lambda n: ast.Continue()))
        case ast.Continue():
            out.append(("'continue' -> 'break'", lambda n: ast.Break()))
        case ast.Expr(value=ast.Call()):
            out.append(("drop the call", lambda n: ast.Pass()))
    return out


def _skipped_child(parent: ast.AST, field: str, child: ast.AST) -> bool:
    """Parts of the tree that are declarations, not behaviour."""
    if field in ("annotation", "returns", "decorator_list", "type_comment"):
        return True
    if isinstance(child, ast.Assert):
        return True
    return (
        isinstance(child, ast.If)
        and isinstance(child.test, ast.Name)
        and child.test.id == "TYPE_CHECKING"
    )


def _is_docstring(parent: ast.AST, field: str, index: int | None, child: ast.AST) -> bool:
    return (
        field == "body"
        and index == 0
        and isinstance(parent, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and isinstance(child, ast.Expr)
        and isinstance(child.value, ast.Constant)
        and isinstance(child.value.value, str)
    )


@dataclass
class _Site:
    node: ast.AST
    parent: ast.AST | None
    field: str | None
    index: int | None
    scope: str
    in_function: bool


def _walk(tree: ast.Module) -> Iterator[_Site]:
    """Every mutable node in a fixed depth-first order, with where it sits."""

    def visit(
        node: ast.AST,
        parent: ast.AST | None,
        field: str | None,
        index: int | None,
        scope: list[str],
        in_function: bool,
    ) -> Iterator[_Site]:
        yield _Site(node, parent, field, index, ".".join(scope) or "<module>", in_function)
        inner_scope = scope
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            inner_scope = [*scope, node.name]
        for name, value in ast.iter_fields(node):
            children = value if isinstance(value, list) else [value]
            for i, child in enumerate(children):
                if not isinstance(child, ast.AST):
                    continue
                where = i if isinstance(value, list) else None
                if _skipped_child(node, name, child) or _is_docstring(node, name, where, child):
                    continue
                runs_in_call = in_function
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                    runs_in_call = name == "body" or in_function
                elif isinstance(node, ast.arguments):
                    # Default values are evaluated when the function is defined.
                    runs_in_call = in_function and name not in ("defaults", "kw_defaults")
                yield from visit(child, node, name, where, inner_scope, runs_in_call)

    yield from visit(tree, None, None, None, [], False)


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root / "src").with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def mutants(path: Path, root: Path) -> list[Mutant]:
    """Every mutant of one file, in a fixed order."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, str(path))
    lines = source.splitlines()
    found: list[Mutant] = []
    for index, site in enumerate(_walk(tree)):
        for variant, (description, apply) in enumerate(_changes(site.node, site.parent)):
            line, end_line, col = _position(site.node)
            before = _code(site.node)
            after = _code(apply(copy.deepcopy(site.node)))
            found.append(
                Mutant(
                    file=str(path.relative_to(root)),
                    module=_module_name(path, root),
                    index=index,
                    variant=variant,
                    line=line,
                    end_line=end_line,
                    col=col,
                    scope=site.scope,
                    in_function=site.in_function,
                    description=description,
                    before=before,
                    after=after,
                    source_line=lines[line - 1].strip() if line else "",
                )
            )
    return found


def _position(node: ast.AST) -> tuple[int, int, int]:
    """First line, last line and column of a node (a comprehension has none: its parts')."""
    if hasattr(node, "lineno"):
        line = node.lineno
        return line, getattr(node, "end_lineno", None) or line, node.col_offset
    parts = [n for n in ast.walk(node) if hasattr(n, "lineno")]
    first = min(parts, key=lambda n: (n.lineno, n.col_offset))
    last = max(n.end_lineno or n.lineno for n in parts)
    return first.lineno, last, first.col_offset


def _code(node: ast.AST) -> str:
    """A short one-line rendering of a node for reports."""
    if isinstance(node, ast.comprehension):
        text = "for " + ast.unparse(node.target) + " in " + ast.unparse(node.iter)
        text += "".join(" if " + ast.unparse(c) for c in node.ifs)
    elif isinstance(node, ast.If):
        text = f"if {ast.unparse(node.test)}: ..."
    else:
        text = ast.unparse(node)
    text = " ".join(text.split())
    return text if len(text) <= 120 else text[:117] + "..."


def compile_mutant(mutant: Mutant, root: Path) -> object:
    """The code object of the module with this one mutant planted."""
    path = root / mutant.file
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for index, site in enumerate(_walk(tree)):
        if index != mutant.index:
            continue
        _, apply = _changes(site.node, site.parent)[mutant.variant]
        new = apply(site.node)
        if new is not site.node:
            if site.parent is None or site.field is None:
                msg = f"cannot replace the root of {mutant.file}"
                raise LookupError(msg)
            if site.index is None:
                setattr(site.parent, site.field, new)
            else:
                getattr(site.parent, site.field)[site.index] = new
        break
    else:
        msg = f"no node #{mutant.index} in {mutant.file}"
        raise LookupError(msg)
    ast.fix_missing_locations(tree)
    return compile(tree, str(path), "exec", dont_inherit=True)
