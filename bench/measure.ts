/**
 * One measurement, run in its own process by bench/run.js (so that peak RSS is per run):
 *
 *   node --require ./bench/register.js bench/measure.ts ours <sites> <outdir> [--diagram]
 *   node --require ./bench/register.js bench/measure.ts baseline <srcdir> <outdir>
 *
 * `ours`: builds the fleet and synthesizes it (construct, validate, render, write atomically,
 * with manifest.json) into <outdir>. `baseline`: reads every file of <srcdir> (ours' output)
 * into memory as lines, then, timed, builds each file's text from its lines and writes it to
 * the same relative path under <outdir> with the same mode: the cost of just writing the bytes.
 *
 * Prints one JSON line on stdout: wall and CPU milliseconds of the timed part, phases, peak RSS,
 * files and bytes found in the output folder afterwards. The phases of `ours` are wall time on
 * the main thread, measured inside `App.synth()` (`App._synthTimed`): constructMs builds the
 * tree; validateMs is steps 1–4 (validate, contribute, plan, check); renderMs is step 5,
 * including handing each rendered host to the writer; writeMs is the rest of the synth, from the
 * end of rendering to the output swapped in. From `WRITE_THREAD_MIN_HOSTS` hosts up
 * (lib/core/writer.ts; 1,000) the files are written on a second thread during rendering
 * (`writeThread: true`): writeMs is then only the wait for what was still unwritten, plus
 * manifest.json and the swap, and writeThreadMs is the thread's own time writing and hashing
 * (overlapped, not part of wallMs). cpuMs counts both threads; mainCpuMs is the main thread's
 * alone (Linux, /proc; 10 ms resolution), the synth's critical path when a second core is free.
 */
import * as fs from 'fs';
import * as path from 'path';

interface Walked {
  readonly rel: string;
  readonly full: string;
  readonly mode: number;
  readonly bytes: number;
}

function walk(root: string): Walked[] {
  const out: Walked[] = [];
  const visit = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) visit(full);
      else if (e.isFile()) {
        const st = fs.statSync(full);
        out.push({ rel: path.relative(root, full), full, mode: st.mode & 0o7777, bytes: st.size });
      }
    }
  };
  visit(root);
  return out;
}

function totals(dir: string): { files: number; bytes: number; dirs: number } {
  const files = walk(dir);
  const dirs = new Set(files.map((f) => path.dirname(f.rel)));
  return { files: files.length, bytes: files.reduce((n, f) => n + f.bytes, 0), dirs: dirs.size };
}

const ms = (ns: bigint) => Number(ns) / 1e6;

function ours(sites: number, outdir: string, diagram: boolean): object {
  // The public entry point, as users load it.
  const { App, TopologyDiagram } = require('../lib') as typeof import('../lib');
  const { buildFleet } = require('./fleet') as typeof import('./fleet');

  const main0 = mainThreadCpuMs();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const app = new App({ outdir });
  if (diagram) new TopologyDiagram(app, 'Topology');
  buildFleet(app, sites);
  const t1 = process.hrtime.bigint();
  // App.synth() itself, with the step timings it measures on the way.
  const { summary, timings: tm } = app._synthTimed('0.0.0-bench');
  const t2 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  const main1 = mainThreadCpuMs();

  // (A diagram left out above maxHosts is the expected warning of a diagram run: not repeated.)
  if (summary.warnings.some((w) => !/diagram is not drawn/.test(w.message))) {
    process.stderr.write(`warning: the fleet has ${summary.warnings.length} validation warnings, e.g. ${summary.warnings[0].path}: ${summary.warnings[0].message}\n`);
  }
  const t = totals(outdir);
  return {
    kind: diagram ? 'ours+diagram' : 'ours',
    sites,
    hosts: summary.hosts,
    wallMs: ms(t2 - t0),
    cpuMs: (cpu.user + cpu.system) / 1000,
    mainCpuMs: main0 === undefined || main1 === undefined ? undefined : main1 - main0,
    constructMs: ms(t1 - t0),
    validateMs: tm.validate + tm.contribute + tm.plan + tm.check,
    renderMs: tm.render,
    writeMs: ms(t2 - t1) - (tm.validate + tm.contribute + tm.plan + tm.check + tm.render),
    writeThreadMs: tm.writeThread,
    writeThread: tm.threaded,
    steps: tm,
    maxRssKiB: process.resourceUsage().maxRSS,
    files: t.files,
    bytes: t.bytes,
    dirs: t.dirs,
  };
}

/** CPU milliseconds of this process' main thread (Linux: utime + stime of its task), else undefined. */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // fields 14, 15 of stat(5), at USER_HZ 100
  } catch {
    return undefined;
  }
}

function baseline(srcdir: string, outdir: string): object {
  // Untimed: our output, in memory, as lines (the material a plain string builder would have).
  const files = walk(srcdir).map((f) => ({ rel: f.rel, mode: f.mode, lines: fs.readFileSync(f.full, 'utf8').split('\n') }));

  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  fs.mkdirSync(outdir, { recursive: true });
  const made = new Set<string>();
  let bytes = 0;
  for (const f of files) {
    let text = '';
    for (let i = 0; i < f.lines.length; i++) text += i === 0 ? f.lines[i] : '\n' + f.lines[i];
    const full = path.join(outdir, f.rel);
    const dir = path.dirname(full);
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    fs.writeFileSync(full, text, { mode: f.mode });
    bytes += text.length;
  }
  const t1 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  const t = totals(outdir);
  return {
    kind: 'baseline',
    wallMs: ms(t1 - t0),
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssKiB: process.resourceUsage().maxRSS,
    files: t.files,
    bytes: t.bytes,
    dirs: t.dirs,
    builtChars: bytes,
  };
}

/**
 * In a checkout, jsii's compiled lib/**.js may sit next to the sources and go stale as soon as a
 * source is edited: resolve every lib/ .js that has a .ts beside it to the .ts (as bin/launch.js
 * and vitest.config.ts do), so that the bench always measures the current code.
 */
function preferSources(): void {
  const lib = path.join(__dirname, '..', 'lib') + path.sep;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('module');
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function resolveSource(this: unknown, ...args: unknown[]) {
    const file = resolve.apply(this, args);
    if (typeof file === 'string' && file.startsWith(lib) && file.endsWith('.js')) {
      const ts = `${file.slice(0, -3)}.ts`;
      if (fs.existsSync(ts)) return ts;
    }
    return file;
  };
}

function main(argv: string[]): void {
  preferSources();
  const [mode, a, b, flag] = argv;
  let result: object;
  if (mode === 'ours' && a && b) {
    const sites = Number(a);
    if (!Number.isInteger(sites) || sites < 1) throw new Error(`sites must be a positive integer: ${a}`);
    result = ours(sites, path.resolve(b), flag === '--diagram');
  } else if (mode === 'baseline' && a && b) {
    result = baseline(path.resolve(a), path.resolve(b));
  } else {
    process.stderr.write('usage: measure.ts ours <sites> <outdir> [--diagram] | baseline <srcdir> <outdir>\n');
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

main(process.argv.slice(2));
