#!/usr/bin/env bash
# Regenerates the gallery: Plots/<scenario>/ holds report.html and the charts (*.svg) of every
# shipped scenario (Scenarios/*.yaml, base variant, its own seed), and Plots/README.md lists them.
# The outputs are deterministic: rerunning this on an unchanged tree changes no file.
#   CONFIG=release scripts/plots.sh   builds in release mode (default: debug, quicker to build)
#   BIN=/path/to/satsim scripts/plots.sh   uses that binary and builds nothing
set -euo pipefail
cd "$(dirname "$0")/.."

CONFIG="${CONFIG:-debug}"
if [ -z "${BIN:-}" ]; then
  echo "==> building satsim ($CONFIG)"
  swift build -c "$CONFIG" --product satsim 2>&1 | grep -Ev '^(\[[0-9]+/[0-9]+\]|Building|Compiling|Write|Emitting)' || true
  BIN="$(swift build -c "$CONFIG" --show-bin-path)/satsim"
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

README="$WORK/README.md"
cat > "$README" <<'HEAD'
# The gallery

The charts and the report of every shipped scenario (`Scenarios/*.yaml`, base variant, the
scenario's own seed), as `satsim run FILE --out DIR` writes them. Regenerate them all with
`scripts/plots.sh`; do not edit these files by hand.

Each scenario's folder holds:
- `report.html`: the whole report on one self-contained page (the description, the verdict, the
  story of the run, the charts and the summary tables);
- `goodput.svg`: per client, requests offered, attempts sent (retries included) and successes
  per second;
- `latency.svg`: per client, p99 and mean latency of the requests that succeeded;
- `service-NAME.svg`: per service, utilization and queue length, serving instances when their
  number changes (against the autoscaler's desired count when it has one), and grey lanes above
  the plots for the mechanisms that acted: instances ejected by health checks and instances
  booting (darker is more), panic mode, kills (K) and scaling decisions (an arrow to the new count);
- `service-NAME-losses.svg`: per service, attempts per second completed for a caller still waiting
  (useful), completed after the caller gave up (wasted), rejected and dropped.

Grey bands are the warmup, orange bands the timeline's faults, dashed vertical lines its steps.
A spike far above the rest of a rate chart is cut off at the top, with a triangle and its peak
value; a dark bar marked "no successes" on a latency chart is an interval where nothing
succeeded. Every latency of a report is in one unit.
Each colour has one meaning in every chart (Okabe-Ito palette; the table is in
`Sources/SatsimReport/Charts/ChartColor.swift`).
HEAD

for scenario in Scenarios/*.yaml; do
  name="$(basename "$scenario" .yaml)"
  echo "==> $scenario"
  out="$WORK/$name"
  "$BIN" run "$scenario" --out "$out" > /dev/null
  outcome="$(sed -n 's/^  "outcome": "\(.*\)",$/\1/p' "$out/summary.json")"
  mkdir -p "Plots/$name"
  find "Plots/$name" -maxdepth 1 -type f \( -name '*.svg' -o -name 'report.html' \) -delete
  cp "$out"/report.html "$out"/*.svg "Plots/$name/"
  {
    echo
    echo "## $name (outcome: $outcome)"
    echo
    echo "- [report.html]($name/report.html)"
    for svg in "Plots/$name"/*.svg; do
      file="$(basename "$svg")"
      echo "- [$file]($name/$file)"
    done
  } >> "$README"
done

# Folders of scenarios that no longer exist.
for dir in Plots/*/; do
  [ -d "$dir" ] || continue
  name="$(basename "$dir")"
  [ -f "Scenarios/$name.yaml" ] || { echo "==> removing Plots/$name (no Scenarios/$name.yaml)"; rm -rf "$dir"; }
done
cp "$README" Plots/README.md
echo "==> wrote Plots/ ($(ls Plots/*/ | grep -c -E '\.(svg|html)$') files)"
