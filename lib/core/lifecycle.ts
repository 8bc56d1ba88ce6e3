import { IConstruct } from 'constructs';

/** @internal A step run at synth before validation (e.g. numbering aliases once all VIPs exist). */
export type PrepareHook = () => void;

const prepares = new WeakMap<IConstruct, Array<{ hook: PrepareHook; late: boolean }>>();

/**
 * Registers a preparation step of `scope`: it runs at every synth, before validation, in tree
 * order. It must be idempotent (synth may run more than once). `late` steps run after all others.
 */
export function addPrepare(scope: IConstruct, hook: PrepareHook, late = false): void {
  const list = prepares.get(scope) ?? [];
  list.push({ hook, late });
  prepares.set(scope, list);
}

/**
 * Runs every preparation step under `root`, in tree order: first the ordinary ones (services
 * contributing to hosts), then the late ones (hosts materializing what was contributed).
 */
export function runPrepare(root: IConstruct): void {
  const all = root.node.findAll();
  for (const late of [false, true]) {
    for (const c of all) {
      for (const h of prepares.get(c) ?? []) if (h.late === late) h.hook();
    }
  }
}
