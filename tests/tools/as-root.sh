#!/bin/sh
# Runs bergerie as "-Z root" (uid 0 kept, every capability still dropped)
# for the capture tests when they run as root. Without it bergerie would
# become _bergerie or nobody after opening its files (CONTRACT.md section
# 10), and the tests keep their outputs and policies in private (0700)
# directories that they rotate and reload on SIGHUP. The drop itself is
# tested by tests/capture/privileges.sh, which calls the binary directly.
# The explain subcommand must stay the first word.
if [ "${1:-}" = explain ]; then
	shift
	exec "$BERGERIE_REAL" explain -Z root "$@"
fi
exec "$BERGERIE_REAL" -Z root "$@"
