#!/usr/bin/env bash
# Lexicon audit: which dictionary words does an English lexicon entry match through its stem?
# Snowball gives derived words the stem of their root, and the written-form guard lets some
# through whose sense is not the root's ("political" matched "polite", "contents" matched
# "content"). This lists every match of a dictionary word to an entry written differently,
# derived forms first, so a person can read them and shield the wrong ones in en_rules.tsv.
# Dev tool: needs a word list (Debian package wamerican) and python3; skips without them.
#   tools/lex_audit.sh [BUILD_DIR] [WORDLIST]
set -eu
build=${1:-build}
words=${2:-/usr/share/dict/american-english}
if [ ! -r "$words" ] || ! command -v python3 >/dev/null 2>&1; then
  echo "lex_audit: needs $words (apt-get install wamerican) and python3; skipped"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Lower-case words without apostrophes: proper names and possessives are not lexicon material.
grep -v "'" "$words" | grep -v '^[A-Z]' | sort -u >"$tmp/words"
"$build/revmine" score --lang en --json <"$tmp/words" >"$tmp/scored"
python3 - "$tmp/words" "$tmp/scored" <<'EOF'
import json, re, sys

# Endings that keep a word's sense: inflections, -ly adverbs, -ness nouns.
keep = re.compile(r'^(s|es|ed|d|ing|ings|er|ers|est|ly|ally|y|ies|ied|ier|iest|ily|iness|'
                  r'ness|nesses|e|ely|ment|ments)$')

def ending(term, word):
    base = term[:-1] if len(term) > 3 and term[-1] in 'ey' else term
    if not word.startswith(base):
        return None
    s = word[len(base):]
    if len(s) > 1 and s[0] == base[-1] and keep.match(s[1:]):
        s = s[1:]                      # a doubled final consonant: "bragged"
    return s

derived, inflected = [], []
with open(sys.argv[1]) as w, open(sys.argv[2]) as o:
    for word, line in zip(w, o):
        word = word.strip()
        for e in json.loads(line)['evidence']:
            term = e['term']
            if term == word or ' ' in term:
                continue
            s = ending(term, word)
            row = '%s\t%s\t%.1f' % (term, word, e['valence'])
            (inflected if s is not None and keep.match(s) else derived).append(row)
print('# derived: the ending is not an inflection; read each')
print('\n'.join(derived))
print('# inflected: same sense as a rule; plural nouns of adjectives ("contents") are not')
print('\n'.join(inflected))
EOF
