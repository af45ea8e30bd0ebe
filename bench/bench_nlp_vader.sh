#!/usr/bin/env bash
# revmine's scorer against VADER's JavaScript port (npm vader-sentiment 1.1.3) on the same
# texts, single thread each, runs interleaved so both see the same machine load. Texts: the
# shared data when present, else generated reviews (bench_nlp --dump). The package goes into a
# scratch folder (BUILD/vader, never committed); without node, npm or the package the comparison
# is skipped and only revmine's figures are printed.
#   bench/bench_nlp_vader.sh BUILD_DIR [RUNS]
set -u
build=${1:-build}
runs=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
texts=$(mktemp)
trap 'rm -f "$texts"' EXIT
"$build/bench/bench_nlp" --dump "$texts" || exit 1
vader_dir=$build/vader
have_vader=0
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  if [ ! -f "$vader_dir/node_modules/vader-sentiment/package.json" ]; then
    timeout 180 npm install --prefix "$vader_dir" --no-audit --no-fund --silent \
      vader-sentiment@1.1.3 \
      >/dev/null 2>&1 || true
  fi
  [ -f "$vader_dir/node_modules/vader-sentiment/package.json" ] && have_vader=1
fi
ours=()
theirs=()
for ((r = 0; r < runs; r++)); do
  ours+=("$("$build/bench/bench_nlp" --texts "$texts" 1 | awk '/^median_s/ {print $2}')")
  if [ $have_vader -eq 1 ]; then
    # The first of VADER's runs warms up V8's JIT; the second is timed.
    theirs+=("$(node bench/bench_nlp_vader.js "$vader_dir" bench "$texts" 2 | tail -n 1 |
      awk '{print $1}')")
  fi
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
n=$(wc -l <"$texts")
bytes=$(wc -c <"$texts")
mo=$(median "${ours[@]}")
printf 'same %d texts (%.2f MB), one thread, median of %d interleaved runs\n' "$n" \
  "$(calc "$bytes / 1000000")" "$runs"
printf '  %-22s %10s %10s %12s\n' scorer "median s" "MB/s" "reviews/s"
printf '  %-22s %10.4f %10.2f %12.0f\n' "revmine (C)" "$mo" "$(calc "$bytes / 1000000 / $mo")" \
  "$(calc "$n / $mo")"
if [ $have_vader -eq 1 ]; then
  mv=$(median "${theirs[@]}")
  printf '  %-22s %10.4f %10.2f %12.0f\n' "vader-sentiment 1.1.3" "$mv" \
    "$(calc "$bytes / 1000000 / $mv")" "$(calc "$n / $mv")"
  printf '  speed-up: %.1fx (target >= 20x)\n' "$(calc "$mv / $mo")"
else
  echo "  vader-sentiment: node, npm or the package unavailable; comparison skipped"
fi
