#!/usr/bin/env bash
# `make demo`: start the bundled fixture marketplace on free loopback ports, crawl it with
# configs/demo.yaml, export the reviews as CSV and print a short summary.
#   tools/demo.sh BUILD_DIR
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=out/demo
mkdir -p "$out"
rm -f "$out"/revmine.db "$out"/revmine.db-wal "$out"/revmine.db-shm

"$build/rm-market" --products 200 --seed 1 --dump-truth "$out/truth.json" >"$out/market.out" \
  2>"$out/market.log" &
market_pid=$!
trap 'kill $market_pid 2>/dev/null; wait $market_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q '^ready' "$out/market.out" 2>/dev/null && break
  sleep 0.1
done
MARKET_URL=$(awk '/^market /{print $2}' "$out/market.out")
SOCIAL_URL=$(awk '/^social /{print $2}' "$out/market.out")
[ -n "$MARKET_URL" ] || { echo "demo: the fixture marketplace did not start" >&2; exit 1; }
export MARKET_URL SOCIAL_URL
echo "demo: fixture marketplace at $MARKET_URL, social site at $SOCIAL_URL"

"$build/revmine" check configs/demo.yaml
"$build/revmine" crawl configs/demo.yaml --db "$out/revmine.db"
"$build/revmine" export reviews --db "$out/revmine.db" --format csv --out "$out/reviews.csv"
"$build/revmine" export products --db "$out/revmine.db" --format csv --out "$out/products.csv"
"$build/revmine" export profiles --db "$out/revmine.db" --format jsonl --out "$out/profiles.jsonl"
"$build/revmine" export portraits --db "$out/revmine.db" --format jsonl --out "$out/portraits.jsonl"
"$build/revmine" report --db "$out/revmine.db" --out "$out/report.html"

echo
echo "== summary"
sqlite3 -readonly "$out/revmine.db" <<'SQL'
.mode list
.separator ": "
SELECT 'products', count(*) FROM products;
SELECT 'reviews', count(*) FROM reviews;
SELECT 'profiles', count(*) FROM profiles;
SELECT 'portraits', count(*) || ' (' || sum(profiles > 1) || ' linking several profiles)' FROM portraits;
SELECT 'stances', group_concat(stance || ' ' || n, ', ') FROM
  (SELECT stance, count(*) AS n FROM portraits WHERE stance IS NOT NULL GROUP BY stance ORDER BY n DESC);
SELECT 'mean sentiment', printf('%+.3f', avg(score)) FROM sentiment;
SELECT 'labels', group_concat(label || ' ' || n, ', ') FROM
  (SELECT label, count(*) AS n FROM sentiment GROUP BY label ORDER BY label DESC);
SELECT 'languages', group_concat(lang || ' ' || n, ', ') FROM
  (SELECT lang, count(*) AS n FROM sentiment GROUP BY lang ORDER BY n DESC);
SELECT 'most discussed aspects', group_concat(aspect || ' ' || printf('%+.2f', s), ', ') FROM
  (SELECT aspect, avg(score) AS s, count(*) AS n FROM aspects GROUP BY aspect
   ORDER BY n DESC LIMIT 5);
SQL
echo
echo "Try one text:  echo 'Доставка быстрая, но размер маломерит' | $build/revmine score --json"
echo "files: $out/revmine.db  $out/reviews.csv  $out/products.csv  $out/profiles.jsonl  $out/portraits.jsonl  $out/report.html"
