#!/usr/bin/env bash
# Builds every tests/fuzz/fuzz_*.c as a libFuzzer target (clang) and runs each for a bounded
# time on its corpus (tests/fuzz/corpus/NAME, seeds committed; new finds go to a scratch copy).
#   tests/fuzz/run.sh [SECONDS] [NAME...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
secs=${1:-30}
shift || true
bash tools/deps.sh fuzz
build=build/fuzz
make --no-print-directory BUILD=$build CC=clang OPT=-O1 \
  SAN_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
  $build/librevmine.a
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.c; do
    [ -e "$f" ] || continue
    targets+=("$(basename "$f" .c)")
  done
fi
libs="$(pkg-config --libs libcurl gumbo libxml-2.0 libpcre2-8 sqlite3 jansson yaml-0.1 libutf8proc libmicrohttpd zlib libcrypto) -lstemmer -lpthread -lm"
cflags="$(pkg-config --cflags libcurl gumbo libxml-2.0 libpcre2-8 sqlite3 jansson yaml-0.1 libutf8proc libmicrohttpd zlib libcrypto)"
status=0
for t in "${targets[@]}"; do
  bin=$build/fuzz/$t
  mkdir -p "$build/fuzz" "tests/fuzz/corpus/$t"
  # shellcheck disable=SC2086
  clang -std=c11 -D_GNU_SOURCE -g -O1 -I. $cflags -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=all -o "$bin" "tests/fuzz/$t.c" $build/librevmine.a $libs
  scratch=$(mktemp -d)
  cp -r "tests/fuzz/corpus/$t/." "$scratch/" 2>/dev/null || true
  echo "fuzz: $t for ${secs}s"
  lsan=suppressions=$root/tests/supp/lsan.supp:print_suppressions=0
  if ! ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=$lsan \
       "$bin" -max_total_time="$secs" -timeout=10 \
       -rss_limit_mb=2048 -artifact_prefix="$build/fuzz/$t-" "$scratch" \
       "tests/fuzz/corpus/$t" >"$build/fuzz/$t.log" 2>&1; then
    echo "fuzz: $t FAILED (log: $build/fuzz/$t.log)"
    tail -n 40 "$build/fuzz/$t.log"
    status=1
  else
    grep -E "^Done|stat::number_of_executed_units" "$build/fuzz/$t.log" | tail -n 1 || true
  fi
  rm -rf "$scratch"
done
exit $status
