#!/usr/bin/env bash
# A/B of revmine builds on the bench site: the builds crawl one fixture marketplace in turn
# (alternating, so machine noise hits them alike) and the medians are printed side by side.
# How every crawl-speed change of the project was judged; figures in commit messages come
# from here.
#   bench/ab.sh RUNS BIN [BIN...]     e.g. bench/ab.sh 5 /tmp/revmine-before build/revmine
#   env: PRODUCTS (1700), PAD_KB (30), BUILD (build)
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: bench/ab.sh RUNS BIN [BIN...]" >&2; exit 2; }
runs=$1; shift
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
. "$root/bench/market_env.sh"
start_market "$build" "${PRODUCTS:-1700}" "${PAD_KB:-30}"
for _ in $(seq 1 "$runs"); do
  for i in $(seq 1 $#); do
    bin=${!i}
    rm -f "$work"/r.db*
    m=$("$build/bench/measure" "$bin" crawl "$root/bench/crawl.yaml" --db "$work/r.db" \
          --quiet 2>&1 >/dev/null | awk '/^measure:/{print $2, $3, $4}')
    pages=$(sqlite3 "$work/r.db" "SELECT pages FROM runs")
    echo "$i $m $pages" >>"$work/res"
  done
done
python3 - "$work/res" "$@" <<'PY'
import statistics as S, sys
rows = {}
for line in open(sys.argv[1]):
    i, wall, cpu, rss, pages = line.split()
    rows.setdefault(int(i), []).append((float(wall), float(cpu), int(rss), int(pages)))
print("| build | pages | pages/s | CPU ms/page | peak RSS MB |")
print("| --- | --- | --- | --- | --- |")
for i, v in sorted(rows.items()):
    print(f"| {sys.argv[1 + i]} | {S.median(x[3] for x in v):.0f} "
          f"| {S.median(x[3] / x[0] for x in v):.0f} "
          f"| {S.median(x[1] * 1000 / x[3] for x in v):.3f} "
          f"| {S.median(x[2] for x in v) / 1024:.0f} |")
PY
