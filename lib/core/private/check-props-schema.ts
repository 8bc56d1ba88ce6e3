/** @internal The props' declared shapes: prop-schema.json, read and compiled on first use. */
import * as fs from 'fs';
import * as path from 'path';
import { article, SENSITIVE, short } from './check-props-text';
import { RawType, Compiled, StructProp } from './prop-schema-types';

const SCHEMA_FILE = path.join(__dirname, 'prop-schema.json');

/** The raw schema, read once on first use (undefined when the file is missing: nothing is checked). */
let raw: Record<string, RawType> | undefined | null = null;
/** Types compiled on first use, once per process (they are read-only afterwards). */
const compiled = new Map<string, Compiled | undefined>();

function schema(): Record<string, RawType> | undefined {
  if (raw === null) {
    try {
      raw = (JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as { types: Record<string, RawType> }).types;
    } catch {
      // No schema (a checkout that was never compiled): accept everything rather than guess.
      raw = undefined;
    }
  }
  return raw;
}

/** The compiled type `fqn` (e.g. `cdkbsd.HaproxyFrontendProps`), or undefined when the schema does not know it. */
export function lookup(fqn: string): Compiled | undefined {
  const hit = compiled.get(fqn);
  if (hit !== undefined || compiled.has(fqn)) return hit;
  const r = schema()?.[fqn];
  const c = r === undefined ? undefined : compile(r);
  compiled.set(fqn, c);
  return c;
}


function compile(r: RawType): Compiled {
  switch (r.k) {
    case 'struct': {
      const props = new Map<string, StructProp>();
      for (const p of r.props ?? []) props.set(p.n, { name: p.n, t: p.t, optional: p.o === 1, sensitive: SENSITIVE.test(p.n) });
      const propList = [...props.values()];
      const requiredProps = propList.filter((p) => !p.optional);
      return { kind: 'struct', name: r.name, file: r.file, props, keys: [...props.keys()], required: requiredProps.map((p) => p.name), requiredProps, propList };
    }
    case 'enum': {
      const members = new Map(Object.entries((r.members ?? {}) as Record<string, unknown>));
      return { kind: 'enum', name: r.name, members, values: new Set(members.values()), allowed: [...members.keys()].map((m) => `${r.name}.${m}`).join(', ') };
    }
    case 'class': {
      const factories = (r.factories ?? []).map((f) => `${r.name}.${f}(…)`);
      return {
        kind: 'class',
        name: r.name,
        members: (r.members ?? []) as string[],
        allowed: factories.length > 0 ? `${article(r.name)}: ${factories.join(', ')}` : article(r.name),
        init: r.init,
        methods: r.methods ?? {},
      };
    }
    default: {
      const implementers = (r.implementedBy ?? []).map(short);
      return {
        kind: 'interface',
        name: r.name,
        members: (r.members ?? []) as string[],
        implementers,
        allowed: implementers.length > 0 ? implementers.map(article).join(' or ') : `an object implementing ${r.name}`,
      };
    }
  }
}
