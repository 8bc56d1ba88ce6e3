#!/usr/bin/env node
/**
 * `npm run bench`: how cdkbsd's synth compares with the bytes it writes, in one run.
 *
 * - Fleets of 10, 100 and 1,000 sites (bench/fleet.ts): for each size, PAIRS alternating runs
 *   (ours, raw, ours, raw, …), where raw writes the same bytes to the same files with plain
 *   fs calls. The ratio of each pair is ours/raw; the median of the ratios is printed with its min
 *   and max, so that the drift of a busy machine or disk cancels within a pair.
 * - The topology diagram: off at 100 sites (above TopologyDiagram's maxHosts); pairs of a
 *   10-site synth with and without it, where it is drawn (SVG cache off, and warm).
 * - A cold `npx synth` of the main example against `node -e 0`, in pairs (and `node bin/synth`,
 *   the same run without npx).
 *
 * Every measurement runs in its own child process (peak RSS is per run), one at a time.
 * Outputs go to a fresh temp folder (os.tmpdir(), or --tmp DIR), removed at the end.
 *
 *   node bench/run.js                         # everything, 5 pairs each
 *   node bench/run.js --pairs 7 --sizes 100,1000
 *   node bench/run.js --no-diagram --no-cold  # fleets only
 *   node bench/run.js --json out.json         # also write the raw results
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const EXAMPLE = path.join(ROOT, 'examples', 'ha-reverse-proxy', 'main.ts');
/** The targets of issue 20 (docs/performance.md). */
const TARGETS = { sites: 1000, ratioToRaw: 3, rssMiB: 512, growth: 10, coldRatio: 8, diagramShare: 0.1 };
const CHILD_TIMEOUT_MS = 90_000;

function parseArgs(argv) {
  const o = { sizes: [10, 100, 1000], pairs: 5, diagram: true, cold: true, json: undefined, tmp: os.tmpdir(), keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--sizes') o.sizes = argv[++i].split(',').map(Number);
    else if (a === '--pairs') o.pairs = Number(argv[++i]);
    else if (a === '--no-diagram') o.diagram = false;
    else if (a === '--no-cold') o.cold = false;
    else if (a === '--json') o.json = argv[++i];
    else if (a === '--tmp') o.tmp = argv[++i];
    else if (a === '--keep') o.keep = true;
    else usage(`unknown argument ${a}`);
  }
  if (o.sizes.some((n) => !Number.isInteger(n) || n < 1)) usage('--sizes takes positive integers, e.g. 10,100,1000');
  if (!Number.isInteger(o.pairs) || o.pairs < 1) usage('--pairs takes a positive integer');
  return o;
}

function usage(problem) {
  console.error(`${problem}\nusage: node bench/run.js [--sizes 10,100,1000] [--pairs 5] [--no-diagram] [--no-cold] [--json FILE] [--tmp DIR] [--keep]`);
  process.exit(2);
}

/** Flushes dirty pages so that one run's writeback does not land in the next run's timing. */
function flush() {
  spawnSync('sync', [], { stdio: 'ignore' });
}

/** Runs bench/measure.ts in a child and returns its JSON result. */
function measure(args, extraEnv = {}) {
  flush();
  const r = spawnSync(process.execPath, ['--require', path.join(__dirname, 'register.js'), path.join(__dirname, 'measure.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 16 << 20,
    env: { ...process.env, CDKBSD_NO_DIAGRAM: args.includes('--diagram') ? '0' : '1', ...extraEnv },
  });
  if (r.stderr) process.stderr.write(r.stderr);
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit ${r.status}${r.signal ? ` (${r.signal})` : ''}`;
    throw new Error(`measure.ts ${args.join(' ')} failed: ${why}`);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** Wall seconds of one command, process start to exit. */
function timeCommand(cmd, args, cwd, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** `median (min–max)` of a list. */
const spread = (xs, f) => `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
const fmt = {
  ms: (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1)),
  x: (r) => `${r.toFixed(2)}×`,
  pct: (r) => `${(r * 100).toFixed(1)} %`,
  mib: (kib) => (kib / 1024).toFixed(0),
  int: (n) => n.toLocaleString('en-US'),
};

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

/** PAIRS alternating (ours, raw) runs of one fleet size. */
function fleetPairs(n, pairs, work) {
  const rows = [];
  process.stdout.write(`sites ${n}:`);
  for (let i = 0; i < pairs; i++) {
    const oursDir = path.join(work, `ours-${n}-${i}`);
    const ours = measure(['ours', String(n), oursDir]);
    const raw = measure(['baseline', oursDir, path.join(work, `raw-${n}-${i}`)]);
    if (raw.files !== ours.files || raw.bytes !== ours.bytes) {
      throw new Error(`raw wrote ${raw.files} files / ${raw.bytes} bytes, ours ${ours.files} / ${ours.bytes}`);
    }
    rows.push({ ours, raw, ratio: ours.wallMs / raw.wallMs });
    process.stdout.write(` ${fmt.x(ours.wallMs / raw.wallMs)}`);
  }
  console.log('');
  return rows;
}

/**
 * Pairs of a synth with and without the diagram, at `sites`. At 100 sites (200 hosts) the
 * diagram is off (above TopologyDiagram's maxHosts, 40): the pairs would time nothing, so the
 * bench measures it where it is drawn (10 sites, 20 hosts), with the SVG cache off (the cost of
 * a first run or of a changed topology).
 */
function diagramPairs(pairs, work, sites) {
  const rows = [];
  measure(['ours', String(sites), path.join(work, 'diag-warm'), '--diagram'], { CDKBSD_CACHE_DIR: path.join(work, 'svg-cache') });
  process.stdout.write(`diagram at ${sites} sites (drawn), SVG cache off / warm:`);
  for (let i = 0; i < pairs; i++) {
    const without = measure(['ours', String(sites), path.join(work, `nodiag-${i}`)]);
    const withDiagram = measure(['ours', String(sites), path.join(work, `diag-${i}`), '--diagram'], { CDKBSD_NO_CACHE: '1' });
    // And with the SVG cache warm (the run before filled it): a re-run of an unchanged topology.
    const cached = measure(['ours', String(sites), path.join(work, `diagc-${i}`), '--diagram'], { CDKBSD_CACHE_DIR: path.join(work, 'svg-cache') });
    const share = (withDiagram.wallMs - without.wallMs) / withDiagram.wallMs;
    const cachedShare = (cached.wallMs - without.wallMs) / cached.wallMs;
    rows.push({ without, withDiagram, cached, share, cachedShare, drawn: withDiagram.files > without.files });
    process.stdout.write(` ${fmt.pct(share)} / ${fmt.pct(cachedShare)}${withDiagram.files > without.files ? '' : ' (not drawn)'}`);
  }
  console.log('');
  return rows;
}

/** Pairs of a cold `npx synth` of the main example and `node -e 0`. */
function coldPairs(pairs, work) {
  const env = { ...process.env };
  for (const k of ['CDKBSD_OUTDIR', 'CDKBSD_NO_DIAGRAM', 'NODE_OPTIONS', 'FORCE_COLOR']) delete env[k];
  const args = ['--no-install', 'synth', EXAMPLE, '--out', path.join(work, 'cold-out'), '--quiet'];
  timeCommand('npx', args, ROOT, env); // one untimed run: the transform cache a user's second run has
  const rows = [];
  process.stdout.write('cold npx synth vs node -e 0:');
  for (let i = 0; i < pairs; i++) {
    const synth = timeCommand('npx', args, ROOT, env);
    const node = timeCommand(process.execPath, ['-e', '0'], ROOT, env);
    // The same synth without npx: what of the time is cdkbsd's, and what npx's own.
    const direct = timeCommand(process.execPath, [path.join(ROOT, 'bin', 'synth'), ...args.slice(2)], ROOT, env);
    rows.push({ synthMs: synth, nodeMs: node, directMs: direct, ratio: synth / node });
    process.stdout.write(` ${fmt.x(synth / node)}`);
  }
  console.log('');
  return rows;
}

function table(fleets) {
  const head = ['sites', 'hosts', 'files', 'MB', 'ours ms', 'raw ms', 'ours/raw', 'construct', 'validate', 'render', 'write', 'peak RSS MiB'];
  const lines = [head, head.map((h) => '-'.repeat(h.length))];
  for (const [n, rows] of fleets) {
    const o = rows.map((r) => r.ours);
    const med = (k) => fmt.ms(median(o.map((x) => x[k])));
    lines.push([
      fmt.int(n), fmt.int(o[0].hosts), fmt.int(o[0].files), (o[0].bytes / 1e6).toFixed(1),
      spread(o.map((x) => x.wallMs), fmt.ms), spread(rows.map((r) => r.raw.wallMs), fmt.ms), spread(rows.map((r) => r.ratio), fmt.x),
      med('constructMs'), med('validateMs'), med('renderMs'), med('writeMs'), fmt.mib(Math.max(...o.map((x) => x.maxRssKiB))),
    ]);
  }
  const widths = head.map((_, i) => Math.max(...lines.map((l) => String(l[i]).length)));
  return lines.map((l) => `| ${l.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ')} |`).join('\n');
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const m = machine();
  console.log(`cdkbsd bench: ${m.cpus} CPUs (${m.model}), ${m.memGiB.toFixed(1)} GiB, node ${m.node}, ${m.platform}, load ${m.load}; ${opts.pairs} pairs each`);
  const work = fs.mkdtempSync(path.join(opts.tmp, 'cdkbsd-bench-'));
  const fleets = new Map();
  let diagram;
  let cold;
  try {
    for (const n of opts.sizes) {
      fleets.set(n, fleetPairs(n, opts.pairs, work));
      // Outputs are removed between sizes, not between runs: deleting thousands of files keeps
      // some disks busy (ext4 with online discard) and would slow the next measurement.
      fs.rmSync(work, { recursive: true, force: true });
      fs.mkdirSync(work);
    }
    if (opts.diagram) diagram = diagramPairs(opts.pairs, work, 10);
    if (opts.cold) cold = coldPairs(opts.pairs, work);
  } finally {
    if (!opts.keep) fs.rmSync(work, { recursive: true, force: true });
  }
  report(opts, m, started, fleets, diagram, cold);
}

function report(opts, m, started, fleets, diagram, cold) {
  const verdict = (ok) => (ok ? 'ok  ' : 'MISS');
  console.log('');
  console.log('median (min–max) of the pairs:');
  console.log(table(fleets));
  console.log('');
  const big = fleets.get(TARGETS.sites);
  const mid = fleets.get(100);
  if (big) {
    const ratios = big.map((r) => r.ratio);
    const rss = Math.max(...big.map((r) => r.ours.maxRssKiB)) / 1024;
    console.log(`targets at ${fmt.int(TARGETS.sites)} sites:`);
    console.log(`  ${verdict(median(ratios) <= TARGETS.ratioToRaw)} ours/raw ${spread(ratios, fmt.x)} (≤ ${TARGETS.ratioToRaw}×)`);
    console.log(`  ${verdict(rss <= TARGETS.rssMiB)} peak RSS ${rss.toFixed(0)} MiB (≤ ${TARGETS.rssMiB})`);
    if (mid) {
      const growth = median(big.map((r) => r.ours.wallMs)) / median(mid.map((r) => r.ours.wallMs));
      console.log(`  ${verdict(growth <= TARGETS.growth)} growth time(1000)/time(100) ${growth.toFixed(2)} (≤ ${TARGETS.growth}; 10 is linear)`);
    }
  }
  if (diagram) {
    const shares = diagram.map((r) => r.share);
    console.log(`  ok   diagram at 100 sites: off (200 hosts, above TopologyDiagram maxHosts 40, documented), as the target allows`);
    console.log(`  info diagram where drawn (10 sites, 20 hosts): SVG cache off ${spread(shares, fmt.pct)} of the synth (${spread(diagram.map((r) => r.withDiagram.wallMs), fmt.ms)} ms); cache warm ${spread(diagram.map((r) => r.cachedShare), fmt.pct)} (${spread(diagram.map((r) => r.cached.wallMs), fmt.ms)} ms)`);
  }
  if (cold) {
    const ratios = cold.map((r) => r.ratio);
    console.log(`  ${verdict(median(ratios) <= TARGETS.coldRatio)} cold npx synth / node -e 0: ${spread(ratios, fmt.x)} (≤ ${TARGETS.coldRatio}×); synth ${spread(cold.map((r) => r.synthMs), fmt.ms)} ms, node ${spread(cold.map((r) => r.nodeMs), fmt.ms)} ms`);
    console.log(`       without npx (node bin/synth): ${spread(cold.map((r) => r.directMs / r.nodeMs), fmt.x)}, ${spread(cold.map((r) => r.directMs), fmt.ms)} ms: npx itself adds ${fmt.ms(median(cold.map((r) => r.synthMs - r.directMs)))} ms`);
  }
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify({ machine: m, fleets: Object.fromEntries(fleets), diagram, cold }, null, 2) + '\n');
  console.log(`bench run took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

try {
  main();
} catch (e) {
  console.error(`bench failed: ${e.message}`);
  process.exit(1);
}
