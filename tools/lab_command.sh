#!/usr/bin/env bash
# The course's JupyterLab options, written in ONE place. Both ways of starting the course run them:
#   make lab      ->  tools/lab_command.sh .venv/bin/jupyter lab --port=8888 $(LAB_ARGS)
#   Binder        ->  binder/start  ->  tools/lab_command.sh <the server command Binder chose>
# Usage: tools/lab_command.sh SERVER_COMMAND [ARGS...]
# Runs SERVER_COMMAND ARGS... followed by the options below:
#   - the file browser at the repository's top (notebooks/, docs/ and student/ all reachable),
#     opening on notebooks/;
#   - --allow-root when run as root (containers and some class hubs are; JupyterLab refuses otherwise).
# `tools/lab_command.sh --print` prints the options, one per line (the tests compare them).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OPTIONS=(
  "--ServerApp.root_dir=$ROOT"
  "--LabApp.default_url=/lab/tree/notebooks"
)
if [ "$(id -u)" = "0" ]; then
  OPTIONS+=("--allow-root")
fi

if [ "${1:-}" = "--print" ]; then
  printf '%s\n' "${OPTIONS[@]}"
  exit 0
fi
if [ "$#" -eq 0 ]; then
  echo "usage: $0 SERVER_COMMAND [ARGS...]   (e.g. $0 jupyter lab --port=8888)" >&2
  exit 2
fi
exec "$@" "${OPTIONS[@]}"
