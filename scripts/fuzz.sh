#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets (Tests/Fuzz/*) and runs each for FUZZ_SECONDS, starting from
# its committed seeds (Tests/Fuzz/<target>/seeds) and saved crash inputs (Tests/Fuzz/<target>/crashes).
# What each target checks is in Tests/FuzzChecks; `make test` replays every seed and crash input through
# the same checks (RochFuzzReplayTests). A crash is written to .build-fuzz/crash-<target>-*: once fixed,
# commit the input as Tests/Fuzz/<target>/crashes/<what-it-found> so no regression brings it back.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
export ROCH_FUZZ=1
swift build --scratch-path .build-fuzz -c debug
for dir in Tests/Fuzz/*/; do
  name=$(basename "$dir")
  corpus=".build-fuzz/corpus/$name"; mkdir -p "$corpus"
  seeds="Tests/Fuzz/$name/seeds"
  crashes="Tests/Fuzz/$name/crashes"
  echo "== fuzzing $name for ${secs}s"
  .build-fuzz/debug/$name -max_total_time="$secs" -max_len=65536 -artifact_prefix=".build-fuzz/crash-$name-" "$corpus" $( [ -d "$seeds" ] && echo "$seeds" ) $( [ -d "$crashes" ] && echo "$crashes" )
done
