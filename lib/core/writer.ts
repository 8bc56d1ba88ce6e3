import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { pidAlive } from './private/pid';
import { WriteBatch, WriteThread } from './private/write-thread';
import { FileDigests, renderManifest, SynthFile, SynthHost, Synthesis } from './synthesis';

/** @internal Thrown for output folder problems (not validation). */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}


function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Names of the sibling folders used while writing `outdir`. */
function siblings(outdir: string) {
  const parent = path.dirname(outdir);
  const base = path.basename(outdir);
  return {
    parent,
    base,
    tmpPrefix: `.${base}.tmp-`,
    oldPrefix: `.${base}.old-`,
    lock: path.join(parent, `.${base}.lock`),
  };
}

/** Removes temp folders of dead synths and restores an output lost between the two renames. */
function recover(outdir: string): void {
  const s = siblings(outdir);
  let names: string[] = [];
  try {
    names = fs.readdirSync(s.parent);
  } catch {
    return;
  }
  const pidOf = (n: string, prefix: string) => Number(n.slice(prefix.length).split('-')[0]);
  const olds = names.filter((n) => n.startsWith(s.oldPrefix) && !pidAlive(pidOf(n, s.oldPrefix))).sort();
  if (!fs.existsSync(outdir) && olds.length > 0) {
    // A synth was killed after moving the old output away and before moving the new one in.
    fs.renameSync(path.join(s.parent, olds[olds.length - 1]), outdir);
    olds.pop();
  }
  for (const n of olds) fs.rmSync(path.join(s.parent, n), { recursive: true, force: true });
  for (const n of names.filter((x) => x.startsWith(s.tmpPrefix))) {
    if (!pidAlive(pidOf(n, s.tmpPrefix))) fs.rmSync(path.join(s.parent, n), { recursive: true, force: true });
  }
}

function assertOurs(outdir: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(outdir);
  } catch {
    return;
  }
  if (!st.isDirectory()) throw new OutputError(`Output path ${outdir} exists and is not a folder; refusing to replace it`);
  const entries = fs.readdirSync(outdir);
  if (entries.length === 0) return;
  try {
    const m = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    if (m?.generator === 'cdkbsd') return;
  } catch {
    /* fall through */
  }
  throw new OutputError(`Output folder ${outdir} is not empty and was not written by cdkbsd (no manifest.json); refusing to replace it`);
}

function acquireLock(lock: string): void {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const fd = fs.openSync(lock, 'wx', 0o644);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return;
    } catch (e: any) {
      if (e?.code !== 'EEXIST') throw e;
      let holder = NaN;
      try {
        holder = Number(fs.readFileSync(lock, 'utf8'));
      } catch {
        /* vanished: retry */
      }
      if (!Number.isNaN(holder) && !pidAlive(holder)) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new OutputError(`Timed out waiting for ${lock} (another synth into the same folder?)`);
      sleepMs(20);
    }
  }
}

/**
 * Writes the content of a synthesis into `dir` (which must exist and be empty), each file encoded
 * once, and returns the files' sizes and sha256 (manifest.json excluded; it is written last).
 * @internal
 */
export function writeTree(s: Synthesis, dir: string, version: string): FileDigests {
  // Folders are created once each, parents first, without recursive mkdir (one syscall each).
  const made = new Set<string>([dir]);
  const ensureDir = (d: string) => {
    if (made.has(d)) return;
    ensureDir(path.dirname(d));
    fs.mkdirSync(d, { mode: 0o755 });
    made.add(d);
  };
  // The mode given at creation is reduced by the umask; only then is a chmod needed.
  const umask = currentUmask();
  const digests: FileDigests = { bytes: [], sha256: [] };
  const put = (rel: string, content: string, mode: number) => {
    const full = path.join(dir, rel);
    ensureDir(path.dirname(full));
    const buf = Buffer.from(content, 'utf8');
    writeWithMode(full, buf, mode, umask);
    return buf;
  };
  const putDigested = (rel: string, content: string, mode: number) => {
    const buf = put(rel, content, mode);
    digests.bytes.push(buf.length);
    digests.sha256.push(createHash('sha256').update(buf).digest('hex'));
  };
  for (const h of s.hosts) {
    for (const f of h.files) putDigested(path.join(h.hostname, f.path), f.content, f.mode);
  }
  for (const f of s.rootFiles) putDigested(f.path, f.content, f.mode);
  put('manifest.json', renderManifest(s, version, digests), 0o644);
  return digests;
}

// eslint-disable-next-line @typescript-eslint/no-deprecated
const currentUmask = (): number => process.umask();

/** Writes a new file with `mode`: given at creation, where the umask reduces it; then a chmod only if it did. */
function writeWithMode(file: string, data: Buffer, mode: number, umask: number): void {
  fs.writeFileSync(file, data, { mode });
  if ((mode & umask) !== 0) fs.chmodSync(file, mode);
}

/**
 * Writes a synthesis atomically to `outdir`: into a fresh sibling folder, then swapped in.
 * A failure before the swap leaves the previous output untouched and removes the temp folder.
 * @internal
 */
export function writeAtomically(s: Synthesis, outdir: string, version: string): FileDigests {
  const { abs, tmp } = openStaging(outdir);
  try {
    const digests = writeTree(s, tmp, version);
    swapIn(tmp, abs);
    return digests;
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** A fresh temp folder beside `outdir` (after cleaning up what dead synths left). */
function openStaging(outdir: string): { abs: string; tmp: string } {
  const abs = path.resolve(outdir);
  const sib = siblings(abs);
  fs.mkdirSync(sib.parent, { recursive: true });
  recover(abs);
  assertOurs(abs);
  const tmp = fs.mkdtempSync(path.join(sib.parent, `${sib.tmpPrefix}${process.pid}-`));
  try {
    fs.chmodSync(tmp, 0o755);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return { abs, tmp };
}

/**
 * @internal Hosts from this many up are written on a second thread while the next ones render
 * (`CDKBSD_WRITE_THREAD_MIN_HOSTS` overrides it: 1 = always, a huge number = never). Measured
 * on 2 cores with the bench fleet (7 files a host, wall time thread/no thread, medians of 4–8
 * alternating pairs): 20 hosts 1.20 (the thread's start and cold JIT cost more than the ~30 ms
 * of rendering it overlaps; +13 MiB), 200 hosts 1.14, 500 hosts 1.04, 1,000 hosts 0.96,
 * 2,000 hosts 0.84. The overlap can hide at most the render time, and the thread's writing
 * slows rendering whenever no core is idle.
 */
export const WRITE_THREAD_MIN_HOSTS = 1000;

/**
 * @internal `App.synth()`'s writer: handed each host as soon as it is rendered (`host`), then the
 * whole synthesis (`finish`), which it writes atomically into `outdir` with manifest.json. For a
 * large synthesis the files go to a `WriteThread` host by host, so that writing and hashing run
 * on the second core during rendering; otherwise everything is written at `finish`, as
 * `writeAtomically` does.
 */
export class OutputSink {
  private thread?: WriteThread;
  private staged?: { abs: string; tmp: string };
  /** Milliseconds the writer thread spent writing (0 without it). */
  public threadBusyMs = 0;

  constructor(private readonly outdir: string, private readonly version: string) {}

  /** Whether the files go to a writer thread. */
  public get threaded(): boolean {
    return this.thread !== undefined;
  }

  /** One rendered host (`index` of `total`, in `Synthesis.hosts` order). */
  public host(h: SynthHost, index: number, total: number): void {
    if (index === 0 && total >= minHosts()) this.startThread();
    if (!this.thread) return;
    if (this.thread.failed) this.finishThread(); // throws the thread's write error: stop rendering
    this.thread.post(batchOf(h.hostname, h.files));
  }

  /** Writes what is left and swaps the output in. @throws the write error; the old output stays */
  public finish(s: Synthesis): FileDigests {
    if (!this.thread) return writeAtomically(s, this.outdir, this.version);
    const { abs, tmp } = this.staged!;
    try {
      if (s.rootFiles.length > 0) this.thread.post(batchOf('', s.rootFiles));
      const digests = this.finishThread();
      writeWithMode(path.join(tmp, 'manifest.json'), Buffer.from(renderManifest(s, this.version, digests), 'utf8'), 0o644, currentUmask());
      swapIn(tmp, abs);
      return digests;
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** The synth failed before `finish`: stop the thread and remove the temp folder. */
  public abort(): void {
    this.thread?.abort();
    if (this.staged) fs.rmSync(this.staged.tmp, { recursive: true, force: true });
    this.thread = undefined;
    this.staged = undefined;
  }

  private startThread(): void {
    this.staged = openStaging(this.outdir);
    try {
      this.thread = WriteThread.start(this.staged.tmp, currentUmask());
    } catch (e: any) {
      // No threads here (a runtime without worker_threads): write on this thread at `finish`.
      if (e?.code !== 'ERR_WORKER_INIT_FAILED' && e?.code !== 'MODULE_NOT_FOUND' && e?.code !== 'ERR_UNKNOWN_BUILTIN_MODULE') throw e;
      fs.rmSync(this.staged.tmp, { recursive: true, force: true });
      this.staged = undefined;
    }
  }

  private finishThread(): FileDigests {
    const { digests, busyMs } = this.thread!.finish();
    this.threadBusyMs = busyMs;
    return digests;
  }
}

function minHosts(): number {
  const env = Number(process.env.CDKBSD_WRITE_THREAD_MIN_HOSTS);
  return process.env.CDKBSD_WRITE_THREAD_MIN_HOSTS && Number.isFinite(env) ? env : WRITE_THREAD_MIN_HOSTS;
}

/** The files as one batch for the thread: encoded here once, into one buffer that moves to it. */
function batchOf(base: string, files: readonly SynthFile[]): WriteBatch {
  const paths: string[] = [];
  const modes: number[] = [];
  const ends: number[] = [];
  let total = 0;
  for (const f of files) {
    paths.push(f.path);
    modes.push(f.mode);
    total += Buffer.byteLength(f.content, 'utf8');
    ends.push(total);
  }
  const data = Buffer.allocUnsafeSlow(total);
  for (let i = 0; i < files.length; i++) data.write(files[i].content, i === 0 ? 0 : ends[i - 1], 'utf8');
  return { base, paths, modes, ends, data: data.buffer as ArrayBuffer };
}

/**
 * Moves the complete output folder `staged` (a sibling of `outdir`, on the same file system) into
 * `outdir` by rename, under the lock, replacing the previous output only if cdkbsd wrote it.
 * `writeAtomically` ends with it; `npx synth` swaps in the folder the app wrote (docs/cli.md).
 * On failure the previous output is back in place and `staged` is left to the caller.
 * @internal
 */
export function swapIn(staged: string, outdir: string): void {
  const abs = path.resolve(outdir);
  const sib = siblings(abs);
  recover(abs);
  acquireLock(sib.lock);
  let old: string | undefined;
  try {
    assertOurs(abs);
    if (fs.existsSync(abs)) {
      old = path.join(sib.parent, `${sib.oldPrefix}${process.pid}-${path.basename(staged).replace(/[^A-Za-z0-9]/g, '').slice(-6)}`);
      fs.renameSync(abs, old);
    }
    fs.renameSync(staged, abs);
  } catch (e) {
    if (old && !fs.existsSync(abs)) fs.renameSync(old, abs);
    throw e;
  } finally {
    fs.rmSync(sib.lock, { force: true });
  }
  if (old) fs.rmSync(old, { recursive: true, force: true });
}
