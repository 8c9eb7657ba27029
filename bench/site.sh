#!/usr/bin/env bash
# Site build: roch vs Hugo on the same generated 10,000-page corpus, in the same run, plus the
# one-page incremental rebuild of `roch build --watch`. Uses .build/release/roch (scripts/bench.sh
# builds it). PAGES=n to change the size; RUNS=n for more repetitions (best run is reported).
set -euo pipefail
cd "$(dirname "$0")/.."
roch=${ROCH:-.build/release/roch}
pages=${PAGES:-10000}
runs=${RUNS:-3}
[ -x "$roch" ] || { echo "bench/site.sh: $roch is missing; run: swift build -c release --static-swift-stdlib" >&2; exit 1; }
command -v hugo >/dev/null || { echo "bench/site.sh: hugo is not installed (make deps)" >&2; exit 1; }

work=$(mktemp -d /tmp/roch-site-bench.XXXXXX)
watch_pid=""
cleanup() { [ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

python3 bench/site_corpus.py "$work/corpus" "$pages"
echo "cores: $(nproc); hugo: $(hugo version | cut -d' ' -f1-2)"

best() { sort -n | head -1; }
now() { date +%s.%N; }

roch_times=()
for i in $(seq "$runs"); do
  rm -rf "$work/out-roch"
  t0=$(now)
  "$roch" build --content "$work/corpus/content" --site "$work/corpus/site" --out "$work/out-roch" >"$work/roch.log" 2>&1 \
    || { cat "$work/roch.log"; exit 1; }
  t1=$(now)
  roch_times+=("$(echo "$t1 - $t0" | bc)")
done
hugo_times=()
for i in $(seq "$runs"); do
  rm -rf "$work/out-hugo" "$work/corpus/resources"
  t0=$(now)
  hugo --source "$work/corpus" --destination "$work/out-hugo" --quiet >"$work/hugo.log" 2>&1 || { cat "$work/hugo.log"; exit 1; }
  t1=$(now)
  hugo_times+=("$(echo "$t1 - $t0" | bc)")
done
roch_best=$(printf '%s\n' "${roch_times[@]}" | best)
hugo_best=$(printf '%s\n' "${hugo_times[@]}" | best)
roch_files=$(find "$work/out-roch" -name index.html | wc -l)
hugo_files=$(find "$work/out-hugo" -name index.html | wc -l)
echo "roch build: ${roch_best}s (runs: ${roch_times[*]}), $roch_files pages; $(tail -1 "$work/roch.log")"
echo "hugo build: ${hugo_best}s (runs: ${hugo_times[*]}), $hugo_files pages"
echo "ratio roch/hugo: $(echo "scale=3; $roch_best / $hugo_best" | bc)"

# Incremental: keep `roch build --watch` running, edit one page, time until its output changes.
"$roch" build --watch --content "$work/corpus/content" --site "$work/corpus/site" --out "$work/out-watch" >"$work/watch.log" 2>&1 &
watch_pid=$!
python3 - "$work" <<'PY'
import os, re, statistics, sys, time
work = sys.argv[1]
log = os.path.join(work, "watch.log")
deadline = time.time() + 120
while "watching" not in open(log).read():
    if time.time() > deadline:
        sys.exit("roch build --watch did not start:\n" + open(log).read())
    time.sleep(0.05)
src = os.path.join(work, "corpus/content/section-07/page-0123.md")
out = os.path.join(work, "out-watch/section-07/page-0123/index.html")
walls, reported = [], []
for i in range(7):
    before = open(out).read()
    marker = f"edit-{i}-{time.time()}"
    text = open(src).read()
    t0 = time.perf_counter()
    with open(src, "w") as f:
        f.write(text + f"\nOne more line: {marker}\n")
    while True:
        try:
            now = open(out).read()
        except FileNotFoundError:
            now = before
        if marker in now:
            break
        if time.perf_counter() - t0 > 30:
            sys.exit("the edit never reached the output:\n" + open(log).read()[-2000:])
        time.sleep(0.0005)
    walls.append((time.perf_counter() - t0) * 1000)
    time.sleep(0.3)  # let the watcher settle and print its line
lines = re.findall(r"rebuilt (\d+) pages .* in ([\d.]+) ms", open(log).read())
reported = [float(ms) for _, ms in lines]
full = open(log).read().count("full rebuild")
print(f"incremental one-page edit (10,000 pages): median {statistics.median(walls):.1f} ms from save to new output "
      f"(includes 10 ms debounce; all: {', '.join(f'{w:.0f}' for w in walls)}); "
      f"roch reports median {statistics.median(reported) if reported else float('nan'):.1f} ms of work, "
      f"{lines[0][0] if lines else '?'} pages rewritten per edit, {full} full rebuilds")
PY
