# Sourced by bench/compare.sh and bench/ab.sh: starts the fixture marketplace (BUILD_DIR's
# rm-market, PRODUCTS products of PAD_KB KB pages) on loopback, waits until it is ready and
# exports MARKET_URL and SOCIAL_URL. Sets work (a scratch folder) and srv (the server's pid);
# both go at exit.
#   start_market BUILD_DIR PRODUCTS PAD_KB
start_market() {
  work=$(mktemp -d)
  "$1/rm-market" --products "$2" --pad-kb "$3" --threads 2 >"$work/market.out" 2>/dev/null &
  srv=$!
  trap 'kill $srv 2>/dev/null; rm -rf "$work"' EXIT
  for _ in $(seq 1 100); do grep -q '^ready' "$work/market.out" && break; sleep 0.1; done
  MARKET_URL=$(awk '/^market /{print $2}' "$work/market.out")
  SOCIAL_URL=$(awk '/^social /{print $2}' "$work/market.out")
  export MARKET_URL SOCIAL_URL
}
