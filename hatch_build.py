"""Hatch build hook: every wheel carries the compiled bundled data.

Before a wheel is built, this loads ``data/*.toml`` through the library's own
TOML path (tomllib, the cattrs converter, every check) and writes the result
as ``shanghai_innovation/_compiled.json`` with the digest of the TOML files
(see ``src/shanghai_innovation/_compiled.py``). Invalid data fails the build.
It runs the library from ``src/`` in a child process of the build
environment, which the build requirements give attrs and cattrs.

An editable install gets no compiled file and reads the TOML.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

#: Where the compiled file goes inside the wheel.
TARGET = "shanghai_innovation/_compiled.json"
#: ``python -c`` this with the src folder, then the module's own arguments.
RUN_COMPILED = (
    "import runpy, sys; sys.path.insert(0, sys.argv.pop(1)); "
    "runpy.run_module('shanghai_innovation._compiled', run_name='__main__', alter_sys=True)"
)


class CompiledDataHook(BuildHookInterface):  # type: ignore[type-arg] # hatchling's generic
    """Write ``_compiled.json`` from ``data/`` and force it into the wheel."""

    _scratch: tempfile.TemporaryDirectory[str] | None = None

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Compile the data before a (non-editable) wheel is built."""
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        self._scratch = tempfile.TemporaryDirectory()
        compiled = Path(self._scratch.name) / "_compiled.json"
        # The build environment's own path stays as it is (pip's isolation puts
        # the build requirements, attrs and cattrs, on PYTHONPATH), and src goes
        # in front once the interpreter has started: pip's isolation then drops
        # from sys.path every folder an installed .pth names, and an editable
        # install of this project names src.
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        command = [sys.executable, "-c", RUN_COMPILED, str(root / "src"), str(compiled)]
        subprocess.run(  # noqa: S603 - our own module, run by this interpreter on our data
            [*command, str(root / "data")],
            check=True,
            env=env,
            cwd=root,
        )
        build_data["force_include"][str(compiled)] = TARGET

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the scratch folder once the wheel is written."""
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None
