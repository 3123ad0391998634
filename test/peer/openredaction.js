// Runs @openredaction/openredaction over a corpus JSONL and writes score.py predictions (text form).
// usage: node openredaction.js CORPUS.jsonl PRED.jsonl [REPEAT]
// Prints one JSON line of throughput figures, measured after a warm-up pass over the corpus.
'use strict';
const fs = require('fs');
const path = require('path');

function load() {
  // The package is installed in a temporary directory given by PEER_MODULES.
  const dir = process.env.PEER_MODULES;
  const req = dir ? require('module').createRequire(path.join(dir, 'package.json')) : require;
  try {
    return { name: '@openredaction/openredaction', redact: makeOpenRedaction(req('@openredaction/openredaction')) };
  } catch (e) {
    return { name: '@arcjet/redact', redact: makeArcjet(req('@arcjet/redact')) };
  }
}

function makeOpenRedaction(mod) {
  const shield = new mod.OpenRedaction();
  return (text) => shield.detect(text).redacted;
}

function makeArcjet(mod) {
  // @arcjet/redact is asynchronous; this runner handles it with await below.
  return async (text) => { const [red] = await mod.redact(text); return red; };
}

async function main() {
  const [corpus, out, repeatArg] = process.argv.slice(2);
  const repeat = Number(repeatArg || 5);
  const rows = fs.readFileSync(corpus, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  const peer = load();
  const preds = [];
  for (const r of rows) { // warm-up pass, also the predictions
    let red = peer.redact(r.text);
    if (red && typeof red.then === 'function') red = await red;
    preds.push(JSON.stringify({ id: r.id, text: red }));
  }
  fs.writeFileSync(out, preds.join('\n') + '\n');
  const bytes = rows.reduce((n, r) => n + Buffer.byteLength(r.text, 'utf8'), 0);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let k = 0; k < repeat; k++) {
    for (const r of rows) {
      const red = peer.redact(r.text);
      if (red && typeof red.then === 'function') await red;
    }
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cu = process.cpuUsage(c0);
  const cpu = (cu.user + cu.system) / 1e6;
  const n = rows.length * repeat;
  console.log(JSON.stringify({
    peer: peer.name, messages: n, wall_s: wall, cpu_s: cpu,
    msgs_per_s_wall: n / wall, msgs_per_s_cpu: n / cpu, mb_per_s_cpu: bytes * repeat / cpu / 1e6,
  }));
}

main().catch((e) => { console.error(e); process.exit(1); });
