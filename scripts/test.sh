#!/bin/sh
# The README's second command, and what CI runs (.ci/run): installs what the
# tests need (idempotently), builds, and runs the whole test suite.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh test
make -j2 test
