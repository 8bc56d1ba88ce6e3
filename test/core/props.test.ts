import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';
import { describe, expect, test, vi } from 'vitest';
import * as lib from '../../lib/index';
import {
  App, BalanceAlgorithm, CarpCluster, Duration, Errors, FreeBsdHost, Haproxy, HealthCheck, PfAction, PfProtocol, PfRuleset, PfState,
  Secret, Testing, TopologyDiagram, ValidationIssue,
} from '../../lib/index';
import { argProblems, closest, propProblems } from '../../lib/core/private/check-props';
import { buildReferenceApp } from '../../examples/ha-reverse-proxy/main';
import { buildSingleHostApp } from '../../examples/single-host/main';

// Apps run through tsx without type-checking: every prop is checked at run time against its
// declared shape, taken from the jsii assembly (lib/core/private/prop-schema.json, written by
// scripts/prop-schema.js after jsii). Tests write what an untyped app can: `as any`.

const ROOT = path.resolve(__dirname, '..', '..');
const SCHEMA_FILE = path.join(ROOT, 'lib', 'core', 'private', 'prop-schema.json');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildSchema } = require(path.join(ROOT, 'scripts', 'prop-schema.js'));
const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')).types as Record<string, any>;

/** Two hosts on one segment, as most tests need. */
function world() {
  const app = new App();
  const a = new FreeBsdHost(app, 'A', { hostname: 'a.example.net' });
  const b = new FreeBsdHost(app, 'B', { hostname: 'b.example.net' });
  a.addInterface('vtnet0', { ipv4: '10.0.0.1/24' });
  b.addInterface('vtnet0', { ipv4: '10.0.0.2/24' });
  return { app, a, b };
}

const cluster = (w: ReturnType<typeof world>, extra: object = {}) =>
  new CarpCluster(w.app, 'Cluster', { interfaceName: 'vtnet0', members: [w.a, w.b], password: Secret.fromLiteral('s3cretpass'), ...extra } as any);

type Row = [path: string, message: string, value: string | undefined, allowed: string | undefined];
const row = (i: ValidationIssue): Row => [i.path, i.message, i.value, i.allowed];

/** The errors of a synth, which must fail with a ValidationError (never another error). */
function errorsOf(app: App): Row[] {
  try {
    Testing.synth(app);
  } catch (e) {
    expect(Errors.isValidationError(e), String(e)).toBe(true);
    return Errors.issuesOf(e).map(row);
  }
  throw new Error('the synth passed');
}

const keysOf = (struct: string): string => schema[`cdkbsd.${struct}`].props.map((p: any) => p.n).join(', ');
const FRONTEND_KEYS = keysOf('HaproxyFrontendProps');

describe('an unknown key is an error naming the key, the struct, the allowed keys and the closest one', () => {
  test('FreeBsdHost, CarpVip, HaproxyFrontend, HaproxyServer (a method), TopologyDiagram', () => {
    const w = world();
    new FreeBsdHost(w.app, 'C', { hostname: 'c.example.net', defaultRoutr: '10.0.0.254' } as any);
    cluster(w).addVip('Vip', { vhid: 10, ipv4: ['10.0.0.10/24'], ipv6s: [] } as any);
    const h = new Haproxy(w.app, 'Haproxy', { target: w.a });
    const be = h.addBackend('be');
    be.addServer('s1', { address: '10.0.0.5', port: 80, wieght: 5 } as any);
    h.addFrontend('fe', { addresses: ['10.0.0.1'], plainHttp: true, defaultBackend: be, maxcon: 100, listen: 443 } as any);
    new TopologyDiagram(w.app, 'Diagram', { maxhosts: 3 } as any);
    expect(errorsOf(w.app)).toEqual([
      ['C', 'Unknown property "defaultRoutr" in FreeBsdHostProps; did you mean "defaultRouter"?', 'defaultRoutr',
        keysOf('FreeBsdHostProps')],
      ['Cluster/Vip', 'Unknown property "ipv6s" in CarpVipProps; did you mean "ipv6"?', 'ipv6s', 'vhid, ipv4, ipv6'],
      ['Diagram', 'Unknown property "maxhosts" in TopologyDiagramProps; did you mean "maxHosts"?', 'maxhosts', 'maxHosts, splitAbove, title'],
      ['Haproxy/be', 'Unknown property "wieght" in HaproxyServerProps; did you mean "weight"?', 'wieght', keysOf('HaproxyServerProps')],
      ['Haproxy/fe', 'Unknown property "maxcon" in HaproxyFrontendProps; did you mean "maxconn"?', 'maxcon', FRONTEND_KEYS],
      // Not a misspelling of any key: no suggestion.
      ['Haproxy/fe', 'Unknown property "listen" in HaproxyFrontendProps', 'listen', FRONTEND_KEYS],
    ]);
  });

  test('options of value classes (HealthCheck, PfState) are reported by the construct that uses them, at its path', () => {
    const w = world();
    const h = new Haproxy(w.app, 'Haproxy', { target: w.a });
    const be = h.addBackend('be', { healthCheck: HealthCheck.http('/healthz', { intervall: Duration.seconds(2) } as any) });
    be.addServer('s1', { address: '10.0.0.5', port: 80 });
    h.addFrontend('fe', { addresses: ['10.0.0.1'], plainHttp: true, defaultBackend: be });
    const fw = new PfRuleset(w.app, 'Firewall', { target: w.a, externalInterface: 'vtnet0' });
    fw.addRule('Web', { action: PfAction.PASS, protocols: [PfProtocol.TCP], state: PfState.keep({ maxSrcConnRat: 5 } as any) });
    expect(errorsOf(w.app).map((r) => r.slice(0, 3))).toEqual([
      ['Firewall/Web', 'State: Unknown property "maxSrcConnRat" in PfStateOptions; did you mean "maxSrcConnRate"?', 'maxSrcConnRat'],
      ['Haproxy/be', 'Unknown property "intervall" in HttpHealthCheckOptions; did you mean "interval"?', 'intervall'],
    ]);
  });

  test('nested structs and arrays are checked with the path of the key', () => {
    const w = world();
    const h = new Haproxy(w.app, 'Haproxy', { target: w.a });
    h.addFrontend('fe', { addresses: ['10.0.0.1'], plainHttp: true, hsts: { maxage: Duration.days(1) } } as any);
    new PfRuleset(w.app, 'Firewall', { target: w.b, externalInterface: 'vtnet0', management: [{ from: ['10.0.0.0/24'] }, { from: ['10.0.0.0/25'], interfacename: 'vtnet0' }] } as any);
    expect(errorsOf(w.app).map((r) => r.slice(0, 3))).toEqual([
      ['Firewall', 'Unknown property "management[1].interfacename" in PfManagementAccess; did you mean "interfaceName"?', 'interfacename'],
      ['Haproxy/fe', 'Unknown property "hsts.maxage" in HstsOptions; did you mean "maxAge"?', 'maxage'],
    ]);
  });
});

describe('a value of the wrong type, or not a member of its enum', () => {
  test('a wrong type says what was expected and what was given', () => {
    const w = world();
    cluster(w, { preempt: 'yes' });
    const h = new Haproxy(w.app, 'Haproxy', { target: w.a });
    h.addFrontend('fe', { addresses: ['10.0.0.1'], plainHttp: true, strictSni: 'true' } as any);
    expect(errorsOf(w.app)).toEqual([
      ['Cluster', 'preempt must be a boolean, not a string', 'yes', 'a boolean'],
      ['Haproxy/fe', 'strictSni must be a boolean, not a string', 'true', 'a boolean'],
    ]);
  });

  test('a class-typed value: a plain object or a string is not an instance; the factories are named', () => {
    const problems = propProblems('cdkbsd.HaproxyBackendProps', { healthCheck: { path: '/healthz' }, stickOnSource: { expire: 30 } });
    expect(problems).toEqual([
      {
        message: 'healthCheck must be a HealthCheck, not an object',
        value: '{ path }',
        allowed: 'a HealthCheck: HealthCheck.http(…), HealthCheck.imap(…), HealthCheck.mysql(…), HealthCheck.postgres(…), HealthCheck.redis(…), HealthCheck.smtp(…), HealthCheck.tcp(…), HealthCheck.tcpSendExpect(…)',
        fatal: true,
      },
      {
        message: 'stickOnSource.expire must be a Duration, not a number',
        value: '30',
        allowed: 'a Duration: Duration.days(…), Duration.hours(…), Duration.millis(…), Duration.minutes(…), Duration.seconds(…)',
        fatal: true,
      },
    ]);
  });

  test('an instance of another copy of cdkbsd, a subclass, or an object with every member is accepted', () => {
    // Another copy: same class name, no shared prototype.
    class Duration { toHaproxy() { return '1s'; } toMilliseconds() { return 1000; } toSeconds() { return 1; } }
    class MyBackend extends lib.HaproxyBackend {}
    const w = world();
    const h = new Haproxy(w.app, 'Haproxy', { target: w.a });
    const mine = new MyBackend(h, 'mine');
    const duck = { toHaproxy: () => '2s', toMilliseconds: () => 2000, toSeconds: () => 2, toString: () => '2s' };
    expect(propProblems('cdkbsd.HaproxyTimeouts', { client: new Duration(), server: duck })).toEqual([]);
    expect(propProblems('cdkbsd.HaproxyFrontendProps', { defaultBackend: mine })).toEqual([]);
  });

  test('a string that is not an enum member, with the member it was probably meant to be', () => {
    expect(propProblems('cdkbsd.HaproxyBackendProps', { balance: 'ROUND_ROBIN' })).toEqual([
      { message: 'balance is not a member of BalanceAlgorithm; did you mean BalanceAlgorithm.ROUND_ROBIN?', value: 'ROUND_ROBIN', allowed: 'BalanceAlgorithm.ROUND_ROBIN, BalanceAlgorithm.LEAST_CONNECTIONS, BalanceAlgorithm.SOURCE, BalanceAlgorithm.FIRST' },
    ]);
    // The run-time value of a member is a member (plain JavaScript may write it).
    expect(propProblems('cdkbsd.HaproxyBackendProps', { balance: 'leastconn' })).toEqual([]);
    expect(propProblems('cdkbsd.PfRuleProps', { action: PfAction.PASS, protocols: [PfProtocol.TCP, 'tpc'] }).map((p) => p.message)).toEqual([
      'protocols[1] is not a member of PfProtocol; did you mean PfProtocol.TCP?',
    ]);
  });

  test('a misspelled enum member is undefined: an error when the prop is required or in a list, a warning when it is optional', () => {
    const undefinedMember = (BalanceAlgorithm as any).LEAST_CONN;
    expect(undefinedMember).toBeUndefined();
    expect(propProblems('cdkbsd.PfRuleProps', { action: (PfAction as any).ALLOW, protocols: [PfProtocol.TCP, (PfProtocol as any).TPC] })).toEqual([
      { message: 'action is undefined: PfAction has no such member?', value: 'undefined', allowed: 'PfAction.PASS, PfAction.BLOCK' },
      { message: 'protocols[1] is undefined: PfProtocol has no such member?', value: 'undefined', allowed: expect.stringMatching(/^PfProtocol\.TCP, PfProtocol\.UDP, /) },
    ]);
    // An explicit undefined for an optional prop is valid TypeScript (a wrapper passing its own
    // optional prop on), so it is a warning, and the default applies.
    const w = world();
    const h = new Haproxy(w.app, 'Haproxy', { target: w.a });
    h.addBackend('be', { balance: undefinedMember }).addServer('s1', { address: '10.0.0.5', port: 80 });
    h.addFrontend('fe', { addresses: ['10.0.0.1'], plainHttp: true, defaultBackend: h.backends[0] });
    const t = Testing.synth(w.app);
    expect(t.warnings.map(row)).toEqual([
      ['Haproxy/be', 'balance is undefined: BalanceAlgorithm has no such member? (the default is used)', undefined,
        'BalanceAlgorithm.ROUND_ROBIN, BalanceAlgorithm.LEAST_CONNECTIONS, BalanceAlgorithm.SOURCE, BalanceAlgorithm.FIRST'],
    ]);
    // The key left out entirely: nothing to say.
    expect(propProblems('cdkbsd.HaproxyBackendProps', {})).toEqual([]);
  });

  test('one mistake, one error: where the construct checks the value itself, its words are kept and the generic one is left out', () => {
    const w = world();
    cluster(w).addVip('Vip', { vhid: '10', ipv4: ['10.0.0.10/24'] } as any);
    expect(errorsOf(w.app).filter((r) => r[0] === 'Cluster/Vip')).toEqual([
      ['Cluster/Vip', 'vhid must be an integer from 1 to 255', '10', 'integers 1–255'],
    ]);
  });

  test('a required key left out is reported when the construct says nothing about it', () => {
    expect(propProblems('cdkbsd.HaproxyServerProps', { address: '10.0.0.5' })).toEqual([
      { message: 'port is required in HaproxyServerProps', allowed: 'a number' },
    ]);
    expect(argProblems('cdkbsd.HaproxyBackend', 'addServer', ['s1'])).toEqual([
      { message: 'props of HaproxyBackend.addServer() is required', allowed: 'a HaproxyServerProps', fatal: true },
    ]);
  });
});

describe('secrets are never shown', () => {
  test('a string where a Secret belongs, a misspelled password key, a Secret where a string belongs', () => {
    const problems = [
      ...propProblems('cdkbsd.HaproxyStatsPageProps', { user: 'admin', password: 'hunter2-stats' }),
      ...propProblems('cdkbsd.HaproxyStatsPageProps', { user: 'admin', password: Secret.fromLiteral('x'), passwd: 'hunter2-typo' }),
      ...propProblems('cdkbsd.HaproxyStatsPageProps', { user: Secret.fromLiteral('hunter2-as-user'), password: Secret.fromLiteral('x') }),
    ];
    expect(problems.map((p) => [p.message, p.value])).toEqual([
      ['password must be a Secret, not a string', undefined],
      ['Unknown property "passwd" in HaproxyStatsPageProps; did you mean "password"?', 'passwd'],
      ['user must be a string, not a Secret', 'a Secret'],
    ]);
    expect(JSON.stringify(problems)).not.toMatch(/hunter2/);
  });
});

describe('valid input gives no finding', () => {
  const GENERIC = /Unknown property|has no such member|is not a member of|must be (a|an) .*, not |is required in/;

  test('the reference example and the single-host example synthesize with no prop finding', () => {
    for (const app of [buildReferenceApp(), buildSingleHostApp()]) {
      const t = Testing.synth(app); // any error would throw
      expect(t.warnings.filter((i) => GENERIC.test(i.message))).toEqual([]);
    }
  });

  test('a subclass of the app\'s own may extend the props: its extra keys are not flagged, its declared ones are checked', () => {
    interface WebHostProps extends lib.FreeBsdHostProps { readonly role: string }
    class WebHost extends FreeBsdHost {
      public readonly role: string;
      constructor(scope: App, id: string, props: WebHostProps) {
        super(scope, id, props);
        this.role = props.role;
      }
    }
    const app = new App();
    new WebHost(app, 'Web', { hostname: 'web.example.net', role: 'frontend' });
    expect(() => Testing.synth(app)).not.toThrow();
    const bad = new App();
    new WebHost(bad, 'Web', { hostname: 'web.example.net', role: 'frontend', sshd: 'yes' } as any);
    expect(errorsOf(bad)).toEqual([['Web', 'sshd must be a boolean, not a string', 'yes', 'a boolean']]);
  });

  test('closest: case and one slip are forgiven; a different word is not suggested', () => {
    expect(closest('healthcheck', ['healthCheck', 'name'])).toBe('healthCheck');
    expect(closest('vhdi', ['vhid', 'ipv4'])).toBe('vhid');
    expect(closest('mode', ['name', 'maxconn'])).toBeUndefined();
  });
});

describe('the schema covers the whole API, and every construct checks its props', () => {
  test('the schema is what scripts/prop-schema.js writes from the assembly: every struct and every key of .jsii is in it', () => {
    const file = path.join(ROOT, '.jsii');
    expect(fs.existsSync(file), 'no .jsii: run `npm run compile`').toBe(true);
    const assembly = JSON.parse(fs.readFileSync(file, 'utf8'));
    const fresh = buildSchema(assembly, (name: string) => (lib as any)[name]).types;
    const missing: string[] = [];
    for (const [fqn, t] of Object.entries<any>(fresh)) {
      if (!(fqn in schema)) missing.push(fqn);
      else if (t.k === 'struct') {
        const have = new Set(schema[fqn].props.map((p: any) => `${p.n}${p.o ? '?' : ''}: ${JSON.stringify(p.t)}`));
        for (const p of t.props) if (!have.has(`${p.n}${p.o ? '?' : ''}: ${JSON.stringify(p.t)}`)) missing.push(`${fqn}.${p.n}`);
      }
    }
    expect(missing, 'lib/core/private/prop-schema.json is stale: run `npm run compile`').toEqual([]);
  });

  test('every exported struct of the TypeScript sources, with every key and whether it is optional, is in the schema; enums with their values', () => {
    // The sources themselves (not the last compile): a prop added without `npm run compile`
    // would be reported as unknown; this test says so first.
    const program = ts.createProgram([path.join(ROOT, 'lib', 'index.ts')], { strict: true, noEmit: true, skipLibCheck: true, types: [] });
    const checker = program.getTypeChecker();
    const index = checker.getSymbolAtLocation(program.getSourceFile(path.join(ROOT, 'lib', 'index.ts'))!)!;
    const problems: string[] = [];
    for (let sym of checker.getExportsOfModule(index)) {
      if (sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
      const name = sym.getName();
      if (sym.getJsDocTags().some((tag) => tag.name === 'internal')) continue; // not in the assembly
      const fqn = `cdkbsd.${name}`;
      if (sym.flags & ts.SymbolFlags.Interface && !/^I[A-Z]/.test(name)) {
        const entry = schema[fqn];
        if (entry?.k !== 'struct') {
          problems.push(`${fqn}: not a struct of the schema`);
          continue;
        }
        const want = checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(sym)).map((p) => `${p.getName()}${p.flags & ts.SymbolFlags.Optional ? '?' : ''}`).sort();
        const have = entry.props.map((p: any) => `${p.n}${p.o ? '?' : ''}`).sort();
        if (JSON.stringify(want) !== JSON.stringify(have)) problems.push(`${fqn}: sources ${want.join(' ')} / schema ${have.join(' ')}`);
      } else if (sym.flags & ts.SymbolFlags.Enum) {
        const values = { ...(lib as any)[name] };
        for (const k of Object.keys(values)) if (/^\d+$/.test(k)) delete values[k];
        if (JSON.stringify(values) !== JSON.stringify(schema[fqn]?.members)) problems.push(`${fqn}: enum members differ`);
      }
    }
    expect(problems, 'lib/core/private/prop-schema.json is stale: run `npm run compile`').toEqual([]);
  }, 60_000);

  test('every construct whose initializer takes props calls checkInit on them, and every method taking props checks them or passes them to such a constructor', () => {
    const isConstruct = (fqn: string): boolean => {
      for (let t = schema[fqn]; t; t = schema[t.base]) if (t.base === 'constructs.Construct') return true;
      return false;
    };
    const structOf = (params: any[] = []) => params.find((p) => typeof p.t === 'string' && schema[p.t]?.k === 'struct')?.t;
    const takes = (params: any[] = [], struct: string) => params.some((p) => p.t === struct || p.t?.union?.includes(struct));
    const sources = new Map<string, ts.SourceFile>();
    const classNode = (t: any): ts.ClassDeclaration | undefined => {
      const file = path.join(ROOT, t.file);
      if (!sources.has(file)) sources.set(file, ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true));
      return sources.get(file)!.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === t.name);
    };
    const problems: string[] = [];
    for (const [fqn, t] of Object.entries<any>(schema)) {
      if (t.k !== 'class') continue;
      const node = classNode(t);
      if (!node) {
        problems.push(`${fqn}: class not found in ${t.file}`);
        continue;
      }
      const body = (m: ts.ClassElement | undefined) => (m as ts.FunctionLikeDeclaration | undefined)?.body?.getText() ?? '';
      const props = t.init?.find((p: any) => p.n === 'props');
      if (isConstruct(fqn) && props) {
        const ctor = body(node.members.find(ts.isConstructorDeclaration));
        const inherited = schema[t.base]?.init && structOf(schema[t.base].init) === props.t;
        const checked = ctor.includes(`checkInit(this, '${fqn}', props)`) || (typeof props.t !== 'string' && ctor.includes('checkProps(this, '));
        if (!checked && !inherited) problems.push(`${fqn}: the constructor does not call checkInit(this, '${fqn}', props)`);
      }
      for (const [name, m] of Object.entries<any>(t.methods)) {
        const struct = structOf(m.p);
        if (m.s || !struct) continue;
        const method = (n: string) => body(node.members.find((x) => ts.isMethodDeclaration(x) && x.name.getText() === n));
        // The method, and the class's own helpers it calls (`this.addTranslation(…)`).
        let text = method(name);
        for (const [, helper] of text.matchAll(/this\.([A-Za-z_]\w*)\(/g)) text += method(helper);
        const viaConstructor = Object.entries<any>(schema).some(([, c]) => c.k === 'class' && c.init && takes(c.init, struct) && text.includes(`new ${c.name}(`));
        if (!viaConstructor && !text.includes(`checkArgs(this, '${fqn}', '${name}', arguments)`) && !text.includes(`checkProps(this, '${struct}'`)) {
          problems.push(`${fqn}.${name}(): its ${short(struct)} is not checked (checkArgs(this, '${fqn}', '${name}', arguments))`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

function short(fqn: string): string {
  return fqn.slice(fqn.lastIndexOf('.') + 1);
}

describe('cost', () => {
  test('the schema is parsed once: checking the props of 2,000 hosts parses no JSON and takes milliseconds', () => {
    const props = { hostname: 'web.example.net', defaultRouter: '10.0.0.1', managementAddress: '10.0.0.2', sshd: true };
    const iface = { ipv4: '10.0.0.2/24', ipv6: ['fd00::2/64'] };
    propProblems('cdkbsd.FreeBsdHostProps', props); // read on first use
    const parse = vi.spyOn(JSON, 'parse');
    const start = process.hrtime.bigint();
    for (let i = 0; i < 2000; i++) {
      propProblems('cdkbsd.FreeBsdHostProps', props);
      propProblems('cdkbsd.NetworkInterfaceProps', iface);
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
    // About 3 µs a check on an idle machine; the bound leaves room for a loaded one.
    expect(ms).toBeLessThan(1000);
  });
});
