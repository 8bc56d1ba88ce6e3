/**
 * Process-wide registries. Module-level maps would be private to one copy of the library; when
 * two copies are loaded (two versions in node_modules, or sources next to compiled files), a
 * construct of one copy would be invisible to the App of the other and silently dropped. Keeping
 * the registries on globalThis lets every copy see every construct, and `COPY` tells them apart.
 */
export function processWide<T>(name: string, make: () => T): T {
  const g = globalThis as any;
  const key = Symbol.for(`cdkbsd.${name}`);
  if (g[key] === undefined) g[key] = make();
  return g[key] as T;
}

/** This copy of the library. */
export const COPY: symbol = Symbol('cdkbsd copy');
