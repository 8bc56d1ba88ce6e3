#!/usr/bin/env node
/**
 * A/B comparison of two checkouts on one fleet size, for judging an optimization on a busy
 * machine: runs bench/measure.ts of each tree alternately, several times, and prints the
 * minimum and median of wall, CPU and each phase.
 *
 *   node bench/ab.js <treeA> <treeB> [--sites 1000] [--runs 5] [--tmp /dev/shm]
 *
 * Each tree needs its own lib/ and bench/ (a copy of the working tree, node_modules linked).
 */
'use strict';
/** How a tree's measure.ts is loaded: its bench/register.js (bin/transpile.js), or tsx in older trees. */
const loaderOf = (tree) => (require('fs').existsSync(require('path').join(tree, 'bench', 'register.js')) ? require('path').join(tree, 'bench', 'register.js') : 'tsx/cjs');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const args = process.argv.slice(2);
const trees = [];
let sites = 1000;
let runs = 5;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--sites') sites = Number(args[++i]);
  else if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--tmp') i++;
  else trees.push(path.resolve(args[i]));
}
if (trees.length !== 2) {
  console.error('usage: node bench/ab.js <treeA> <treeB> [--sites N] [--runs N]');
  process.exit(2);
}

const tmpAt = args.indexOf('--tmp');
const work = fs.mkdtempSync(path.join(tmpAt >= 0 ? args[tmpAt + 1] : os.tmpdir(), 'cdkbsd-ab-'));
const results = trees.map(() => []);
try {
  for (let r = 0; r < runs; r++) {
    trees.forEach((tree, t) => {
      const out = path.join(work, `out-${t}-${r}`);
      const p = spawnSync(process.execPath, ['--require', loaderOf(tree), path.join(tree, 'bench', 'measure.ts'), 'ours', String(sites), out], {
        cwd: tree, encoding: 'utf8', env: { ...process.env, CDKBSD_NO_DIAGRAM: '1' },
      });
      if (p.status !== 0) throw new Error(`${tree}: ${p.stderr}`);
      results[t].push(JSON.parse(p.stdout.trim().split('\n').pop()));
      fs.rmSync(out, { recursive: true, force: true });
    });
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

const keys = ['wallMs', 'cpuMs', 'constructMs', 'validateMs', 'renderMs', 'writeMs', 'maxRssKiB'];
const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)] };
};
console.log(`sites ${sites}, ${runs} runs each (min / median)`);
for (const k of keys) {
  const [a, b] = results.map((rs) => stat(rs.map((x) => x[k])));
  const unit = k === 'maxRssKiB' ? 1024 : 1;
  const f = (x) => (x / unit).toFixed(0).padStart(7);
  console.log(`${k.padEnd(12)} A ${f(a.min)} / ${f(a.median)}   B ${f(b.min)} / ${f(b.median)}   B/A (median) ${(b.median / a.median).toFixed(2)}`);
}
