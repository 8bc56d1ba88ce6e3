import { IConstruct } from 'constructs';

/** @internal A step run at synth before validation (e.g. numbering aliases once all VIPs exist). */
export type PrepareHook = () => void;

const prepares = new WeakMap<IConstruct, PrepareHook[]>();

/**
 * Registers a preparation step of `scope`: it runs at every synth, before validation, in tree
 * order. It must be idempotent (synth may run more than once).
 */
export function addPrepare(scope: IConstruct, hook: PrepareHook): void {
  const list = prepares.get(scope) ?? [];
  list.push(hook);
  prepares.set(scope, list);
}

/** Runs every preparation step under `root`, in tree order. */
export function runPrepare(root: IConstruct): void {
  for (const c of root.node.findAll()) {
    for (const h of prepares.get(c) ?? []) h();
  }
}
