#!/usr/bin/env bash
# Regenerates the committed example reports of the four design-card scenarios:
#   bash reports/regenerate-examples.sh
# Only summary.md and the SVG charts of each are committed (see .gitignore); the same seed
# always gives the same bytes, so a diff after running this shows a real change of behaviour.
set -euo pipefail
cd "$(dirname "$0")/.."
examples=(
  "after-hours-inflow:scenarios/after-hours/night-inflow.yaml"
  "all-agents-on-break:scenarios/all-on-break/break-intake-n.yaml"
  "capacity-limits:scenarios/capacity-limits/w4-under-load.yaml"
  "profile-bot-holds:scenarios/profile-bot/keep-waiting.yaml"
)
cargo build --release --quiet
for pair in "${examples[@]}"; do
  name=${pair%%:*}
  file=${pair#*:}
  target/release/consult-sim run "$file" --quiet --out "reports/examples/$name"
done
