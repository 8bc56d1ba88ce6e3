#!/usr/bin/env node
/**
 * Startup benchmark of the CLI: wall time of a whole `synth` of the main example
 * (examples/ha-reverse-proxy/main.ts), process start to exit, N runs each, min and median.
 * Target (issue 6): a cold `npx synth` of the main example in at most 0.8 s.
 *
 *   node bench/cli-startup.js               # every scenario, 5 runs each
 *   node bench/cli-startup.js --runs 9      # more runs
 *   node bench/cli-startup.js --no-packed   # skip the installed-package scenarios (they pack first, ~15 s)
 *   node bench/cli-startup.js --json FILE   # also write the raw timings
 *
 * Scenarios:
 *   checkout    node bin/synth / npx synth in this repository: the TypeScript sources of lib/
 *               run through bin/transpile.js (its cache, and the SVG cache, warm after one
 *               untimed run).
 *   tsx-cold    node bin/synth with an empty cache (a fresh TMPDIR per run): the first
 *               synth after a clone or an edit of every file.
 *   packed      a fresh project (as `cdkbsd init` makes it) that installed this package from
 *               `npm pack` (compiled JavaScript), with the main example as its main.ts:
 *               `npx synth` and `node node_modules/.bin/synth`, as a user runs them.
 * Each with and without the topology diagram (--no-diagram), since its SVG rendering
 * (Graphviz compiled to WebAssembly, in a worker thread) is the largest single cost.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const EXAMPLE = path.join(ROOT, 'examples', 'ha-reverse-proxy', 'main.ts');
const TARGET_S = 0.8;

function parseArgs(argv) {
  const o = { runs: 5, packed: true, json: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--no-packed') o.packed = false;
    else if (a === '--json') o.json = argv[++i];
    else {
      console.error(`unknown argument ${a}\nusage: node bench/cli-startup.js [--runs N] [--no-packed] [--json FILE]`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(o.runs) || o.runs < 1) {
    console.error('--runs takes a positive integer');
    process.exit(2);
  }
  return o;
}

function cleanEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  for (const k of ['FORCE_COLOR', 'CDKBSD_OUTDIR', 'CDKBSD_NO_DIAGRAM', 'NODE_OPTIONS']) if (!(k in extra)) delete env[k];
  return env;
}

/** Runs a command once and returns its wall time in seconds (throws when it fails). */
function timeOnce(cmd, args, cwd, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return s;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Times `runs` runs (after one untimed warm-up unless `cold`, where `prepare` runs before each). */
function measure(name, cmd, args, cwd, { runs, env = cleanEnv(), prepare, warmup = true }) {
  if (warmup) timeOnce(cmd, args, cwd, prepare ? prepare() : env);
  const times = [];
  for (let i = 0; i < runs; i++) times.push(timeOnce(cmd, args, cwd, prepare ? prepare() : env));
  const row = { name, command: `${path.basename(cmd)} ${args.join(' ')}`, runs: times, min: Math.min(...times), median: median(times) };
  console.log(`${name.padEnd(44)} min ${row.min.toFixed(3)} s   median ${row.median.toFixed(3)} s   ${row.median <= TARGET_S ? 'ok' : 'OVER'}`);
  return row;
}

function run(cmd, args, cwd, timeout = 180_000) {
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** A fresh project with this package installed from `npm pack` and the main example as main.ts. */
function packedProject(tmp) {
  const copy = path.join(tmp, 'package-copy');
  fs.mkdirSync(copy);
  for (const f of ['lib', 'bin', 'package.json', 'tsconfig.json', 'README.md', '.npmignore']) {
    if (fs.existsSync(path.join(ROOT, f))) fs.cpSync(path.join(ROOT, f), path.join(copy, f), { recursive: true });
  }
  if (spawnSync('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules')]).status !== 0) {
    fs.cpSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), { recursive: true });
  }
  run(process.execPath, [path.join(ROOT, 'node_modules', 'jsii', 'bin', 'jsii'), '--silence-warnings=reserved-word'], copy);
  const tarball = path.join(tmp, run('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp], copy).trim().split('\n').pop());
  const project = path.join(tmp, 'project');
  run(process.execPath, [path.join(copy, 'bin', 'cdkbsd'), 'init', project], tmp);
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], project);
  const example = fs.readFileSync(EXAMPLE, 'utf8').replace(/from '\.\.\/\.\.\/lib(\/index)?'/g, "from 'cdkbsd'");
  fs.writeFileSync(path.join(project, 'main.ts'), example);
  return project;
}

function machine() {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0] ? cpus[0].model.trim() : 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
    `${os.type()} ${os.release()}, node ${process.version}`;
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-cli-bench-'));
  const rows = [];
  try {
    console.log(`# synth startup, ${o.runs} runs each (wall time, process start to exit); target ≤ ${TARGET_S} s`);
    console.log(`# ${machine()}`);
    const base = measure('node -e 0 (node alone)', process.execPath, ['-e', '0'], ROOT, { runs: o.runs });
    rows.push(base);
    const out = path.join(tmp, 'out');
    const bin = path.join(ROOT, 'bin', 'synth');
    for (const diagram of [true, false]) {
      const flags = ['--out', out, '--quiet', ...(diagram ? [] : ['--no-diagram'])];
      const tag = diagram ? '' : ', no diagram';
      rows.push(measure(`checkout: node bin/synth${tag}`, process.execPath, [bin, EXAMPLE, ...flags], ROOT, { runs: o.runs }));
      rows.push(measure(`checkout: npx synth${tag}`, 'npx', ['--no-install', 'synth', EXAMPLE, ...flags], ROOT, { runs: o.runs }));
      let k = 0;
      rows.push(measure(`tsx-cold: node bin/synth${tag}`, process.execPath, [bin, EXAMPLE, ...flags], ROOT, {
        runs: o.runs,
        warmup: false,
        prepare: () => {
          const t = path.join(tmp, `tsx-cache-${diagram}-${k++}`);
          fs.mkdirSync(t);
          return cleanEnv({ TMPDIR: t });
        },
      }));
    }
    if (o.packed) {
      process.stdout.write('# packing and installing a fresh project (not timed)…\n');
      const project = packedProject(tmp);
      for (const diagram of [true, false]) {
        const flags = ['--quiet', ...(diagram ? [] : ['--no-diagram'])];
        const tag = diagram ? '' : ', no diagram';
        rows.push(measure(`packed: npx synth${tag}`, 'npx', ['--no-install', 'synth', ...flags], project, { runs: o.runs }));
        rows.push(measure(`packed: node node_modules/.bin/synth${tag}`, process.execPath, [path.join(project, 'node_modules', '.bin', 'synth'), ...flags], project, { runs: o.runs }));
      }
    }
    if (o.json) fs.writeFileSync(o.json, JSON.stringify({ machine: machine(), targetSeconds: TARGET_S, rows }, null, 2) + '\n');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
