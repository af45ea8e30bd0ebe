#!/usr/bin/env bash
# `make bench-compare`: revmine, Scrapy (Debian's python3-scrapy, bench/scrapy_spider.py) and
# wget2 (raw recursive fetch, 16 threads) on the same fixture marketplace in one run.
# Prints pages/s, CPU ms per page and peak RSS per tool (each the median of RUNS runs, every
# run's figures below) and the ratios of the medians.
#   bench/compare.sh BUILD_DIR          env: PRODUCTS (1700), PAD_KB (30), RUNS (5)
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash tools/deps.sh bench
products=${PRODUCTS:-1700} pad=${PAD_KB:-30} runs=${RUNS:-5}
. bench/market_env.sh
start_market "$build" "$products" "$pad"

# Requests the two sites answered, control requests excluded.
served() {
  curl -s "$MARKET_URL/_control/stats" | python3 -c 'import json,sys
d=json.load(sys.stdin)
print(sum(v for k,v in d["classes"].items() if k!="control"))'
}

# run NAME CMD...: one measured run; appends "pages wall cpu rss" to $work/NAME
run() {
  local name=$1; shift
  local before after
  before=$(served)
  local rc=0
  "$build/bench/measure" "$@" >/dev/null 2>"$work/$name.err" || rc=$?
  # wget2 exits 8 when any response was an error status (the site links a few 404s).
  if [ $rc -ne 0 ] && ! { [ "$name" = wget2 ] && [ $rc -eq 8 ]; }; then
    echo "compare: $name failed ($rc):"; tail -5 "$work/$name.err"; exit 1
  fi
  after=$(served)
  echo "$((after - before)) $(awk '/^measure:/{print $2, $3, $4}' "$work/$name.err")" >>"$work/$name"
}

for i in $(seq 1 "$runs"); do
  rm -f "$work"/r.db*
  run revmine "$build/revmine" crawl bench/crawl.yaml --db "$work/r.db" --quiet
  rm -rf "$work/wget"
  run wget2 wget2 --recursive --max-threads=16 --quiet -P "$work/wget" --filter-urls \
    --reject-regex '/events/|/tag/|[?&](sort|utm_[a-z]+)=|/cart|/search|/img/|\.(jpg|png|svg)' \
    --level=inf --robots=on "$MARKET_URL/"
  rm -f "$work/items.jsonl"
  run scrapy /usr/bin/python3 -m scrapy runspider bench/scrapy_spider.py -o "$work/items.jsonl:jsonlines"
  echo "compare: run $i of $runs done" >&2
done

python3 - "$work" <<'PY'
import statistics, sys
work = sys.argv[1]
rows = {}
# Each figure is its own median over the runs (the run with the median rate need not have the
# median CPU); every run's figures follow the table, so the spread is visible.
per_run = {}
for name in ("revmine", "scrapy", "wget2"):
    runs = [list(map(float, l.split())) for l in open(f"{work}/{name}")]
    per_run[name] = [(p, p / wall, cpu * 1000 / p, rss / 1024) for p, wall, cpu, rss in runs]
    rows[name] = tuple(statistics.median(r[k] for r in per_run[name]) for k in range(4))
print("| tool | pages | pages/s | CPU ms/page | peak RSS MB |")
print("| --- | --- | --- | --- | --- |")
for name, (pages, rate, cpu, rss) in rows.items():
    print(f"| {name} | {pages:.0f} | {rate:.0f} | {cpu:.2f} | {rss:.0f} |")
print()
for name, runs in per_run.items():
    print(f"{name} runs: pages/s " + ", ".join(f"{r[1]:.0f}" for r in runs) +
          "; CPU ms/page " + ", ".join(f"{r[2]:.2f}" for r in runs))
r, s, w = rows["revmine"], rows["scrapy"], rows["wget2"]
print()
print(f"revmine vs Scrapy: {r[1] / s[1]:.1f}x the pages/s, {s[2] / r[2]:.1f}x less CPU per page")
print(f"revmine vs wget2 (fetch only, market site only): {r[1] / w[1]:.2f}x its pages/s")
PY
