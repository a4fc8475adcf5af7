#!/usr/bin/env bash
# Run the whole suite; "no tests collected" (pytest exit code 5) counts as a failure.
set -u
cd "$(dirname "$0")/.."
.venv/bin/python -m pytest "$@"
code=$?
if [ "$code" -eq 5 ]; then
  echo "pytest collected no tests: failing on purpose" >&2
  exit 1
fi
exit "$code"
