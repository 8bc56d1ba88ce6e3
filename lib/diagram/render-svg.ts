import { execFileSync } from 'child_process';
import { availableParallelism } from 'os';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { SvgCache } from './svg-cache';

/**
 * DOT → SVG with Graphviz compiled to WebAssembly (`@viz-js/viz`), called synchronously.
 *
 * viz-js embeds its wasm binary, but its Emscripten glue only instantiates asynchronously
 * (`async function Module`, `await WebAssembly.instantiate`), and a promise cannot be settled
 * synchronously in Node. Synth is synchronous, so the render runs in a worker thread that keeps
 * one viz instance for the life of the process; the caller blocks on `Atomics.wait` and takes the
 * reply with `receiveMessageOnPort` (the technique of `synckit`). The worker is `unref`'d, so it
 * never keeps the process alive. Should the worker fail to start or answer in time, rendering
 * falls back to a child process (`renderSvgInChildProcess`), which is slower but independent.
 *
 * Internal (not exported from lib/index.ts).
 */

/** How long one render may take before it is given up. */
const TIMEOUT_MS = 120_000;

/** Resolves the CommonJS entry of viz-js (works from compiled JS and from vitest's transform). */
function vizEntry(): string {
  return require.resolve('@viz-js/viz');
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const viz = require(workerData.vizEntry);
const port = workerData.port;
const done = new Int32Array(workerData.done);
let instance;
async function renderAll(dots) {
  const out = [];
  for (const dot of dots) {
    if (!instance) instance = await viz.instance();
    let r;
    try {
      r = instance.render(dot, { format: 'svg' });
    } catch (e) {
      instance = undefined; // an aborted wasm instance is unusable: make a new one next time
      out.push({ error: String((e && e.message) || e) });
      continue;
    }
    if (r.status === 'success') out.push({ svg: r.output });
    else out.push({ error: r.errors.map((x) => x.level + ': ' + x.message).join('; ') || 'render failed' });
  }
  return out;
}
parentPort.on('message', (dots) => {
  renderAll(dots).then(
    (results) => port.postMessage({ results }),
    (e) => port.postMessage({ fatal: String((e && e.stack) || e) }),
  ).finally(() => {
    Atomics.add(done, 0, 1);
    Atomics.notify(done, 0);
  });
});
`;

interface RenderResult {
  readonly svg?: string;
  readonly error?: string;
}

interface PoolWorker {
  readonly worker: Worker;
  readonly port: MessagePort;
}

/** Worker threads, each with its own viz instance. They share one completion counter. */
interface Pool {
  readonly workers: PoolWorker[];
  readonly done: Int32Array;
}

let pool: Pool | undefined;

/** At most this many worker threads (each holds a Graphviz instance of ~20 MB). */
const MAX_WORKERS = Math.max(1, Math.min(4, availableParallelism()));
/** Below this many sources per extra worker, starting another worker costs more than it saves. */
const SOURCES_PER_WORKER = 8;

function startWorker(done: SharedArrayBuffer): PoolWorker {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { vizEntry: vizEntry(), port: port2, done },
    transferList: [port2],
  });
  worker.unref();
  port1.unref();
  return { worker, port: port1 };
}

function stopPool() {
  if (pool) {
    for (const w of pool.workers) {
      void w.worker.terminate();
      w.port.close();
    }
    pool = undefined;
  }
}

/**
 * Renders in worker threads (contiguous chunks, one per worker, as many workers as the batch
 * is worth). Blocks until all answered; throws (and drops the pool) when one does not.
 */
function renderInWorkers(dots: string[]): RenderResult[] {
  const wanted = Math.max(1, Math.min(MAX_WORKERS, Math.floor(dots.length / SOURCES_PER_WORKER)));
  if (!pool) {
    const sab = new SharedArrayBuffer(4);
    pool = { workers: [], done: new Int32Array(sab) };
  }
  const p = pool;
  while (p.workers.length < wanted) p.workers.push(startWorker(p.done.buffer as SharedArrayBuffer));
  const size = Math.ceil(dots.length / wanted);
  const chunks: string[][] = [];
  for (let i = 0; i < dots.length; i += size) chunks.push(dots.slice(i, i + size));
  Atomics.store(p.done, 0, 0);
  chunks.forEach((chunk, i) => p.workers[i].worker.postMessage(chunk));
  const deadline = Date.now() + TIMEOUT_MS;
  for (let n = Atomics.load(p.done, 0); n < chunks.length; n = Atomics.load(p.done, 0)) {
    const left = deadline - Date.now();
    if (left <= 0 || Atomics.wait(p.done, 0, n, left) === 'timed-out') {
      stopPool();
      throw new Error(`Graphviz worker did not answer within ${TIMEOUT_MS} ms`);
    }
  }
  const results: RenderResult[] = [];
  chunks.forEach((_, i) => {
    const msg = receiveMessageOnPort(p.workers[i].port);
    const reply = msg?.message as { results?: RenderResult[]; fatal?: string } | undefined;
    if (!reply?.results) {
      stopPool();
      throw new Error(`Graphviz worker failed: ${reply?.fatal ?? 'no answer'}`);
    }
    results.push(...reply.results);
  });
  return results;
}

const CHILD_SOURCE = `
const viz = require(process.argv[1]);
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', async () => {
  const dots = JSON.parse(input);
  const instance = await viz.instance();
  const out = dots.map((dot) => {
    const r = instance.render(dot, { format: 'svg' });
    return r.status === 'success' ? { svg: r.output } : { error: r.errors.map((x) => x.level + ': ' + x.message).join('; ') || 'render failed' };
  });
  process.stdout.write(JSON.stringify(out));
});
`;

/**
 * Renders DOT sources in a fresh Node child process (`execFileSync`). The slower, independent
 * path, used when the worker thread is unavailable.
 */
export function renderSvgInChildProcess(dots: string[]): RenderResult[] {
  const stdout = execFileSync(process.execPath, ['-e', CHILD_SOURCE, vizEntry()], {
    input: JSON.stringify(dots),
    maxBuffer: 1 << 30,
    timeout: TIMEOUT_MS,
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as RenderResult[];
}

/**
 * Which way `renderSvgs` renders: `auto` (the worker thread, or a child process if the worker
 * fails), `worker` (the worker thread only) or `child-process`.
 */
export type SvgRenderMode = 'auto' | 'worker' | 'child-process';

/**
 * The Graphviz instance of this module, once loaded. It is a loaded resource (a WASM module),
 * not synth state: it never changes what a synth produces, only how fast an SVG is drawn.
 */
const loaded: { promise?: Promise<void>; instance?: any } = {};

/**
 * Starts loading Graphviz in this thread, in the background (the CLI calls it before it runs the
 * app). Once the promise has settled, renders run in this thread without a worker. Never rejects.
 */
export function preloadSvgRenderer(): Promise<void> {
  if (loaded.promise) return loaded.promise;
  loaded.promise = (async () => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded.instance = await require(vizEntry()).instance();
    } catch {
      loaded.instance = undefined; // the worker path remains
    }
  })();
  return loaded.promise;
}

/** Renders in this thread with a preloaded instance, or returns undefined when there is none. */
function renderInThread(dots: string[]): RenderResult[] | undefined {
  const state = loaded;
  if (!state.instance) return undefined;
  const out: RenderResult[] = [];
  for (const dot of dots) {
    let r: any;
    try {
      r = state.instance.render(dot, { format: 'svg' });
    } catch (e: any) {
      state.instance = undefined; // an aborted wasm instance is unusable
      return undefined;
    }
    if (r.status === 'success') out.push({ svg: r.output });
    else out.push({ error: r.errors.map((x: any) => `${x.level}: ${x.message}`).join('; ') || 'render failed' });
  }
  return out;
}

/**
 * Renders several DOT sources to SVG, synchronously, in one round trip. In `auto` mode, SVGs
 * rendered before come from the disk cache (svg-cache.ts), and only the others are drawn.
 *
 * @param dots DOT sources
 * @param mode see `SvgRenderMode`
 * @returns one SVG per DOT source, in order
 * @throws Error naming the Graphviz message when a source does not render
 */
export function renderSvgs(dots: string[], mode: SvgRenderMode = 'auto'): string[] {
  if (dots.length === 0) return [];
  const cache = mode === 'auto' ? SvgCache.open() : undefined;
  const cached = dots.map((dot) => cache?.get(dot));
  const missing = dots.filter((_, i) => cached[i] === undefined);
  const rendered = missing.length > 0 ? renderResults(missing, mode) : [];
  let k = 0;
  return dots.map((dot, i) => {
    const hit = cached[i];
    if (hit !== undefined) return hit;
    const r = rendered[k++];
    if (r.svg === undefined) throw new Error(`Graphviz could not render diagram ${i + 1} of ${dots.length}: ${r.error}`);
    cache?.put(dot, r.svg);
    return r.svg;
  });
}

function renderResults(dots: string[], mode: SvgRenderMode): RenderResult[] {
  // In this thread for a few diagrams (no worker start-up); big batches go to the worker pool,
  // which renders on every core.
  const inThread = mode === 'auto' && dots.length <= 4 ? renderInThread(dots) : undefined;
  if (inThread) return inThread;
  if (mode === 'auto') {
    try {
      return renderInWorkers(dots);
    } catch {
      return renderSvgInChildProcess(dots);
    }
  }
  return mode === 'worker' ? renderInWorkers(dots) : renderSvgInChildProcess(dots);
}

/** Renders one DOT source to SVG, synchronously (see `renderSvgs`). */
export function renderSvg(dot: string, mode: SvgRenderMode = 'auto'): string {
  return renderSvgs([dot], mode)[0];
}

/** Stops the render worker, if one runs (tests, the worker never keeps a process alive). */
export function stopSvgRenderer(): void {
  stopPool();
}
