#!/usr/bin/env bash
# Sets satsim up on a fresh Debian or Ubuntu machine with Swift, then runs the demo scenario.
#   - installs GSL (libgsl-dev), SQLite (libsqlite3-dev, the sweep results store) and pkg-config
#     when they are missing (apt-get; sudo when not root)
#   - builds satsim in release mode
#   - runs Scenarios/retry-storm.yaml, prints its summary and where the outputs are
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null 2>&1; then
  echo "satsim needs Swift 6 (https://www.swift.org/install/): 'swift' is not on PATH." >&2
  exit 1
fi

if ! pkg-config --exists gsl sqlite3 2>/dev/null; then
  echo "==> installing GSL (libgsl-dev), SQLite (libsqlite3-dev) and pkg-config"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libgsl-dev libsqlite3-dev pkg-config >/dev/null
fi

echo "==> building satsim (release)"
swift build -c release --product satsim 2>&1 | grep -Ev '^(\[[0-9]+/[0-9]+\]|Building|Compiling|Write|Emitting)' || true
BIN="$(swift build -c release --show-bin-path)/satsim"

OUT="satsim-out/retry-storm"
echo "==> satsim run Scenarios/retry-storm.yaml --out $OUT"
echo
status=0
"$BIN" run Scenarios/retry-storm.yaml --out "$OUT" || status=$?
echo
echo "The report, with the story and the charts: $OUT/report.html (open it in a browser)"
echo
echo "The same scenario without retries:   $BIN run Scenarios/retry-storm.yaml --variant no-retries"
echo "With a retry budget of 10%:          $BIN run Scenarios/retry-storm.yaml --variant retry-budget"
echo "With a server-side queue timeout:    $BIN run Scenarios/retry-storm.yaml --variant queue-timeout"
echo "All variants side by side:           $BIN compare Scenarios/retry-storm.yaml --replications 3"
echo "Where it tips over (a sweep):        $BIN sweep Scenarios/retry-storm.yaml --vary timeline.0.for=1s,2s,3s,4s,5s --vary clients.users.retry.max_attempts=1,2,3,4 --replications 5"
echo "All commands:                        $BIN --help"
exit $status
