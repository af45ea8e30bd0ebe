#!/usr/bin/env bash
# Agreement of zero-config extraction with extruct (python3-extruct) on the page corpus, per
# field kind. Skips when no python3 can import extruct (it is no project dependency:
# `apt-get install python3-extruct` to run it).
#   bench/bench_extract_accuracy.sh BUILD_DIR
set -u
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
py=
for cand in python3 /usr/bin/python3; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import extruct' 2>/dev/null; then
    py=$cand
    break
  fi
done
if [ -z "$py" ]; then
  echo "skipped: python3-extruct is not installed"
  exit 0
fi
exec "$py" "$root/bench/extruct_compare.py" "$root/$build/revmine" \
  "$root/tests/fixtures/extract/pages"
