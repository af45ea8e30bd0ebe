#!/usr/bin/env bash
# Runs the test binaries of one build variant: unit tests (test_*) first, then integration
# tests (it_*). Each has a time bound; the script fails when any test fails.
#   tests/run.sh BUILD_DIR [unit|integration|all]
set -u
build=${1:-build}
what=${2:-all}
root=$(cd "$(dirname "$0")/.." && pwd)
export RM_ROOT=$root
export RM_BIN_DIR=$root/$build
export RM_SHARED_DATA=${RM_SHARED_DATA:-$root/../shared/data}
cd "$root"

run_one() {
  local bin=$1 limit=$2 name
  name=$(basename "$bin")
  local start=$SECONDS
  if [ -n "${RM_VALGRIND:-}" ]; then
    timeout "$((limit * 20))" valgrind -q --error-exitcode=99 --leak-check=full \
      --suppressions="$root/tests/supp/valgrind.supp" \
      --errors-for-leak-kinds=definite,indirect "$bin" >"$tmp/$name.log" 2>&1
  else
    timeout "$limit" "$bin" >"$tmp/$name.log" 2>&1
  fi
  local rc=$?
  if [ $rc -eq 0 ]; then
    printf 'ok    %-28s %3ds\n' "$name" "$((SECONDS - start))"
  else
    printf 'FAIL  %-28s rc=%d\n' "$name" "$rc"
    sed 's/^/      /' "$tmp/$name.log" | tail -n 60
    failed+=("$name")
  fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=()
count=0
if [ "$what" != integration ]; then
  for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    run_one "$t" 120
    count=$((count + 1))
  done
fi
if [ "$what" != unit ]; then
  for t in "$build"/tests/it_*; do
    [ -x "$t" ] || continue
    run_one "$t" 600
    count=$((count + 1))
  done
fi
if [ ${#failed[@]} -ne 0 ]; then
  echo "tests: ${#failed[@]} of $count failed: ${failed[*]}"
  exit 1
fi
echo "tests: all $count passed"
