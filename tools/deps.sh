#!/usr/bin/env bash
# Installs the Debian packages revmine needs, and nothing when they are all present.
# Non-interactive and idempotent: safe to run before every build.
set -euo pipefail

PKGS=(
  build-essential pkg-config
  libcurl4-openssl-dev libgumbo-dev libxml2-dev libpcre2-dev libsqlite3-dev
  libjansson-dev libyaml-dev libstemmer-dev libutf8proc-dev libmicrohttpd-dev zlib1g-dev libssl-dev
  libcmocka-dev sqlite3 python3
  chromium  # tests/it_report.c renders the HTML report headless and inspects a screenshot
)
# Extra groups, installed only when asked: `tools/deps.sh fuzz`, `tools/deps.sh bench`.
case "${1:-}" in
  fuzz) PKGS+=(clang libclang-rt-14-dev) ;;
  bench) PKGS+=(python3-scrapy wget2) ;;
esac

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
SUDO=
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
