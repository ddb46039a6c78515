#!/usr/bin/env bash
# The main job: set up .venv and run ChannelWatch.
# Until the server and the simulator land, the main job is the region report: what the system
# knows about the Dover Strait and about a few well-known points of it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
CW=.venv/bin/channelwatch
$CW region info
for point in "50.6369 1.5747" "51.05 1.45" "50.98 1.55" "51.02 1.50" "51.105 1.34" "50.9513 1.8587"; do
  # shellcheck disable=SC2086
  $CW where $point
done
