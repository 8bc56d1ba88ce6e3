#!/usr/bin/env node
/**
 * Writes lib/core/private/prop-schema.json: the shape of the public API, taken from the jsii
 * assembly (.jsii), for the run-time check of props (lib/core/private/check-props.ts). Apps run
 * through tsx without type-checking, so without it a misspelled prop would be silently dropped.
 *
 *   node scripts/prop-schema.js [out]   # run after jsii (`npm run compile`, `build`, `prepare`)
 *
 * The schema holds only what a check needs, so that it changes only when the API's shape does:
 * - struct: every property (inherited ones too) with its type and whether it is optional;
 * - enum: its members with their run-time values (read from the compiled lib/index.js: the
 *   assembly has the names only);
 * - class: its base, the instance members that identify an instance (a duck test that works
 *   across two copies of the library), its static factories, and the parameters of its
 *   initializer and of each method;
 * - interface (behavioural): its members and the classes that implement it.
 * A type is a string (`string`, `number`, `boolean`, `any`, `json`, `date`, or an fqn) or
 * `{ "array": T }`, `{ "map": T }`, `{ "union": [T, …] }`.
 */
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const DEFAULT_OUT = path.join(root, 'lib', 'core', 'private', 'prop-schema.json');

function typeRef(t) {
  if (t === undefined) return 'any';
  if (t.primitive) return t.primitive;
  if (t.fqn) return t.fqn;
  if (t.collection) return { [t.collection.kind === 'map' ? 'map' : 'array']: typeRef(t.collection.elementtype) };
  if (t.union) return { union: t.union.types.map(typeRef) };
  if (t.intersection) return 'any';
  throw new Error(`prop-schema: a type jsii has and this script does not know: ${JSON.stringify(t)}`);
}

function params(list) {
  return (list ?? []).map((p) => {
    const out = { n: p.name, t: typeRef(p.type) };
    if (p.optional) out.o = 1;
    if (p.variadic) out.v = 1;
    return out;
  });
}

/**
 * Builds the schema from a parsed assembly. `enumObject(name)` returns the run-time object of
 * the exported enum `name` (e.g. `require('lib/index.js')[name]`).
 */
function buildSchema(assembly, enumObject) {
  const types = assembly.types;
  const out = {};
  const structProps = (fqn, seen = new Set()) => {
    const t = types[fqn];
    if (!t || seen.has(fqn)) return [];
    seen.add(fqn);
    const own = (t.properties ?? []).map((p) => ({ n: p.name, t: typeRef(p.type), ...(p.optional ? { o: 1 } : {}) }));
    const names = new Set(own.map((p) => p.n));
    const inherited = (t.interfaces ?? []).flatMap((i) => structProps(i, seen)).filter((p) => !names.has(p.n));
    return [...own, ...inherited];
  };
  const classChain = (fqn) => {
    const chain = [];
    for (let t = types[fqn]; t; t = t.base ? types[t.base] : undefined) chain.push(t);
    return chain;
  };
  const ifaceMembers = (fqn, seen = new Set()) => {
    const t = types[fqn];
    if (!t || seen.has(fqn)) return [];
    seen.add(fqn);
    const own = [...(t.properties ?? []).filter((p) => !p.static && !p.optional), ...(t.methods ?? []).filter((m) => !m.static)].map((m) => m.name);
    return [...own, ...(t.interfaces ?? []).flatMap((i) => ifaceMembers(i, seen))];
  };
  for (const fqn of Object.keys(types).sort()) {
    const t = types[fqn];
    if (t.kind === 'enum') {
      const obj = enumObject(t.name);
      if (!obj || typeof obj !== 'object') throw new Error(`prop-schema: enum ${t.name} is not exported by the compiled library`);
      const members = {};
      for (const m of t.members) {
        if (!(m.name in obj)) throw new Error(`prop-schema: enum member ${t.name}.${m.name} is not in the compiled library (compile first)`);
        members[m.name] = obj[m.name];
      }
      out[fqn] = { k: 'enum', name: t.name, members };
    } else if (t.kind === 'interface' && t.datatype) {
      const props = structProps(fqn).sort((a, b) => (a.o ?? 0) - (b.o ?? 0) || a.n.localeCompare(b.n));
      out[fqn] = { k: 'struct', name: t.name, file: t.locationInModule?.filename, props };
    } else if (t.kind === 'interface') {
      const implementedBy = Object.keys(types)
        .filter((c) => types[c].kind === 'class' && classChain(c).some((x) => (x.interfaces ?? []).includes(fqn)))
        .sort();
      out[fqn] = { k: 'interface', name: t.name, members: [...new Set(ifaceMembers(fqn))].sort(), implementedBy };
    } else if (t.kind === 'class') {
      const chain = classChain(fqn);
      const members = new Set();
      for (const c of chain) {
        for (const p of c.properties ?? []) if (!p.static && !p.optional) members.add(p.name);
        for (const m of c.methods ?? []) if (!m.static) members.add(m.name);
      }
      const methods = {};
      for (const m of [...(t.methods ?? [])].sort((a, b) => a.name.localeCompare(b.name))) {
        methods[m.name] = { ...(m.static ? { s: 1 } : {}), p: params(m.parameters) };
      }
      const factories = (t.methods ?? []).filter((m) => m.static && m.returns?.type?.fqn === fqn).map((m) => m.name).sort();
      out[fqn] = {
        k: 'class',
        name: t.name,
        ...(t.base ? { base: t.base } : {}),
        file: t.locationInModule?.filename,
        members: [...members].sort(),
        ...(factories.length > 0 ? { factories } : {}),
        ...(t.initializer ? { init: params(t.initializer.parameters) } : {}),
        methods,
      };
    }
  }
  return { schema: 1, assembly: assembly.name, types: out };
}

/** One type per line: small, and a change of the API shows as a readable diff. */
function format(schema) {
  const lines = Object.entries(schema.types).map(([fqn, t]) => `    ${JSON.stringify(fqn)}: ${JSON.stringify(t)}`);
  return `{\n  "schema": ${schema.schema},\n  "assembly": ${JSON.stringify(schema.assembly)},\n  "types": {\n${lines.join(',\n')}\n  }\n}\n`;
}

function main() {
  const out = path.resolve(process.argv[2] ?? DEFAULT_OUT);
  const assemblyFile = path.join(root, '.jsii');
  if (!fs.existsSync(assemblyFile)) {
    console.error('prop-schema: no .jsii assembly: run jsii first (npm run compile)');
    process.exit(1);
  }
  const assembly = JSON.parse(fs.readFileSync(assemblyFile, 'utf8'));
  const lib = require(path.join(root, 'lib', 'index.js'));
  const text = format(buildSchema(assembly, (name) => lib[name]));
  if (!fs.existsSync(out) || fs.readFileSync(out, 'utf8') !== text) fs.writeFileSync(out, text);
}

module.exports = { buildSchema, format };

if (require.main === module) main();
