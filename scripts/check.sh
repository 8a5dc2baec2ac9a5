#!/bin/sh
# Runs every test against the build in $1: unit tests and fuzz corpus
# replays (through meson test) and the end-to-end suite (pytest against the
# real server).  Ends with the line "N passed, M failed".
set -u
BUILD=${1:-build-check}
exec /usr/bin/python3 "$(dirname "$0")/check.py" "$BUILD"
