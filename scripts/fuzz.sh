#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets (Tests/Fuzz/*) and runs each for FUZZ_SECONDS.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
export ROCH_FUZZ=1
swift build --scratch-path .build-fuzz -c debug
for dir in Tests/Fuzz/*/; do
  name=$(basename "$dir")
  corpus=".build-fuzz/corpus/$name"; mkdir -p "$corpus"
  seeds="Tests/Fuzz/$name/seeds"
  echo "== fuzzing $name for ${secs}s"
  .build-fuzz/debug/$name -max_total_time="$secs" -max_len=65536 -artifact_prefix=".build-fuzz/crash-$name-" "$corpus" $( [ -d "$seeds" ] && echo "$seeds" )
done
