import type { MessagePort, Worker } from 'worker_threads';
import type { FileDigests } from '../synthesis';

/**
 * @internal One batch of files for the writer thread, written under `<dir>/<base>`: file `i` is
 * `data[ends[i-1] .. ends[i]]` (UTF-8), encoded on the caller's side into one buffer that is
 * moved, not copied, to the thread.
 */
export interface WriteBatch {
  readonly base: string;
  readonly paths: string[];
  readonly modes: number[];
  readonly ends: number[];
  readonly data: ArrayBuffer;
}

// The words shared with the thread: [0] its state, [1] a write failed, [2] stop (the caller
// failed), [3] progress (batches taken plus files written).
const RUNNING = 0;
const DONE = 1;
const FAILED = 2;
const EXITED = 3;
const STALL_MS = 60_000;

/**
 * The thread's code, plain CommonJS, evaluated by `new Worker(code, { eval: true })` so that it
 * runs the same from compiled JS, from tsx and under vitest. It writes as `writeTree` does:
 * each folder once, parents first, mode 0755; each file with its mode, then a chmod only when
 * the umask took bits away. After the first failure it writes nothing more and reports it.
 */
const THREAD_SOURCE = `
'use strict';
const fs = require('fs');
const path = require('path');
const { createHash } = require('crypto');
const { parentPort, workerData } = require('worker_threads');
const { dir, umask, port } = workerData;
const state = new Int32Array(workerData.state);
const made = new Set([dir]);
const ensureDir = (d) => {
  if (made.has(d)) return;
  ensureDir(path.dirname(d));
  fs.mkdirSync(d, { mode: 0o755 });
  made.add(d);
};
const bytes = [];
const sha256 = [];
let failure;
let busy = 0;
const settle = (code) => {
  Atomics.store(state, 0, code);
  Atomics.notify(state, 0);
};
process.on('exit', () => { if (Atomics.load(state, 0) === ${RUNNING}) settle(${EXITED}); });
parentPort.on('message', (m) => {
  if (m.end) {
    port.postMessage(failure ? { failure } : { bytes, sha256, busy });
    settle(failure ? ${FAILED} : ${DONE});
    port.close();
    parentPort.close();
    return;
  }
  Atomics.add(state, 3, 1);
  if (failure || Atomics.load(state, 2) !== 0) return;
  const t0 = performance.now();
  try {
    const root = path.join(dir, m.base);
    const data = Buffer.from(m.data);
    for (let i = 0; i < m.paths.length; i++) {
      const full = path.join(root, m.paths[i]);
      ensureDir(path.dirname(full));
      const buf = data.subarray(i === 0 ? 0 : m.ends[i - 1], m.ends[i]);
      fs.writeFileSync(full, buf, { mode: m.modes[i] });
      if ((m.modes[i] & umask) !== 0) fs.chmodSync(full, m.modes[i]);
      bytes.push(buf.length);
      sha256.push(createHash('sha256').update(buf).digest('hex'));
      Atomics.add(state, 3, 1);
    }
  } catch (e) {
    failure = { message: String(e && e.message || e), code: e && e.code, errno: e && e.errno, syscall: e && e.syscall, path: e && e.path };
    Atomics.store(state, 1, 1); // seen by the renderer between hosts: stop early
  }
  busy += performance.now() - t0;
});
`;

/**
 * @internal A writer on a second thread: `post` hands it files as they are rendered; `finish`
 * blocks (Atomics.wait) until everything is written and returns the digests. Synchronous from
 * the caller's side, as `App.synth()` is.
 */
export class WriteThread {
  /** Starts the thread writing into `dir` (an existing empty folder). */
  public static start(dir: string, umask: number): WriteThread {
    return new WriteThread(dir, umask);
  }

  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly state = new Int32Array(new SharedArrayBuffer(16));
  private posted = 0;
  private ended = false;

  private constructor(dir: string, umask: number) {
    // Loaded only here: worker_threads costs a small app's cold start milliseconds.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MessageChannel, Worker } = require('worker_threads') as typeof import('worker_threads');
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { dir, umask, port: port2, state: this.state.buffer }, transferList: [port2] });
    // Never keeps the process alive; its failures come back through `finish`.
    this.worker.unref();
    this.worker.on('error', () => undefined);
  }

  /** Whether a write failed already (the caller may stop rendering). */
  public get failed(): boolean {
    return Atomics.load(this.state, 1) !== 0;
  }

  public post(batch: WriteBatch): void {
    this.worker.postMessage(batch, [batch.data]);
    this.posted++;
  }

  /**
   * Waits for every posted file to be written.
   * @throws the write error of the thread, as fs would have thrown it on the main thread
   */
  public finish(): { digests: FileDigests; busyMs: number } {
    const r = this.end();
    if (r.failure) throw rebuildError(r.failure);
    return { digests: { bytes: r.bytes, sha256: r.sha256 }, busyMs: r.busy };
  }

  /** Stops writing (after the file in progress) and waits for the thread to let go of the folder. */
  public abort(): void {
    if (this.ended) return;
    Atomics.store(this.state, 2, 1);
    try {
      this.end();
    } catch {
      /* the caller is already failing */
    }
  }

  private end(): any {
    this.ended = true;
    this.worker.postMessage({ end: true });
    // A thread that makes no progress for a minute is gone (it cannot report its own death).
    let seen = -1;
    let since = Date.now();
    for (;;) {
      Atomics.wait(this.state, 0, RUNNING, 1000);
      const code = Atomics.load(this.state, 0);
      if (code === RUNNING) {
        const handled = Atomics.load(this.state, 3);
        if (handled !== seen) {
          seen = handled;
          since = Date.now();
        } else if (Date.now() - since > STALL_MS) {
          void this.worker.terminate();
          throw new Error(`cdkbsd: the writer thread stopped responding (no file written for ${STALL_MS / 1000} s; ${this.posted} hosts handed to it)`);
        }
        continue;
      }
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const msg = (require('worker_threads') as typeof import('worker_threads')).receiveMessageOnPort(this.port);
      void this.worker.terminate();
      this.port.close();
      if (code === EXITED || !msg) throw new Error('cdkbsd: the writer thread stopped before it finished writing');
      return msg.message;
    }
  }
}

function rebuildError(f: { message: string; code?: string; errno?: number; syscall?: string; path?: string }): Error {
  const e: any = new Error(f.message);
  for (const k of ['code', 'errno', 'syscall', 'path'] as const) if (f[k] !== undefined) e[k] = f[k];
  return e;
}
