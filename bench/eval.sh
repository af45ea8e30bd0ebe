#!/usr/bin/env bash
# `make eval`: revmine's sentiment scorer on the labelled sets in ../shared/data/sentiment, beside
# VADER: its published figures (Hutto & Gilbert 2014, Table 4) and, when node and npm can
# install vader-sentiment 1.1.3 into a scratch folder (BUILD/vader, never committed), VADER's
# JavaScript port run on the same rows. Skips cleanly without the data.
#   bench/eval.sh BUILD_DIR
set -u
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
data=${RM_SHARED_DATA:-$root/../shared/data}/sentiment
if [ ! -d "$data" ]; then
  echo "eval: $data not found; skipped"
  exit 0
fi
mkdir -p "$build/eval"

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
[ $have_vader -eq 1 ] || echo "eval: node/npm or vader-sentiment unavailable; VADER-js rows skipped"

# Published VADER figures: r and F1 (Table 4 of the paper).
published() {
  case "$1" in
    vader_tweets) echo "0.881 0.96" ;;
    vader_movie) echo "0.451 0.61" ;;
    vader_nyt) echo "0.492 0.55" ;;
    *) echo "" ;;
  esac
}

echo "Labels: pos >= 0.05 > neu > -0.05 >= neg. acc3/macroF1: 3 classes; binF1: macro-F1 over"
echo "pos and neg on the rows whose gold is pos or neg (a neu prediction is a miss)."
printf '%-20s %-10s %6s  %6s  %6s  %8s  %7s\n' set scorer rows r acc3 macroF1 binF1
status=0
for f in "$data"/*.tsv; do
  set_name=$(basename "$f" .tsv)
  args=("$f")
  if [ $have_vader -eq 1 ] && [[ $set_name != sentirueval* ]]; then
    if node bench/bench_nlp_vader.js "$vader_dir" score "$f" >"$build/eval/$set_name.vader"; then
      args+=("$build/eval/$set_name.vader" vader-js)
    fi
  fi
  out=$("$build/bench/eval_nlp" "${args[@]}") || { status=1; continue; }
  echo "$out"
  pub=$(published "$set_name")
  if [ -n "$pub" ]; then
    read -r pr pf <<<"$pub"
    printf '%-20s %-10s %6s  %6s  %6s  %8s  %7s\n' "$(basename "$f")" vader-paper "" "$pr" "" "" "$pf"
  fi
  # Targets: English beats VADER's published r and F1 (binF1 here); Russian macro-F1 >= 0.55.
  ours=$(echo "$out" | awk '$2 == "revmine"')
  if [ -n "$pub" ]; then
    echo "$ours" | awk -v pr="$pr" -v pf="$pf" \
      '{ printf "  target r > %s: %s; F1 > %s: %s\n", pr, ($4 > pr ? "met" : "NOT met"), pf, ($7 > pf ? "met" : "NOT met") }'
  elif [[ $set_name == sentirueval* ]]; then
    echo "$ours" | awk '{ printf "  target macroF1 >= 0.55: %s\n", ($6 >= 0.55 ? "met" : "NOT met") }'
  fi
done
# The tweets split in two by id: odd rows were used for error analysis while the scorer was
# written (the development half), even rows were not looked at (the held-out half). A rule that
# only memorised the development rows shows here as a gap between the two.
tweets=$data/vader_tweets.tsv
if [ -f "$tweets" ]; then
  echo "vader_tweets halves: dev = odd ids (looked at), held-out = even ids (not looked at)"
  for half in dev heldout; do
    parity=1
    [ $half = heldout ] && parity=0
    awk -F'\t' -v p=$parity 'NR == 1 || $1 % 2 == p' "$tweets" >"$build/eval/tweets_$half.tsv"
    args=("$build/eval/tweets_$half.tsv")
    if [ -f "$build/eval/vader_tweets.vader" ]; then
      tail -n +2 "$tweets" | paste - "$build/eval/vader_tweets.vader" |
        awk -F'\t' -v p=$parity '$1 % 2 == p { print $NF }' >"$build/eval/tweets_$half.vader"
      args+=("$build/eval/tweets_$half.vader" vader-js)
    fi
    "$build/bench/eval_nlp" "${args[@]}" || status=1
  done
fi
exit $status
