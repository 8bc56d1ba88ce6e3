#!/usr/bin/env node
/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the top functions by self time, and by
 * total (inclusive) time, with file:line. Usage:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --require ./bench/register.js bench/measure.ts ours 300 /tmp/out
 *   node bench/profile-top.js /tmp/prof/*.cpuprofile [--top 25]
 */
'use strict';
const fs = require('fs');
const path = require('path');

function summarize(file, top) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children || []) parent.set(c, n.id);
  // Sample time per node: deltas are the time before each sample.
  const selfUs = new Map();
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i];
    selfUs.set(id, (selfUs.get(id) || 0) + (prof.timeDeltas[i] || 0));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const key = (n) => {
    const f = n.callFrame;
    const url = f.url ? path.relative(process.cwd(), f.url.replace(/^file:\/\//, '')) : '';
    return `${f.functionName || '(anonymous)'} ${url}${url ? `:${f.lineNumber + 1}` : ''}`;
  };
  const self = new Map();
  const incl = new Map();
  for (const [id, us] of selfUs) {
    const k = key(byId.get(id));
    self.set(k, (self.get(k) || 0) + us);
    // Inclusive: count each function once per sample stack.
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const kk = key(byId.get(cur));
      if (seen.has(kk)) continue;
      seen.add(kk);
      incl.set(kk, (incl.get(kk) || 0) + us);
    }
  }
  const show = (title, m) => {
    console.log(`\n${title} (of ${(total / 1000).toFixed(0)} ms sampled)`);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
    }
  };
  console.log(`# ${file}`);
  show('Self time', self);
  show('Total time', incl);
  // Self time per source file (node_modules by package), to see which module to work on.
  const byFile = new Map();
  for (const [k, us] of self) {
    const last = k.slice(k.lastIndexOf(' ') + 1);
    let f = last.includes('/') || last.includes(':') ? last : `(${k.trim()})`;
    f = f.replace(/:\d+$/, '');
    const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f);
    if (nm) f = `node_modules/${nm[1]}`;
    byFile.set(f, (byFile.get(f) || 0) + us);
  }
  show('Self time by file', byFile);
}

const args = process.argv.slice(2);
let top = 25;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--top') top = Number(args[++i]);
  else files.push(args[i]);
}
if (files.length === 0) {
  console.error('usage: node bench/profile-top.js <file.cpuprofile>... [--top N]');
  process.exit(2);
}
for (const f of files) summarize(f, top);
