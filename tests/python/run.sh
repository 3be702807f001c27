#!/usr/bin/env bash
# Real consumers of the dataset formats: spaCy loads our .spacy DocBin and JSON lines
# (spacy.blank("zh"), char_span never None), and Python checks text[start:end] for every
# offset of every format that has offsets.
#
# Installs what it needs on a fresh machine: a virtual environment under the cache folder
# with spaCy and pytest from PyPI, made once and reused while the pinned versions match.
#   bash tests/python/run.sh            (prints pytest's "N passed" line)
set -euo pipefail
cd "$(dirname "$0")/../.."

CACHE="${HUAXIAN_CACHE:-$HOME/.cache/huaxian}"
VENV="$CACHE/venv-spacy"
PY="${PYTHON:-python3}"
# spaCy 3.8.7 has wheels for CPython 3.9-3.13; click is named because recent typer
# releases no longer pull it in and spaCy's CLI module imports it.
PINS=(spacy==3.8.7 click==8.5.1 pytest==9.2.0)

if ! "$VENV/bin/python" - "${PINS[@]}" 2>/dev/null <<'PYEOF'
import sys
from importlib.metadata import version
sys.exit(any(version(p.split("==")[0]) != p.split("==")[1] for p in sys.argv[1:]))
PYEOF
then
  if ! "$PY" -c 'import venv, ensurepip' 2>/dev/null && command -v apt-get >/dev/null; then
    echo "python checks: installing Debian's python3 and python3-venv" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q && apt-get install -y -q python3 python3-venv
  fi
  echo "python checks: installing ${PINS[*]} into $VENV" >&2
  "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "${PINS[@]}"
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
cargo build -q -p huaxian-cli
export HUAXIAN_BIN="$CARGO_TARGET_DIR/debug/huaxian"
exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning tests/python
