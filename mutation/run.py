"""Mutation testing of the core modules: plant one small fault at a time, see if a test fails.

Run from the repository root with the project's environment (``bash .ci/test``
makes it; nothing else is needed, the runner uses only pytest and the standard
library)::

    .venv/bin/python mutation/run.py                    # every group in config.toml
    .venv/bin/python mutation/run.py _values _audit     # some groups
    .venv/bin/python mutation/run.py _audit --survivors # re-test last run's survivors only
    .venv/bin/python mutation/run.py _values --list     # list the mutants, run nothing
    .venv/bin/python mutation/run.py --show 'KEY'       # one mutant as a diff

How it works: the runner parses each file of a group and makes every mutant
(``mutants.py``). One traced run of the group's tests records which tests
execute which lines. Then, per mutant, it forks a child that imports the
module with that one fault planted (an import hook compiles the mutated AST in
place of the file) and runs pytest, stopping at the first failure, on the tests
that executed the mutated lines, one test file at a time (see ``phases``). A
child that runs past its time limit is killed and the mutant counts as killed
(an endless loop is a failure too). Hypothesis runs derandomized with the fast
profile's 25 examples, so a score is reproducible and the edges it needs must
be fixed ``@example``s.

Results go to ``mutation/.state/<group>.json`` (for ``--survivors``) and a
summary to stdout; ``--report FILE`` writes the markdown report. Survivors
listed in ``equivalent.toml`` are reported with their reason.
"""

from __future__ import annotations

import argparse
import ast
import compileall
import contextlib
import gc
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from mutants import Mutant, compile_mutant, mutants  # noqa: E402
from readers import reading  # noqa: E402

PACKAGE = "shanghai_innovation"
STATE = HERE / ".state"
#: Mutant children get this many seconds plus this many times the tests' traced time.
TIME_FLOOR, TIME_FACTOR = 30.0, 4.0
# Each test of a mutant's session on its own: a mutant that makes one hang
# (an endless loop) is caught there, not after the whole session's limit.
TEST_TIME_FLOOR = 10.0
#: Tests that took less than this (traced) also run for every mutant they did not execute.
CHEAP = 1.0
#: Before its own test lists, a mutant runs at most this many of the tests that killed
#: earlier mutants of its group (those among the tests it would run), the most lethal first.
KILLERS = 3


# --- the config --------------------------------------------------------------------------


def load_config() -> tuple[dict[str, dict[str, list[str]]], list[str]]:
    """The groups, and the caches the tracer empties before each test."""
    with (HERE / "config.toml").open("rb") as f:
        data = tomllib.load(f)
    return data["groups"], data.get("trace", {}).get("reset", [])


def load_equivalents() -> list[dict[str, str]]:
    """The documented equivalent mutants (``equivalent.toml``)."""
    path = HERE / "equivalent.toml"
    if not path.exists():
        return []
    with path.open("rb") as f:
        items: list[dict[str, str]] = tomllib.load(f).get("equivalent", [])
    return items


def equivalent_entry(
    mutant: Mutant, equivalents: Iterable[dict[str, str]]
) -> dict[str, str] | None:
    """The entry documenting a mutant: by line text and change (and scope or column, if given)."""
    for item in equivalents:
        if (
            item["file"] == mutant.file
            and item["line"] == mutant.source_line
            and item["mutation"] == mutant.description
            and item.get("before", mutant.before) == mutant.before
            and item.get("scope", mutant.scope) == mutant.scope
            and int(item.get("col", mutant.col)) == mutant.col
        ):
            return item
    return None


def equivalent_reason(mutant: Mutant, equivalents: Iterable[dict[str, str]]) -> str | None:
    """The documented reason a surviving mutant is harmless (see ``equivalent_entry``)."""
    item = equivalent_entry(mutant, equivalents)
    return None if item is None else item["reason"]


def documented_once(
    mutant: Mutant, equivalents: Iterable[dict[str, str]], all_mutants: Sequence[Mutant]
) -> bool:
    """Whether an entry documents this mutant and no other mutant it could be mistaken for.

    An entry matches by line text: where two mutants share it (the same line
    twice), it may be right for one only, so both run, unless the entry names
    the function (``scope``) or the column (``col``, for two changes on one
    line) and that leaves one, or says how many lines it speaks for
    (``occurrences``) and there are exactly that many.
    """
    item = equivalent_entry(mutant, equivalents)
    if item is None:
        return False
    same = [
        m
        for m in all_mutants
        if (m.file, m.source_line, m.description, m.before)
        == (mutant.file, mutant.source_line, mutant.description, mutant.before)
        and ("scope" not in item or m.scope == mutant.scope)
        and ("col" not in item or m.col == mutant.col)
    ]
    return len(same) == int(item.get("occurrences", 1))


# --- running pytest in a forked child ----------------------------------------------------


class _MutantLoader(importlib.machinery.SourceFileLoader):
    """Loads one module from a precompiled (mutated) code object instead of its file."""

    def __init__(self, fullname: str, path: str, code: CodeType) -> None:
        super().__init__(fullname, path)
        self._code = code

    def get_code(self, fullname: str) -> CodeType:
        return self._code


class _MutantFinder(importlib.abc.MetaPathFinder):
    def __init__(self, module: str, path: Path, code: CodeType) -> None:
        self.module, self.path, self.code = module, path, code

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.module:
            return None
        package = self.path.name == "__init__.py"
        return importlib.util.spec_from_file_location(
            fullname,
            self.path,
            loader=_MutantLoader(fullname, str(self.path), self.code),
            submodule_search_locations=[str(self.path.parent)] if package else None,
        )


class _Tracer:
    """A pytest plugin recording, per test, the lines of the mutated files it executes.

    Lines a fixture's setup executes count for every test using that fixture,
    also the tests that find it already set up.
    """

    def __init__(self, files: Iterable[Path], resets: Sequence[str]) -> None:
        self.files = {str(p) for p in files}
        self.resets = resets
        self.lines: dict[str, set[tuple[str, int]]] = {}
        self.times: dict[str, float] = {}
        self.failed: list[str] = []
        self.collect: dict[str, float] = {}
        self._sinks: list[set[tuple[str, int]]] = []
        self._fixtures: dict[int, set[tuple[str, int]]] = {}

    def _global(self, frame: Any, event: str, arg: object) -> Any:
        if frame.f_code.co_filename in self.files:
            return self._local
        return None

    def _local(self, frame: Any, event: str, arg: object) -> Any:
        if event == "line":
            where = (frame.f_code.co_filename, frame.f_lineno)
            for sink in self._sinks:
                sink.add(where)
        return self._local

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef: Any, request: Any) -> Iterator[None]:
        lines = self._fixtures.setdefault(id(fixturedef), set())
        self._sinks.append(lines)
        try:
            yield
        finally:
            self._sinks.remove(lines)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: Any, nextitem: Any) -> Iterator[None]:
        lines: set[tuple[str, int]] = set()
        self._sinks = [lines]
        reset_caches(self.resets)
        start = time.perf_counter()
        sys.settrace(self._global)
        try:
            yield
        finally:
            sys.settrace(None)
        self.times[item.nodeid] = time.perf_counter() - start
        for defs in item._fixtureinfo.name2fixturedefs.values():
            for fixturedef in defs:
                lines |= self._fixtures.get(id(fixturedef), set())
        self.lines[item.nodeid] = lines

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.failed:
            self.failed.append(report.nodeid)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_make_collect_report(self, collector: Any) -> Iterator[None]:
        start = time.perf_counter()
        yield
        if isinstance(collector, pytest.Module):
            self.collect[collector.nodeid] = time.perf_counter() - start


def reset_caches(resets: Sequence[str]) -> None:
    """Empty the caches named ``module:attribute`` (a functools cache, a dict, else set None).

    Only modules already imported are touched.
    """
    for item in resets:
        module_name, _, attribute = item.partition(":")
        module = sys.modules.get(module_name)
        if module is None:
            continue
        value = getattr(module, attribute)
        if hasattr(value, "cache_clear"):
            value.cache_clear()
        elif isinstance(value, dict):
            value.clear()
        else:
            setattr(module, attribute, None)


def _pytest_args(tests: Sequence[str], basetemp: Path, stop_early: bool) -> list[str]:
    args = [
        *tests,
        "-q",
        "--no-header",
        "--tb=short",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:xdist",
        "-p",
        "no:randomly",
        f"--basetemp={basetemp}",
    ]
    return [*args, "-x"] if stop_early else args


class MutantTimeoutError(Exception):
    """A test ran past its time limit under a mutant (see ``_TestTimeLimit``)."""


class _TestTimeLimit:
    """A pytest plugin failing any test (its fixtures included) that runs past its limit.

    The limit is ``TEST_TIME_FLOOR`` plus ``TIME_FACTOR`` times the test's
    traced time. A test that hangs under a mutant fails there (and the
    mutant is killed), instead of holding its child until the limit of the
    whole session, which for a mutant of code every test runs (the value
    types) is minutes. Code stuck in C, where the alarm cannot interrupt,
    is still caught by the parent's limit on the child.
    """

    def __init__(self, times: Mapping[str, float]) -> None:
        self.times = times

    @staticmethod
    def _expired(signum: int, frame: object) -> None:
        raise MutantTimeoutError

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: Any, nextitem: Any) -> Iterator[None]:
        limit = TEST_TIME_FLOOR + TIME_FACTOR * self.times.get(item.nodeid, CHEAP)
        previous = signal.signal(signal.SIGALRM, self._expired)
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _child(
    tests: Sequence[str],
    log: Path,
    basetemp: Path,
    mutant: Mutant | None,
    code: CodeType | None,
    plugin: object | None,
    stop_early: bool,
) -> int:
    """In the forked child: plant the mutant, run pytest, return its exit code."""
    os.setpgid(0, 0)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    # The traced run (no mutant) leaves pytest's rewritten test modules in
    # __pycache__; mutant children only read them (see ``cache_bytecode``).
    sys.dont_write_bytecode = mutant is not None
    if mutant is not None and code is not None:
        sys.meta_path.insert(0, _MutantFinder(mutant.module, ROOT / mutant.file, code))
    plugins = [plugin] if plugin is not None else []
    return int(pytest.main(_pytest_args(tests, basetemp, stop_early), plugins=plugins))


def _fork(
    tests: Sequence[str],
    log: Path,
    basetemp: Path,
    mutant: Mutant | None = None,
    code: CodeType | None = None,
    plugin: object | None = None,
    stop_early: bool = True,
) -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    pid = _fork_frozen()
    if pid == 0:  # pragma: no cover - the child
        status = 3
        try:
            status = _child(tests, log, basetemp, mutant, code, plugin, stop_early)
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(status)
    return pid


def _fork_frozen() -> int:
    """``os.fork()``, the child's copy of the parent's objects out of the garbage collector's sight.

    Everything the parent imported and loaded (pytest, Hypothesis, pyarrow,
    the data) is moved to the permanent generation first, so a collection
    in the child (pytest runs two as each session ends, and the tests
    trigger more) walks only what the child made: a quarter of a quick
    child's time before. The parent's objects are handed back to the
    collector once the child exists.
    """
    gc.freeze()
    pid = os.fork()
    if pid != 0:
        gc.unfreeze()
    return pid


def _status(wait_status: int) -> int:
    if os.WIFEXITED(wait_status):
        return os.WEXITSTATUS(wait_status)
    return -os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status) else -1


def cache_bytecode() -> None:
    """Write bytecode caches of the package, and in the trace of the tests, whatever the env says.

    Also where ``PYTHONDONTWRITEBYTECODE`` is set. Every mutant child imports
    again the modules that depend on the mutated one, and pytest imports
    every test module it collects (rewriting its asserts): without the
    caches, each child parses and compiles them again, about 1.5
    CPU-seconds for the release group's three biggest test files. The
    mutated module itself never comes from a cache: the import hook
    compiles it from the mutated tree.
    """
    sys.dont_write_bytecode = False
    compileall.compile_dir(ROOT / "src", quiet=1)


# --- the traced baseline -----------------------------------------------------------------


def _trace_start(
    name: str, files: Sequence[Path], tests: Sequence[str], resets: Sequence[str], work: Path
) -> int:
    """Fork a child running these tests unmutated, recording lines per test into a JSON file."""
    out = work / f"{name}.trace.json"
    log = work / f"{name}.trace.log"
    sys.stdout.flush()
    sys.stderr.flush()
    pid = _fork_frozen()
    if pid == 0:  # pragma: no cover - the child
        status = 3
        try:
            tracer = _Tracer(files, resets)
            status = _child(tests, log, work / f"{name}-tmp", None, None, tracer, False)
            lines = {
                test: sorted([str(Path(f).relative_to(ROOT)), n] for f, n in found)
                for test, found in tracer.lines.items()
            }
            modules = [
                m
                for m in list(sys.modules)
                if not m.startswith((PACKAGE, "tests", "conftest", "si_docs", "__"))
            ]
            data = {
                "lines": lines,
                "times": tracer.times,
                "collect": tracer.collect,
                "failed": tracer.failed,
                "modules": modules,
                "status": status,
            }
            out.write_text(json.dumps(data), encoding="utf-8")
        finally:
            os._exit(status)
    return pid


def trace_groups(
    groups: dict[str, dict[str, list[str]]], resets: Sequence[str], jobs: int
) -> dict[str, Any]:
    """One traced run of the groups' test files, each file once, ``jobs`` files at a time.

    Each test file is traced once even when several groups list it
    (``test_query`` and ``test_properties`` cover ``_values`` and
    ``_index_query``), for the files those groups mutate and no others (the
    release tests build records all the time, but nothing reads which lines
    of ``_values.py`` they executed); each group then reads its own tests'
    part (see ``restrict``). The tests must pass.
    """
    tests = list(dict.fromkeys(t for config in groups.values() for t in config["tests"]))
    files_for = {
        test: list(
            dict.fromkeys(
                ROOT / f
                for config in groups.values()
                if test in config["tests"]
                for f in config["files"]
            )
        )
        for test in tests
    }
    # Biggest test file first, so that the last to finish is a small one.
    queue = sorted(tests, key=lambda t: -(ROOT / t.split("::")[0]).stat().st_size)
    work = Path(tempfile.mkdtemp(prefix="mutation-trace-"))
    started = time.perf_counter()
    print(f"== tracing {len(tests)} test files for {', '.join(groups)}", flush=True)
    running: dict[int, str] = {}
    names: dict[str, str] = {}
    merged: dict[str, Any] = {"lines": {}, "times": {}, "collect": {}, "modules": [], "cpu": 0.0}
    while queue or running:
        while queue and len(running) < jobs:
            test = queue.pop(0)
            names[test] = f"trace-{len(names)}"
            running[_trace_start(names[test], files_for[test], [test], resets, work)] = test
        pid, wait_status, usage = os.wait4(-1, 0)
        test = running.pop(pid)
        merged["cpu"] += usage.ru_utime + usage.ru_stime
        status = _status(wait_status)
        out = work / f"{names[test]}.trace.json"
        if status != 0 or not out.exists():
            for other in running:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(other, signal.SIGKILL)
            log = work / f"{names[test]}.trace.log"
            sys.exit(f"{test}: the unmutated tests do not pass (pytest exit {status}); see {log}")
        data = json.loads(out.read_text(encoding="utf-8"))
        for key in ("lines", "times", "collect"):
            merged[key].update(data[key])
        merged["modules"] = list(dict.fromkeys([*merged["modules"], *data["modules"]]))
    merged["seconds"] = time.perf_counter() - started
    print(f"   traced in {merged['seconds']:.0f} s", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return merged


def _in(test: str, tests: Sequence[str]) -> bool:
    """Whether a node id (or a test file) is one of ``tests`` or in one of its files."""
    return any(test == t or test.startswith(t + "::") or t.split("::")[0] == test for t in tests)


def restrict(shared: dict[str, Any], tests: Sequence[str]) -> dict[str, Any]:
    """The part of a shared trace that concerns these tests (paths or node ids)."""
    return {
        **shared,
        "lines": {t: v for t, v in shared["lines"].items() if _in(t, tests)},
        "times": {t: v for t, v in shared["times"].items() if _in(t, tests)},
        "collect": {f: v for f, v in shared["collect"].items() if _in(f, tests)},
        "cpu": 0.0,  # counted once, in the total
    }


def warm_up(modules: Iterable[str]) -> None:
    """Import, once in the parent, what every child would import anyway (not the package)."""
    for name in modules:
        if name in sys.modules:
            continue
        with contextlib.suppress(BaseException):
            importlib.import_module(name)
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]


def _top_level_imports(path: Path, module: str, package: bool) -> set[str]:
    """Package modules a module imports when it is imported (not inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    base = module if package else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
                continue
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = base.split(".")
                    parent = ".".join(parts[: len(parts) - node.level + 1])
                    where = f"{parent}.{node.module}" if node.module else parent
                else:
                    where = node.module or ""
                found.add(where)
                found.update(f"{where}.{a.name}" for a in node.names)
            elif isinstance(node, ast.If | ast.Try):
                visit(node.body)
                visit(node.orelse)

    visit(tree.body)
    return found


def forget_package() -> None:
    """Drop the package's modules, and the test helpers holding its objects, from sys.modules."""
    prefixes = (f"{PACKAGE}.", "tests.")
    for name in [m for m in sys.modules if m in (PACKAGE, "tests") or m.startswith(prefixes)]:
        del sys.modules[name]


def preload(files: Sequence[Path], warm: Sequence[str] = ()) -> list[str]:
    """Import, in the parent, the package modules no mutated file can reach, and load the data.

    A module is left to the children when it is mutated, imports (at import
    time) one that is, or is a submodule of a package that is. The bundled
    data is loaded once here when loading it needs none of those. Then each
    ``warm`` call (``module:function``, from the group's config) runs, unless
    it imports a module left to the children: then nothing is warmed.
    Returns the modules preloaded.
    """
    src = ROOT / "src"
    modules: dict[str, tuple[Path, bool]] = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        if path.name == "__main__.py":
            continue
        parts = list(path.relative_to(src).with_suffix("").parts)
        package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if package else parts)
        modules[name] = (path, package)
    imports = {
        name: {m for m in _top_level_imports(path, name, package) if m in modules}
        | ({name.rpartition(".")[0]} if "." in name else set())
        for name, (path, package) in modules.items()
    }
    mutated = {str(f.resolve()) for f in files}
    tainted = {name for name, (path, _) in modules.items() if str(path.resolve()) in mutated}
    changed = True
    while changed:
        changed = False
        for name, needs in imports.items():
            if name not in tainted and needs & tainted:
                tainted.add(name)
                changed = True
    safe = [name for name in modules if name not in tainted]
    before = set(sys.modules)
    package_module = importlib.import_module(PACKAGE) if PACKAGE in safe else None
    names_before = set(vars(package_module)) if package_module is not None else set()
    for name in safe:
        importlib.import_module(name)
    loader = f"{PACKAGE}._load"
    if loader in safe:
        importlib.import_module(loader).load()
    if package_module is not None:
        for name in set(vars(package_module)) - names_before:
            if f"{PACKAGE}.{name}" not in safe:
                delattr(package_module, name)  # cached by the lazy __getattr__
    reached = {m for m in set(sys.modules) - before if m in tainted}
    if reached:  # loading the data imported a mutated module after all: preload nothing
        forget_package()
        return []
    if warm and not _warm(warm, tainted):
        forget_package()
        return preload(files)
    return safe


def _warm(calls: Sequence[str], tainted: set[str]) -> bool:
    """Run each ``module:function``; False as soon as one imported a module in ``tainted``."""
    if str(ROOT) not in sys.path:
        sys.path.insert(1, str(ROOT))  # the test helpers, as pytest imports them (tests.x)
    for call in calls:
        module, _, function = call.partition(":")
        getattr(importlib.import_module(module), function)()
        if any(m in tainted for m in sys.modules):
            return False
    return True


# --- running the mutants -----------------------------------------------------------------


def covering_tests(
    mutant: Mutant, trace_data: dict[str, Any], *, body_only: bool = False
) -> list[str]:
    """The traced tests that executed a line of the mutant, in run order.

    ``body_only``: a line after its first (inside an ``if``'s body, say).
    """
    if not mutant.in_function:
        return []
    by_line = _tests_by_line(trace_data)
    found: set[int] = set()
    for n in range(mutant.line + 1 if body_only else mutant.line, mutant.end_line + 1):
        found |= by_line.get((mutant.file, n), set())
    tests = list(trace_data["lines"])
    return [tests[i] for i in sorted(found)]


def reading_tests(mutant: Mutant, trace_data: dict[str, Any], tests: Sequence[str]) -> list[str]:
    """For a mutant of a module-level constant, the traced tests that can see it, in run order.

    Those that executed a line reading the constant (or a module-level name
    computed from it), and every test of a test file naming it. Empty when
    that cannot be told (see readers.py): the caller then runs every test.
    """
    files = list(dict.fromkeys(ROOT / t.split("::")[0] for t in tests))
    found = reading(ROOT / mutant.file, mutant.line, ROOT / "src" / PACKAGE, files)
    if found is None:
        return []
    by_line = _tests_by_line(trace_data)
    positions: set[int] = set()
    for first, last in found.spans:
        for n in range(first, last + 1):
            positions |= by_line.get((mutant.file, n), set())
    named = {str(Path(f).relative_to(ROOT)) for f in found.test_files}
    traced = list(trace_data["lines"])
    positions |= {i for i, t in enumerate(traced) if t.split("::")[0] in named}
    return [traced[i] for i in sorted(positions)]


def _tests_by_line(trace_data: dict[str, Any]) -> dict[tuple[str, int], set[int]]:
    """For each (file, line), the positions (in run order) of the tests that executed it.

    Built once per trace and kept in it.
    """
    index: dict[tuple[str, int], set[int]] | None = trace_data.get("_by_line")
    if index is None:
        index = {}
        for i, lines in enumerate(trace_data["lines"].values()):
            for f, n in lines:
                index.setdefault((f, n), set()).add(i)
        trace_data["_by_line"] = index
    return index


def phases(
    mutant: Mutant,
    trace_data: dict[str, Any],
    tests: Sequence[str],
    file_kills: Mapping[str, int] | None = None,
) -> list[list[str]]:
    """The test lists a mutant runs against, each only if it survived the one before.

    A mutant inside a function runs the tests that executed its lines, one
    test file at a time, the file quickest to collect and run first (most
    faults are caught by the first; collecting a file costs more than most of
    its tests), and the tests that took ``CHEAP`` seconds or more after all
    the others. A mutant of a module-level constant runs the same way against
    the tests that read it (``reading_tests``). Any other mutant of code that
    runs at import (a class body, a default value), or in a function no test
    was seen executing (it may run at import, like the rule decorator's), runs
    the quick tests (traced under ``CHEAP`` seconds), then the whole list.
    Files are taken in the order of ``file_kills`` (how many mutants of the
    same file each test file killed so far), most first, then quickest first.
    """
    times: dict[str, float] = trace_data["times"]
    if mutant.in_function:
        covering = covering_tests(mutant, trace_data)
    else:
        covering = reading_tests(mutant, trace_data, tests)
    if covering:
        # The slow tests (a generated round trip takes 17 s) go last, all
        # files together: a fault the quick tests of a later file catch does
        # not wait for them.
        quick = [t for t in covering if times.get(t, 0.0) < CHEAP]
        slow = sorted((t for t in covering if times.get(t, 0.0) >= CHEAP), key=times.__getitem__)
        # A dropped check, or any change to a statement with a body, is most
        # likely caught by the tests that went into the body (the refusal's
        # own test), not by the hundreds that only passed the condition.
        inside = set(covering_tests(mutant, trace_data, body_only=True))
        first = sorted((t for t in quick if t in inside), key=times.__getitem__)
        rest = [t for t in quick if t not in inside]
        by_file = _by_file(rest, trace_data, file_kills)
        return [*([first] if first else []), *by_file, *([slow] if slow else [])]
    # No test executed it, or it runs at import and its readers cannot be told.
    cheap = [t for t, seconds in times.items() if seconds < CHEAP]
    return [*_by_file(cheap, trace_data, file_kills), list(tests)]


def killers_first(
    kills: Mapping[str, int],
    candidates: Sequence[str],
    times: Mapping[str, float],
    nearby: Mapping[str, int] | None = None,
) -> list[str]:
    """The quick tests that killed most earlier mutants, among ``candidates``, at most ``KILLERS``.

    Those that killed mutants of the same function (``nearby``) come first,
    then those that killed most in the whole group. Only tests traced under
    ``CHEAP`` seconds: a slow test that kills many would make every mutant
    pay for it, killed or not.

    Neighbouring mutants tend to die by the same test: one run of those few
    (often one file's collection instead of five) settles most mutants. A
    mutant they do not kill goes on to its full lists, so the verdict is the
    same as without them, only reached sooner.
    """
    chosen: list[str] = []
    for counts in (nearby or {}, kills):
        quick = (
            t
            for t in counts
            if times.get(t, CHEAP) < CHEAP and _in(t, candidates) and t not in chosen
        )
        chosen += sorted(quick, key=lambda t: -counts[t])
    return chosen[:KILLERS]


def _by_file(
    tests: Sequence[str], trace_data: dict[str, Any], file_kills: Mapping[str, int] | None = None
) -> list[list[str]]:
    """Tests split by file: the file that killed most first, then the quickest.

    Within a file, the quickest test first.
    """
    times: dict[str, float] = trace_data["times"]
    collect: dict[str, float] = trace_data["collect"]
    by_file: dict[str, list[str]] = {}
    for test in sorted(tests, key=lambda t: times.get(t, 0.0)):
        by_file.setdefault(test.split("::")[0], []).append(test)
    kills = file_kills or {}
    order = sorted(
        by_file,
        key=lambda f: (-kills.get(f, 0), collect.get(f, 0.0) + times.get(by_file[f][0], 0.0)),
    )
    return [by_file[f] for f in order]


def run_group(  # noqa: PLR0912, PLR0915 - the scheduling loop reads best in one piece
    group: str,
    config: dict[str, list[str]],
    jobs: int,
    only: set[str] | None,
    equivalents: list[dict[str, str]],
    only_files: Sequence[str] = (),
    given_tests: Sequence[str] = (),
    checkpoint: Callable[[dict[str, dict[str, Any]]], None] | None = None,
    shared: dict[str, Any] | None = None,
    recheck: bool = False,
) -> dict[str, Any]:
    """Mutate every file of a group and test each mutant; returns the results.

    ``shared`` is a trace of several groups at once (see ``trace_groups``):
    the group then uses its own tests' part of it instead of tracing again.
    A mutant listed in ``equivalent.toml`` (matched by file, source line and
    change, so any edit of its line makes it run again) is reported with its
    reason without being run, unless ``recheck``: a survivor runs every test
    that executes its line, the most expensive verdict there is, and these
    are known to survive.
    """
    files = [ROOT / f for f in config["files"]]
    tests = config["tests"]
    work = Path(tempfile.mkdtemp(prefix=f"mutation-{group}-"))
    started = time.perf_counter()
    if shared is not None and not given_tests:
        trace_data = restrict(shared, tests)
    else:
        # Re-testing against tests named on the command line: no trace needed.
        trace_data = {"lines": {}, "times": {}, "collect": {}, "modules": [], "cpu": 0.0}
    warm_up(trace_data["modules"])
    all_mutants = [m for f in files for m in mutants(f, ROOT)]
    todo = [
        m
        for m in all_mutants
        if (only is None or m.key in only) and (not only_files or m.file in only_files)
    ]
    results: dict[str, dict[str, Any]] = {}
    if not recheck:
        documented = [m for m in todo if documented_once(m, equivalents, all_mutants)]
        for m in documented:
            results[m.key] = _result(m, "survived", "not run", None, 0.0, equivalents)
        todo = [m for m in todo if m.key not in results]
        print(f"   {len(documented)} documented equivalent, not run (--recheck runs them)")
    print(f"   {len(all_mutants)} mutants, testing {len(todo)} with {jobs} jobs", flush=True)
    times: dict[str, float] = trace_data["times"]
    whole = sum(times.values())
    # Queue entries: (mutant, the test lists still to run, most selective first, and
    # whether it is still to run the earlier killers first).
    # The seconds already spent on it (earlier test lists) are carried along. A
    # fresh mutant's lists are made as it starts, from what was killed by then.
    queue: list[tuple[Mutant, list[list[str]], bool, float]] = [
        (m, [list(given_tests)] if given_tests else [], not given_tests, 0.0) for m in todo
    ]
    kills: dict[str, int] = {}  # test -> mutants it killed in this run
    kills_in: dict[tuple[str, str], dict[str, int]] = {}  # the same, per file and function
    file_kills: dict[str, dict[str, int]] = {}  # mutated file -> test file -> mutants killed
    running: dict[int, tuple[Mutant, list[list[str]], float, float, Path, float]] = {}
    done = launched = 0
    cpu = trace_data["cpu"]
    own = resource.getrusage(resource.RUSAGE_SELF)
    preloaded_for: str | None = None
    try:
        while queue or running:
            while queue and len(running) < jobs:
                if queue[0][0].file != preloaded_for:
                    # One file's mutants at a time: what the parent may hold
                    # for the children depends on which file is mutated.
                    if running:
                        break  # let the previous file's children finish first
                    preloaded_for = queue[0][0].file
                    forget_package()
                    preloaded = preload([ROOT / preloaded_for], config.get("warm", []))
                    print(
                        f"   {preloaded_for}: preloaded {len(preloaded)} package modules",
                        flush=True,
                    )
                m, lists, fresh, spent = queue.pop(0)
                if fresh:
                    lists = phases(m, trace_data, tests, file_kills.get(m.file))
                    candidates = [t for phase in lists for t in phase]
                    nearby = kills_in.get((m.file, m.scope))
                    known = killers_first(kills, candidates, times, nearby)
                    if known:
                        lists = [known, *lists]
                    if all("::" in t for t in candidates):
                        # Tests named one by one: one pytest session runs the
                        # lists in order and stops at the first failure, as
                        # one child per list would, without paying again for
                        # the fork, pytest's start and the imports.
                        lists = [list(dict.fromkeys(t for phase in lists for t in phase))]
                run_tests = lists[0]
                code = compile_mutant(m, ROOT)
                launched += 1
                n = launched
                basetemp = work / f"tmp-{n}"
                log = work / f"mutant-{n}.log"
                files_run = {t.split("::")[0] for t in run_tests}
                budget = sum(times.get(t, 0.0) for t in run_tests)
                budget += sum(trace_data["collect"].get(f, 1.0) for f in files_run)
                if run_tests == list(tests):
                    budget = whole
                limit = TIME_FLOOR + TIME_FACTOR * budget
                limiter = _TestTimeLimit(times)
                pid = _fork(run_tests, log, basetemp, m, code, limiter)  # type: ignore[arg-type]
                running[pid] = (m, lists, time.perf_counter(), limit, log, spent)
            time.sleep(0.02)
            for pid, (m, lists, start, limit, log, spent) in list(running.items()):
                finished, wait_status, usage = os.wait4(pid, os.WNOHANG)
                elapsed = time.perf_counter() - start
                if finished == 0 and elapsed <= limit:
                    continue
                if finished == 0:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(pid, signal.SIGKILL)
                    _, _, usage = os.wait4(pid, 0)
                    status: int | str = "timeout"
                else:
                    status = _status(wait_status)
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(pid, signal.SIGKILL)  # anything the tests left behind
                del running[pid]
                cpu += usage.ru_utime + usage.ru_stime
                shutil.rmtree(log.parent / f"tmp-{log.stem.split('-')[1]}", ignore_errors=True)
                if status in (4, 5) and _collection_error(log) is None:
                    sys.exit(f"{m.key}: pytest could not run the tests (exit {status}); see {log}")
                if status == 0 and len(lists) > 1:
                    # confirm against the wider list
                    queue.insert(0, (m, lists[1:], False, spent + elapsed))
                    continue
                outcome = "survived" if status == 0 else "killed"
                killer = _first_failure(log) if outcome == "killed" else None
                if killer is not None:
                    kills[killer] = kills.get(killer, 0) + 1
                    local = kills_in.setdefault((m.file, m.scope), {})
                    local[killer] = local.get(killer, 0) + 1
                    by_test_file = file_kills.setdefault(m.file, {})
                    test_file = killer.split("::")[0]
                    by_test_file[test_file] = by_test_file.get(test_file, 0) + 1
                results[m.key] = _result(m, outcome, status, killer, spent + elapsed, equivalents)
                done += 1
                if outcome == "survived":
                    print(f"   SURVIVED {m.key} {m.description}: {m.before}", flush=True)
                if checkpoint is not None and done % 10 == 0:
                    checkpoint(results)  # a run stopped early keeps what it found
                if done % 50 == 0:
                    print(f"   {done}/{len(todo)} in {time.perf_counter() - started:.0f} s")
    finally:
        for pid in running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
    shutil.rmtree(work, ignore_errors=True)
    end = resource.getrusage(resource.RUSAGE_SELF)
    cpu += end.ru_utime - own.ru_utime + end.ru_stime - own.ru_stime
    return {
        "group": group,
        "files": config["files"],
        "tests": tests,
        "mutants": len(all_mutants),
        "seconds": round(time.perf_counter() - started, 1),
        "cpu_seconds": round(cpu, 1),
        "results": results,
    }


def _result(
    mutant: Mutant,
    outcome: str,
    status: int | str | None,
    killer: str | None,
    seconds: float,
    equivalents: list[dict[str, str]],
) -> dict[str, Any]:
    return {
        **asdict(mutant),
        "key": mutant.key,
        "outcome": outcome,
        "status": status,
        "killed_by": killer,
        "seconds": round(seconds, 2),
        "equivalent": equivalent_reason(mutant, equivalents) if outcome == "survived" else None,
    }


def _first_failure(log: Path) -> str | None:
    with contextlib.suppress(OSError):
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith(("FAILED ", "ERROR ")):
                return line.split(" ", 1)[1].split(" - ")[0]
    return _collection_error(log)


def _collection_error(log: Path) -> str | None:
    """The test file a mutant made impossible to import, if it did (that kills it too).

    A test module that builds values as it is imported (a Hypothesis
    ``@example(PartialDate(...))``) fails to import under a mutant of their
    validators; asked for tests of it by node id, pytest then says it found
    none (exit 4), which otherwise means the runner asked for the wrong tests.
    """
    with contextlib.suppress(OSError):
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("_") and " ERROR collecting " in line:
                return line.split(" ERROR collecting ", 1)[1].strip(" _")
    return None


# --- reporting ---------------------------------------------------------------------------


def summarise(state: dict[str, Any]) -> dict[str, Any]:
    """Counts and scores of one group's results."""
    results = list(state["results"].values())
    killed = sum(r["outcome"] == "killed" for r in results)
    survived = [r for r in results if r["outcome"] == "survived"]
    equivalent = [r for r in survived if r["equivalent"]]
    total = len(results)
    per_file: dict[str, list[int]] = {}
    for r in results:
        counts = per_file.setdefault(r["file"], [0, 0])
        counts[0] += r["outcome"] == "killed"
        counts[1] += 1
    return {
        "total": total,
        "killed": killed,
        "survived": len(survived),
        "equivalent": len(equivalent),
        "score": killed / total if total else 1.0,
        "score_with_equivalent": (killed + len(equivalent)) / total if total else 1.0,
        "per_file": per_file,
        "open": [r for r in survived if not r["equivalent"]],
        "survivors": survived,
    }


def unmatched_entries(
    equivalents: Sequence[dict[str, str]], files: Iterable[str]
) -> list[dict[str, str]]:
    """Entries of ``equivalent.toml`` for these files that document no mutant (any more)."""
    found = {f: mutants(ROOT / f, ROOT) for f in files}
    return [
        item
        for item in equivalents
        if item["file"] in found
        and not any(equivalent_entry(m, [item]) for m in found[item["file"]])
    ]


def report(states: Sequence[dict[str, Any]], head: Sequence[str] = ()) -> str:
    """The markdown report: a score table, then every survivor with its reason or OPEN."""
    lines = [
        *head,
        *([""] if head else []),
        "| group | mutants | killed | survived | of which equivalent | score | "
        "score, equivalents excluded | wall s | CPU s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for state in states:
        s = summarise(state)
        lines.append(
            f"| `{state['group']}` | {s['total']} | {s['killed']} | {s['survived']} | "
            f"{s['equivalent']} | {s['score']:.1%} | {_excluded(s):.1%} | {state['seconds']:.0f} | "
            f"{state.get('cpu_seconds', 0):.0f} |"
        )
    for state in states:
        s = summarise(state)
        lines += ["", f"### `{state['group']}`", ""]
        for file, (killed, total) in s["per_file"].items():
            lines.append(f"- `{file}`: {killed}/{total} killed")
        if s["survivors"]:
            lines += ["", "Survivors:", ""]
        for r in sorted(s["survivors"], key=lambda r: (r["file"], r["line"], r["index"])):
            reason = r["equivalent"] or "OPEN"
            if r["status"] == "not run":
                reason = f"(Documented, not run.) {reason}"
            lines.append(
                f"- `{r['file']}:{r['line']}` ({r['scope']}) {r['description']}: "
                f"`{r['before']}` → `{r['after']}`. {reason}"
            )
    return "\n".join(lines) + "\n"


def _report_head(
    wall: float,
    cpu: float,
    shared: dict[str, Any] | None,
    equivalents: list[dict[str, str]],
    files: list[str],
) -> list[str]:
    """The report's first lines: the whole run's time, and stale entries of equivalent.toml."""
    stale = unmatched_entries(equivalents, files)
    for item in stale:
        print(f"   equivalent.toml: no mutant matches {item['file']}: {item['line']!r}")
    first = f"All groups asked for in {wall:.0f} s wall, {cpu:.0f} s CPU on {os.cpu_count()} cores"
    if shared is not None:
        first += f" (the shared trace: {shared['seconds']:.0f} s wall)"
    return [first + ".", f"Entries of `equivalent.toml` matching no mutant: {len(stale)}."]


def _excluded(s: dict[str, Any]) -> float:
    """Killed among the mutants that are not documented equivalents."""
    relevant = s["total"] - s["equivalent"]
    return s["killed"] / relevant if relevant else 1.0


# --- the command -------------------------------------------------------------------------


def show(config: dict[str, dict[str, list[str]]], groups: Sequence[str], key: str | None) -> None:
    """Print the mutants of some groups (or the one with this key), run nothing."""
    for group in groups:
        for f in config[group]["files"]:
            for m in mutants(ROOT / f, ROOT):
                if key and m.key != key:
                    continue
                print(f"{m.key}  [{m.scope}] {m.description}")
                print(f"    {m.source_line}")
                print(f"    - {m.before}\n    + {m.after}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("groups", nargs="*", help="groups of config.toml (default: all)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--survivors", action="store_true", help="re-test last run's survivors")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--show", metavar="KEY", help="show one mutant and stop")
    parser.add_argument("--report", metavar="FILE", help="write the markdown report here")
    parser.add_argument("--recheck", action="store_true", help="run the documented equivalents too")
    parser.add_argument(
        "--file", action="append", default=[], help="mutate only this file of the group"
    )
    parser.add_argument(
        "--tests",
        nargs="+",
        default=[],
        help="with --survivors: re-test against these tests only, without tracing",
    )
    return parser


def _hypothesis_profile() -> None:
    """Derandomized, 25 examples, no database, no shrinking: every run draws the same examples.

    A mutant needs one failing example, not the smallest: shrinking one (a
    property test of ``where`` failing on every record) took over a minute,
    and the child was then killed at its time limit.
    """
    # Hypothesis must not import the package through its entry point in the
    # parent: each child imports it afresh, with its mutant.
    os.environ["HYPOTHESIS_NO_PLUGINS"] = "1"
    from hypothesis import Phase, settings  # noqa: PLC0415

    del os.environ["HYPOTHESIS_NO_PLUGINS"]
    settings.register_profile(
        "mutation",
        max_examples=25,
        deadline=None,
        derandomize=True,
        database=None,
        phases=(Phase.explicit, Phase.reuse, Phase.generate),
    )
    os.environ["HYPOTHESIS_PROFILE"] = "mutation"


def main(argv: Sequence[str] | None = None) -> int:
    """The command: run the groups asked for and report."""
    parser = _parser()
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    # On SIGTERM, leave through the finally blocks that kill the children.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    config, resets = load_config()
    groups = args.groups or list(config)
    unknown = [g for g in groups if g not in config]
    if unknown:
        parser.error(f"no such group: {', '.join(unknown)}; groups are: {', '.join(config)}")
    if args.list or args.show:
        show(config, groups, args.show)
        return 0
    _hypothesis_profile()
    cache_bytecode()
    equivalents = load_equivalents()
    STATE.mkdir(exist_ok=True)
    states = []
    started = time.perf_counter()
    shared = None if args.tests else trace_groups({g: config[g] for g in groups}, resets, args.jobs)
    shared_cpu = shared["cpu"] if shared is not None else 0.0
    for group in groups:
        path = STATE / f"{group}.json"
        only = None
        previous = None
        if (args.survivors or args.file) and path.exists():
            previous = json.loads(path.read_text(encoding="utf-8"))
        if args.survivors and previous is not None:
            only = {k for k, r in previous["results"].items() if r["outcome"] == "survived"}

        def checkpoint(
            results: dict[str, dict[str, Any]], path: Path = path, group: str = group
        ) -> None:
            partial = path.with_suffix(".partial.json")
            partial.write_text(json.dumps({"group": group, "results": results}), encoding="utf-8")

        state = run_group(
            group,
            config[group],
            args.jobs,
            only,
            equivalents,
            args.file,
            args.tests,
            checkpoint,
            shared,
            args.recheck,
        )
        if args.file and path.exists():  # another part may have finished meanwhile
            previous = json.loads(path.read_text(encoding="utf-8"))
        if previous is not None:
            parts = args.file and not args.survivors  # the times of a part add up
            # A file run again whole replaces its results: its lines (and keys) may have moved.
            kept = {
                k: r
                for k, r in previous["results"].items()
                if not (parts and r["file"] in args.file)
            }
            merged = {**kept, **state["results"]}
            state = {
                **state,
                "results": merged,
                "seconds": previous["seconds"] + (state["seconds"] if parts else 0.0),
                "cpu_seconds": previous.get("cpu_seconds", 0.0)
                + (state.get("cpu_seconds", 0.0) if parts else 0.0),
            }
        path.write_text(json.dumps(state, indent=1), encoding="utf-8")
        states.append(state)
        s = summarise(state)
        print(
            f"== {group}: {s['killed']}/{s['total']} killed ({s['score']:.1%}), "
            f"{s['survived']} survived ({s['equivalent']} documented equivalent), "
            f"{state['seconds']:.0f} s wall, {state.get('cpu_seconds', 0):.0f} s CPU",
            flush=True,
        )
    cpu = shared_cpu + sum(state.get("cpu_seconds", 0.0) for state in states)
    print(
        f"== all groups in {time.perf_counter() - started:.0f} s wall, {cpu:.0f} s CPU "
        f"(the shared trace: {shared_cpu:.0f} s CPU)",
        flush=True,
    )
    mutated = [f for g in groups for f in config[g]["files"]]
    text = report(
        states, _report_head(time.perf_counter() - started, cpu, shared, equivalents, mutated)
    )
    if args.report:
        Path(args.report).write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
