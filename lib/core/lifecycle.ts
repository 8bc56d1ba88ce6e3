import { IConstruct } from 'constructs';
import { COPY, processWide } from './private/global';

/** @internal A step run at synth before validation (e.g. numbering aliases once all VIPs exist). */
export type PrepareHook = () => void;

const prepares = processWide('prepares', () => new WeakMap<IConstruct, Array<{ hook: PrepareHook; late: boolean; copy: symbol }>>());

/** Constructs found at synth that belong to another copy of the library. */
export const foreignConstructs = new Set<IConstruct>();

/**
 * Registers a preparation step of `scope`: it runs at every synth, before validation, in tree
 * order. It must be idempotent (synth may run more than once). `late` steps run after all others.
 */
export function addPrepare(scope: IConstruct, hook: PrepareHook, late = false): void {
  const list = prepares.get(scope) ?? [];
  list.push({ hook, late, copy: COPY });
  prepares.set(scope, list);
}

/**
 * Runs every preparation step under `root`, in tree order: first the ordinary ones (services
 * contributing to hosts), then the late ones (hosts materializing what was contributed).
 */
export function runPrepare(root: IConstruct): void {
  generation++;
  preparing = true;
  try {
    prepareAll(root);
  } finally {
    preparing = false;
  }
  // Preparation may have added constructs: lookups memoized so far are void.
  if (synthDepth > 0) memo = new WeakMap();
}

let generation = 0;
let preparing = false;

/** The number of the preparation running now, or undefined outside preparation. */
export function preparingGeneration(): number | undefined {
  return preparing ? generation : undefined;
}

function prepareAll(root: IConstruct): void {
  foreignConstructs.clear();
  const all = root.node.findAll();
  for (const late of [false, true]) {
    for (const c of all) {
      for (const h of prepares.get(c) ?? []) {
        if (h.copy !== COPY) {
          foreignConstructs.add(c);
          continue;
        }
        if (h.late === late) h.hook();
      }
    }
  }
}

// Memoization for the duration of one synth: tree-wide lookups (every cluster of a host, every
// HAProxy on a host) are computed once per synth instead of once per host, which keeps large
// fleets linear. Outside a synth nothing is cached, so a tree that changes is always seen fresh.
let synthDepth = 0;
let memo = new WeakMap<object, Map<string, unknown>>();

/** Runs `fn` as one synth: memoized lookups live until it returns. */
export function withinSynth<T>(fn: () => T): T {
  if (synthDepth === 0) memo = new WeakMap();
  synthDepth++;
  try {
    return fn();
  } finally {
    synthDepth--;
    if (synthDepth === 0) memo = new WeakMap();
  }
}

/** `compute()`, memoized per (key, name) while a synth runs. */
export function synthMemo<T>(key: object, name: string, compute: () => T): T {
  if (synthDepth === 0) return compute();
  let m = memo.get(key);
  if (!m) {
    m = new Map();
    memo.set(key, m);
  }
  if (m.has(name)) return m.get(name) as T;
  const v = compute();
  m.set(name, v);
  return v;
}

/** Every construct under `root` (pre-order), memoized during a synth. */
export function allConstructs(root: IConstruct): IConstruct[] {
  return synthMemo(root, 'findAll', () => root.node.findAll());
}

/**
 * The constructs of one kind that reach `host`, found once per synth for all hosts: e.g. every
 * CarpCluster a host is a member of. `select` returns the hosts a construct reaches, or
 * undefined for constructs of another kind.
 */
export function constructsReaching<T extends IConstruct, H extends IConstruct>(
  host: H,
  name: string,
  select: (c: IConstruct) => H[] | undefined,
): T[] {
  const root = host.node.root;
  const byHost = synthMemo(root, `reaching:${name}`, () => {
    const m = new Map<IConstruct, T[]>();
    for (const c of allConstructs(root)) {
      for (const h of select(c) ?? []) m.set(h, [...(m.get(h) ?? []), c as T]);
    }
    return m;
  });
  return byHost.get(host) ?? [];
}
