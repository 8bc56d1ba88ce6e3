#!/usr/bin/env node
/**
 * `npm run bench`: synthesizes the benchmark fleet (bench/fleet.ts) at 10, 100 and 1,000 sites
 * and compares each synth with a raw baseline that writes the same bytes to the same files.
 *
 * Every measurement runs in its own child process (`node --require tsx/cjs bench/measure.ts`),
 * so that peak RSS is per run, and one after the other (never two at once). Outputs go to a
 * fresh temp folder (os.tmpdir(), or --tmp DIR) and are removed afterwards.
 *
 *   node bench/run.js                    # sizes 10,100,1000 + the diagram at 100
 *   node bench/run.js --sizes 10,100     # other sizes
 *   node bench/run.js --no-diagram       # skip the diagram measurement
 *   node bench/run.js --json out.json    # also write the raw results
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const TARGETS = { sites: 1000, wallMs: 3000, rssMiB: 1024, ratioToBaseline: 4, growth: 11 };
const CHILD_TIMEOUT_MS = 90_000;

function parseArgs(argv) {
  const o = { sizes: [10, 100, 1000], diagram: true, json: undefined, tmp: os.tmpdir(), keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--sizes') o.sizes = argv[++i].split(',').map(Number);
    else if (a === '--no-diagram') o.diagram = false;
    else if (a === '--json') o.json = argv[++i];
    else if (a === '--tmp') o.tmp = argv[++i];
    else if (a === '--keep') o.keep = true;
    else {
      console.error(`unknown argument ${a}\nusage: node bench/run.js [--sizes 10,100,1000] [--no-diagram] [--json FILE] [--tmp DIR] [--keep]`);
      process.exit(2);
    }
  }
  if (o.sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    console.error('--sizes takes positive integers, e.g. 10,100,1000');
    process.exit(2);
  }
  return o;
}

/** Flushes dirty pages so that one run's writeback does not land in the next run's timing. */
function flush() {
  spawnSync('sync', [], { stdio: 'ignore' });
}

/** Runs bench/measure.ts in a child and returns its JSON result. */
function measure(args) {
  flush();
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, 'measure.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, CDKBSD_NO_DIAGRAM: args.includes('--diagram') ? '0' : '1' },
  });
  if (r.stderr) process.stderr.write(r.stderr);
  if (r.error && r.error.code === 'ETIMEDOUT') {
    throw Object.assign(new Error(`measure.ts ${args.join(' ')} timed out after ${CHILD_TIMEOUT_MS / 1000} s`), { timedOut: true });
  }
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit ${r.status}${r.signal ? ` (${r.signal})` : ''}`;
    throw new Error(`measure.ts ${args.join(' ')} failed: ${why}`);
  }
  const line = r.stdout.trim().split('\n').pop();
  return JSON.parse(line);
}

function machine() {
  let model = 'unknown';
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1].trim();
  } catch {
    model = os.cpus()[0]?.model ?? 'unknown';
  }
  return {
    cpus: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    model,
    memGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    load: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

const fmt = {
  ms: (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1)),
  mib: (kib) => (kib / 1024).toFixed(0),
  mb: (b) => (b / 1e6).toFixed(1),
  int: (n) => n.toLocaleString('en-US'),
};

function table(rows) {
  const head = ['sites', 'hosts', 'wall ms', 'cpu ms', 'construct', 'validate', 'render', 'write', 'peak RSS MiB', 'files', 'MB', 'µs/host', 'baseline ms', 'ours/baseline'];
  const lines = [head, head.map((h) => '-'.repeat(h.length))];
  for (const r of rows) {
    const o = r.ours;
    lines.push([
      fmt.int(o.sites), fmt.int(o.hosts), fmt.ms(o.wallMs), fmt.ms(o.cpuMs), fmt.ms(o.constructMs), fmt.ms(o.validateMs), fmt.ms(o.renderMs), fmt.ms(o.writeMs),
      fmt.mib(o.maxRssKiB), fmt.int(o.files), fmt.mb(o.bytes), fmt.int(Math.round((o.wallMs * 1000) / o.hosts)),
      r.baseline ? fmt.ms(r.baseline.wallMs) : '-', r.baseline ? `${(o.wallMs / r.baseline.wallMs).toFixed(1)}×` : '-',
    ]);
  }
  const widths = head.map((_, i) => Math.max(...lines.map((l) => String(l[i]).length)));
  return lines.map((l) => `| ${l.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ')} |`).join('\n');
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const m = machine();
  console.log(`cdkbsd bench: ${m.cpus} CPUs (${m.model}), ${m.memGiB.toFixed(1)} GiB, node ${m.node}, ${m.platform}, load ${m.load}`);
  const work = fs.mkdtempSync(path.join(opts.tmp, 'cdkbsd-bench-'));
  const rows = [];
  const timedOut = [];
  let diagram;
  // Outputs are removed only at the end: deleting thousands of files keeps some disks busy
  // (ext4 with online discard here) and would slow down the next measurement.
  try {
    measureAll(opts, work, rows, timedOut, (d) => (diagram = d));
  } catch (e) {
    if (!opts.keep) fs.rmSync(work, { recursive: true, force: true });
    throw e;
  }
  report(opts, m, started, work, rows, timedOut, diagram);
}

function measureAll(opts, work, rows, timedOut, setDiagram) {
  for (const n of opts.sizes) {
    const oursDir = path.join(work, `ours-${n}`);
    const baseDir = path.join(work, `baseline-${n}`);
    process.stdout.write(`sites ${n}: synth… `);
    let ours;
    try {
      ours = measure(['ours', String(n), oursDir]);
    } catch (e) {
      if (!e.timedOut) throw e;
      console.log(`timed out (> ${CHILD_TIMEOUT_MS / 1000} s)`);
      timedOut.push(n);
      continue;
    }
    process.stdout.write(`${fmt.ms(ours.wallMs)} ms; baseline… `);
    const baseline = measure(['baseline', oursDir, baseDir]);
    console.log(`${fmt.ms(baseline.wallMs)} ms`);
    if (baseline.files !== ours.files || baseline.bytes !== ours.bytes) {
      throw new Error(`baseline wrote ${baseline.files} files / ${baseline.bytes} bytes, ours ${ours.files} / ${ours.bytes}`);
    }
    rows.push({ ours, baseline });
  }
  if (opts.diagram) {
    const n = 100;
    const plain = rows.find((r) => r.ours.sites === n)?.ours;
    process.stdout.write(`sites ${n} with the topology diagram… `);
    try {
      const withDiagram = measure(['ours', String(n), path.join(work, `diagram-${n}`), '--diagram']);
      console.log(`${fmt.ms(withDiagram.wallMs)} ms`);
      setDiagram({ sites: n, withDiagram, without: plain });
    } catch (e) {
      console.log(`not measured: ${e.message.split('\n')[0]}`);
    }
  }
}

function report(opts, m, started, work, rows, timedOut, diagram) {
  console.log('');
  console.log(table(rows));
  console.log('');
  const at = (n) => rows.find((r) => r.ours.sites === n);
  const big = at(TARGETS.sites);
  const mid = at(100);
  const verdict = (ok) => (ok ? 'ok  ' : 'MISS');
  if (big && mid) {
    const growth = big.ours.wallMs / mid.ours.wallMs;
    console.log(`growth ratio time(1000)/time(100): ${growth.toFixed(2)} (target ≤ ${TARGETS.growth}; 10 is linear)`);
  }
  if (big) {
    const o = big.ours;
    const growth = mid ? o.wallMs / mid.ours.wallMs : NaN;
    console.log('targets at 1,000 sites (2,000 hosts):');
    console.log(`  ${verdict(o.wallMs <= TARGETS.wallMs)} wall ${fmt.ms(o.wallMs)} ms (≤ ${TARGETS.wallMs})`);
    console.log(`  ${verdict(o.maxRssKiB / 1024 <= TARGETS.rssMiB)} peak RSS ${fmt.mib(o.maxRssKiB)} MiB (≤ ${TARGETS.rssMiB})`);
    console.log(`  ${verdict(o.wallMs / big.baseline.wallMs <= TARGETS.ratioToBaseline)} ours/baseline ${(o.wallMs / big.baseline.wallMs).toFixed(1)}× (≤ ${TARGETS.ratioToBaseline}×)`);
    if (mid) console.log(`  ${verdict(growth <= TARGETS.growth)} growth ratio ${growth.toFixed(2)} (≤ ${TARGETS.growth})`);
  }
  if (diagram) {
    const d = diagram.withDiagram;
    const extra = diagram.without ? ` (+${fmt.ms(d.wallMs - diagram.without.wallMs)} ms over the same synth without it)` : '';
    console.log(`diagram at ${diagram.sites} sites: synth with topology.dot/.svg ${fmt.ms(d.wallMs)} ms${extra}, peak RSS ${fmt.mib(d.maxRssKiB)} MiB, ${d.files} files`);
  }
  for (const n of timedOut) console.log(`MISS sites ${n}: the synth did not finish within ${CHILD_TIMEOUT_MS / 1000} s`);
  const measured = Date.now();
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify({ machine: m, rows, diagram, timedOut }, null, 2) + '\n');
  if (opts.keep) {
    console.log(`outputs kept in ${work}`);
  } else {
    process.stdout.write('removing the outputs… ');
    fs.rmSync(work, { recursive: true, force: true });
    console.log(`${((Date.now() - measured) / 1000).toFixed(1)} s`);
  }
  console.log(`bench run took ${((Date.now() - started) / 1000).toFixed(1)} s (measuring ${((measured - started) / 1000).toFixed(1)} s)`);
}

try {
  main();
} catch (e) {
  console.error(`bench failed: ${e.message}`);
  process.exit(1);
}
