// VADER's JavaScript port (npm vader-sentiment 1.1.3) on the same texts as revmine, for
// `make eval` and `make bench`. Not part of revmine: the package is installed into a scratch
// folder by the calling script, never committed.
//   node bench_nlp_vader.js MODULE_DIR score FILE.tsv   compound per data row (header skipped)
//   node bench_nlp_vader.js MODULE_DIR bench FILE RUNS  one text per line; prints seconds per run
'use strict';
const fs = require('fs');
const path = require('path');

const [moduleDir, mode, file, runsArg] = process.argv.slice(2);
const vader = require(path.resolve(moduleDir, 'node_modules', 'vader-sentiment'));
const score = (t) => vader.SentimentIntensityAnalyzer.polarity_scores(t).compound;
const lines = fs.readFileSync(file, 'utf8').split('\n');

if (mode === 'score') {
  const out = [];
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const f = line.split('\t');
    out.push(score(f.slice(3).join('\t')).toFixed(4));
  }
  process.stdout.write(out.join('\n') + '\n');
} else if (mode === 'bench') {
  const texts = lines.filter((l) => l.length > 0);
  const runs = Number(runsArg) || 3;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    let sink = 0;
    for (const t of texts) sink += score(t);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    process.stdout.write(`${secs.toFixed(6)} ${sink.toFixed(2)}\n`);
  }
} else {
  process.stderr.write('usage: bench_nlp_vader.js MODULE_DIR score|bench FILE [RUNS]\n');
  process.exit(2);
}
