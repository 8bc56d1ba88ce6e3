import { execFileSync } from 'child_process';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';

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
const signal = new Int32Array(workerData.signal);
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
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
});
`;

interface RenderResult {
  readonly svg?: string;
  readonly error?: string;
}

interface Bridge {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly signal: Int32Array;
}

let bridge: Bridge | undefined;

function startBridge(): Bridge {
  const { port1, port2 } = new MessageChannel();
  const sab = new SharedArrayBuffer(4);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { vizEntry: vizEntry(), port: port2, signal: sab },
    transferList: [port2],
  });
  worker.unref();
  port1.unref();
  return { worker, port: port1, signal: new Int32Array(sab) };
}

function stopBridge() {
  if (bridge) {
    void bridge.worker.terminate();
    bridge.port.close();
    bridge = undefined;
  }
}

/** Renders in the worker; throws (and drops the worker) when it does not answer. */
function renderInWorker(dots: string[]): RenderResult[] {
  bridge ??= startBridge();
  const b = bridge;
  Atomics.store(b.signal, 0, 0);
  b.worker.postMessage(dots);
  const waited = Atomics.wait(b.signal, 0, 0, TIMEOUT_MS);
  const msg = receiveMessageOnPort(b.port);
  if (waited === 'timed-out' || !msg) {
    stopBridge();
    throw new Error(`Graphviz worker did not answer within ${TIMEOUT_MS} ms`);
  }
  const reply = msg.message as { results?: RenderResult[]; fatal?: string };
  if (!reply.results) {
    stopBridge();
    throw new Error(`Graphviz worker failed: ${reply.fatal}`);
  }
  return reply.results;
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
 * Renders DOT sources in a fresh Node child process (`execFileSync`); the slower, independent
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
 * Renders several DOT sources to SVG, synchronously, in one round trip.
 *
 * @param dots DOT sources
 * @param mode see `SvgRenderMode`
 * @returns one SVG per DOT source, in order
 * @throws Error naming the Graphviz message when a source does not render
 */
export function renderSvgs(dots: string[], mode: SvgRenderMode = 'auto'): string[] {
  if (dots.length === 0) return [];
  let results: RenderResult[];
  if (mode === 'auto') {
    try {
      results = renderInWorker(dots);
    } catch {
      results = renderSvgInChildProcess(dots);
    }
  } else if (mode === 'worker') {
    results = renderInWorker(dots);
  } else {
    results = renderSvgInChildProcess(dots);
  }
  return results.map((r, i) => {
    if (r.svg === undefined) throw new Error(`Graphviz could not render diagram ${i + 1} of ${dots.length}: ${r.error}`);
    return r.svg;
  });
}

/** Renders one DOT source to SVG, synchronously (see `renderSvgs`). */
export function renderSvg(dot: string, mode: SvgRenderMode = 'auto'): string {
  return renderSvgs([dot], mode)[0];
}

/** Stops the render worker, if one runs (tests; the worker never keeps a process alive). */
export function stopSvgRenderer(): void {
  stopBridge();
}
