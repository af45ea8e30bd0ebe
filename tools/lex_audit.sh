#!/usr/bin/env bash
# Lexicon audit: which dictionary words does a lexicon entry match through its stem?
# Snowball gives derived words the stem of their root, and the English written-form guard lets
# some through whose sense is not the root's ("political" matched "polite", "contents" matched
# "content"); Russian stems have no guard ("дорога" matched "дорогой", "порт" "портить"). This
# lists every dictionary word that matched an entry written otherwise, so a person can read
# them and shield the wrong ones with exact neutral entries in en_rules.tsv or ru_rules.tsv.
# English lists derived endings first; Russian uses the hunspell headwords (lemmas) only.
# Dev tool: needs a word list (Debian package wamerican, or hunspell-ru for ru) and python3;
# skips without them.
#   tools/lex_audit.sh [en|ru] [BUILD_DIR]
set -eu
lang=${1:-en}
build=${2:-build}
case $lang in
  en) words=/usr/share/dict/american-english pkg=wamerican ;;
  ru) words=/usr/share/hunspell/ru_RU.dic pkg=hunspell-ru ;;
  *) echo "usage: tools/lex_audit.sh [en|ru] [BUILD_DIR]" >&2; exit 2 ;;
esac
if [ ! -r "$words" ] || ! command -v python3 >/dev/null 2>&1; then
  echo "lex_audit: needs $words (apt-get install $pkg) and python3; skipped"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Lower-case words only: proper names and possessives are not lexicon material.
python3 -c '
import re, sys
lang, path = sys.argv[1], sys.argv[2]
pat = re.compile(r"[a-z]+" if lang == "en" else r"[а-яё-]+")
ws = set()
with open(path, encoding="utf-8", errors="replace") as f:
    for line in f:
        w = line.strip().split("/")[0]  # hunspell: word/FLAGS
        if pat.fullmatch(w):
            ws.add(w)
print("\n".join(sorted(ws)))
' "$lang" "$words" >"$tmp/words"
"$build/revmine" score --lang "$lang" --json <"$tmp/words" >"$tmp/scored"

python3 -c '
import json, re, sys

# Endings that keep an English word sense: inflections, -ly adverbs, -ness nouns.
keep = re.compile(r"^(s|es|ed|d|ing|ings|er|ers|est|ly|ally|y|ies|ied|ier|iest|ily|iness|"
                  r"ness|nesses|e|ely|ment|ments)$")

def ending(term, word):
    base = term[:-1] if len(term) > 3 and term[-1] in "ey" else term
    if not word.startswith(base):
        return None
    s = word[len(base):]
    if len(s) > 1 and s[0] == base[-1] and keep.match(s[1:]):
        s = s[1:]  # a doubled final consonant: "bragged"
    return s

ru = sys.argv[3] == "ru"
derived, inflected = [], []
with open(sys.argv[1]) as w, open(sys.argv[2]) as o:
    for word, line in zip(w, o):
        word = word.strip()
        for e in json.loads(line)["evidence"]:
            term = e["term"]
            if " " in term or term.replace("ё", "е") == word.replace("ё", "е"):
                continue
            row = "%s\t%s\t%.1f" % (term, word, e["valence"])
            s = None if ru else ending(term, word)
            (inflected if s is not None and keep.match(s) else derived).append(row)
if ru:
    print("# headwords matched to an entry of another lemma: read each")
    print("\n".join(derived))
else:
    print("# derived: the ending is not an inflection; read each")
    print("\n".join(derived))
    print("# inflected: the same sense as a rule; plural nouns of adjectives are not (contents)")
    print("\n".join(inflected))
' "$tmp/words" "$tmp/scored" "$lang"
