#!/usr/bin/env bash
# Russian word forms the lexicon misses: for every polar single-word entry of the ru*.tsv files
# that is a hunspell-ru headword, expand its forms with hunspell's affix rules (unmunch) and
# list the forms that match no entry. Snowball puts some forms on another stem ("подарок" /
# "подарки", "проблема" / "проблему"), and lemmas with stems under four letters match their
# written form only ("умный": "умного"). A person reads the list and copies the forms worth
# having, minus homographs, into configs/lexicons/ru_forms.tsv (see its header).
# Dev tool: needs hunspell-ru, hunspell-tools (unmunch) and python3; skips without them.
#   tools/ru_forms.sh [BUILD_DIR] > candidates.tsv      (lemma<TAB>form<TAB>valence)
set -eu
build=${1:-build}
dic=/usr/share/hunspell/ru_RU.dic
aff=/usr/share/hunspell/ru_RU.aff
if [ ! -r "$dic" ] || ! command -v unmunch >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1
then
  echo "ru_forms: needs $dic (hunspell-ru), unmunch (hunspell-tools) and python3; skipped" >&2
  exit 0
fi
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# lemma<TAB>form for each polar, stemmed (not exact) single-word entry found in the dictionary.
python3 - "$root/configs/lexicons" "$dic" "$aff" "$tmp" <<'PY'
import glob, os, subprocess, sys
lexdir, dic, aff, tmp = sys.argv[1:5]
fold = lambda w: w.replace("ё", "е")
entries = {}
for path in sorted(glob.glob(os.path.join(lexdir, "ru*.tsv"))):
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if line.startswith("#") or len(f) < 2 or " " in f[0]:
            continue
        if float(f[1]) != 0 and "exact" not in (f[2] if len(f) > 2 else ""):
            entries.setdefault(fold(f[0]), f[1])
with open(os.path.join(tmp, "pairs"), "w", encoding="utf-8") as out:
    for line in open(dic, encoding="utf-8"):
        head = line.strip().split("/")[0]
        if fold(head) not in entries:
            continue
        one = os.path.join(tmp, "one.dic")
        with open(one, "w", encoding="utf-8") as o:
            o.write("1\n" + line.strip() + "\n")
        forms = subprocess.run(["unmunch", one, aff], capture_output=True, text=True).stdout
        for form in sorted(set(forms.split())):
            out.write("%s\t%s\t%s\n" % (head, form, entries[fold(head)]))
PY
cut -f2 "$tmp/pairs" | "$build/revmine" score --lang ru --json >"$tmp/scored"
# A form that matched any entry, polar or a neutral shield, is not missing.
python3 - "$tmp/pairs" "$tmp/scored" "$root/configs/lexicons" <<'PY'
import glob, json, os, sys
pairs, scored, lexdir = sys.argv[1:4]
fold = lambda w: w.replace("ё", "е")
known = set()
for path in glob.glob(os.path.join(lexdir, "ru*.tsv")):
    for line in open(path, encoding="utf-8"):
        if not line.startswith("#") and line.strip():
            known.add(fold(line.split("\t")[0]))
seen = set()
with open(pairs, encoding="utf-8") as p, open(scored, encoding="utf-8") as s:
    for pair, result in zip(p, s):
        lemma, form, valence = pair.rstrip("\n").split("\t")
        if json.loads(result)["evidence"] or fold(form) in known or fold(form) in seen:
            continue
        seen.add(fold(form))
        print("%s\t%s\t%s" % (lemma, form, valence))
PY
