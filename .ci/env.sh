# Sourced by the other scripts: a project virtual environment with the package installed.
# Usage: . .ci/env.sh EXTRAS   (EXTRAS like "test,docs"; empty for runtime only)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
PY="$VENV/bin/python"
extras="${1:-}"
spec="."
[ -n "$extras" ] && spec=".[$extras]"
"$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
if [ -n "$extras" ]; then
    # Editable, so tests, docs and benchmarks see the working tree.
    "$PY" -m pip install --quiet --disable-pip-version-check -e "$spec" 2>&1 | grep -v '^WARNING: Location' || true
else
    "$PY" -m pip install --quiet --disable-pip-version-check "$spec" 2>&1 | grep -v '^WARNING: Location' || true
fi
"$PY" -c "import shanghai_innovation" # fail early when the install failed
export PATH="$PWD/$VENV/bin:$PATH"
