#!/usr/bin/env bash
# `make bench`: runs every benchmark program (build/bench/bench_*) and script (bench/bench_*.sh)
# in name order. Each prints its own table of medians and ratios measured in the same run.
#   bench/run.sh BUILD_DIR [NAME...]
set -u
build=${1:-build}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export RM_ROOT=$root RM_BIN_DIR=$root/$build
export RM_SHARED_DATA=${RM_SHARED_DATA:-$root/../shared/data}
status=0
want=("$@")
for b in "$build"/bench/bench_* bench/bench_*.sh; do
  [ -e "$b" ] || continue
  name=$(basename "$b" .sh)
  if [ ${#want[@]} -gt 0 ] && [[ ! " ${want[*]} " =~ " $name " ]]; then
    continue
  fi
  echo "== $name"
  case "$b" in
    *.sh) bash "$b" "$build" || status=1 ;;
    *) "$b" || status=1 ;;
  esac
  echo
done
exit $status
