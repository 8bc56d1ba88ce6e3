// Wrong-shaped props, generated from the props' declared shapes (prop-schema.json): for every
// construct and every public method that takes props, the props are left out, null, a string, a
// number, an array, and each of their keys gets null, a wrong primitive, an array where an object
// goes, a plain object where a class instance goes, a string where a construct goes. Each case
// must end in cdkbsd's own ValidationError (at the call or at synth) that names the construct
// path, the bad value and what is allowed: never a TypeError, never `[object Object]`, never the
// CARP password.
import { describe, expect, test } from 'vitest';
import { App, CarpCluster, Errors, FreeBsdHost, Secret, Testing } from '../../lib/index';
import { AcmeCa } from '../../lib/acme/acme-ca';
import { AcmeCertificate } from '../../lib/acme/acme-certificate';
import { AcmeChallenge } from '../../lib/acme/acme-challenge';
import { AnsibleDeployment } from '../../lib/deploy/ansible';
import { TopologyDiagram } from '../../lib/diagram/topology-diagram';
import { HaproxyWatch } from '../../lib/failover/haproxy-watch';
import { HaproxyBackend } from '../../lib/haproxy/backend';
import { HaproxyFrontend } from '../../lib/haproxy/frontend';
import { Haproxy } from '../../lib/haproxy/haproxy';
import { ProxyMode } from '../../lib/haproxy/tcp';
import { PfRuleset } from '../../lib/pf/pf-ruleset';
import { PfAction } from '../../lib/pf/types';
import { PfAddress } from '../../lib/pf/values';
import { CARP_PASSWORD, describeError } from './fixtures';

type TypeRef = string | { array: TypeRef } | { map: TypeRef } | { union: TypeRef[] };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const TYPES = (require('../../lib/core/private/prop-schema.json') as { types: Record<string, any> }).types;

/** A small valid tree that every case starts from. */
interface Fx {
  readonly app: App;
  readonly h1: FreeBsdHost;
  readonly h2: FreeBsdHost;
  /** A host outside the cluster, for a second Haproxy or PfRuleset. */
  readonly h3: FreeBsdHost;
  readonly cluster: CarpCluster;
  readonly hp: Haproxy;
  readonly be: HaproxyBackend;
  readonly fe: HaproxyFrontend;
  readonly pf: PfRuleset;
}

function fixture(app = new App()): Fx {
  const host = (n: number) => {
    const h = new FreeBsdHost(app, `Lb${n}`, { hostname: `lb${n}.example.net`, defaultRouter: '192.0.2.1' });
    h.addInterface('vtnet0', { ipv4: `192.0.2.1${n}/24` });
    h.addInterface('vtnet1', { ipv4: `198.51.100.1${n}/24` });
    return h;
  };
  const h1 = host(1);
  const h2 = host(2);
  const h3 = host(3);
  const cluster = new CarpCluster(app, 'Carp', { members: [h1, h2], interfaceName: 'vtnet0', password: Secret.fromLiteral(CARP_PASSWORD) });
  const vip = cluster.addVip('Web', { vhid: 1, ipv4: ['192.0.2.50'] });
  const hp = new Haproxy(app, 'Proxy', { target: cluster });
  const be = hp.addBackend('be_app');
  be.addServer('app1', { address: '10.0.0.11', port: 8080 });
  const fe = hp.addFrontend('fe_web', { vips: [vip] });
  fe.addRoute({ domains: ['app.example.net'], backend: be });
  const pf = new PfRuleset(app, 'Firewall', { target: cluster, externalInterface: 'vtnet0' });
  return { app, h1, h2, h3, cluster, hp, be, fe, pf };
}

/** A backend for a TCP frontend (a backend runs in one mode). */
function tcpBackend(f: Fx): HaproxyBackend {
  const b = f.hp.addBackend('be_tcp');
  b.addServer('tcp1', { address: '10.0.0.21', port: 443 });
  return b;
}

/** One way in: a struct of props, how to pass it, valid props to start from, where errors go. */
interface Entry {
  readonly name: string;
  readonly struct: string;
  /** Whether the props may be left out. */
  readonly optional: boolean;
  readonly valid: (f: Fx) => Record<string, unknown>;
  readonly call: (f: Fx, props: any) => unknown;
  /** The construct path the errors must carry (an issue's path starts with it). */
  readonly path: string;
}

const ENTRIES: Entry[] = [
  { name: 'new App', struct: 'cdkbsd.AppProps', optional: true, valid: () => ({ outdir: '/tmp/cdkbsd-unused' }), call: (_f, p) => fixture(new App(p)), path: '' },
  { name: 'new FreeBsdHost', struct: 'cdkbsd.FreeBsdHostProps', optional: false, valid: () => ({ hostname: 'x.example.net', release: '14.3' }), call: (f, p) => new FreeBsdHost(f.app, 'X', p), path: 'X' },
  { name: 'host.addInterface', struct: 'cdkbsd.NetworkInterfaceProps', optional: true, valid: () => ({ ipv4: '203.0.113.1/24', ipv6: ['2001:db8:1::1/64'] }), call: (f, p) => f.h1.addInterface('vtnet2', p), path: 'Lb1' },
  { name: 'host.addVlan', struct: 'cdkbsd.VlanInterfaceProps', optional: false, valid: () => ({ parent: 'vtnet1', vlanId: 10, ipv4: '203.0.113.1/24' }), call: (f, p) => f.h1.addVlan('vlan10', p), path: 'Lb1' },
  { name: 'host.addLagg', struct: 'cdkbsd.LaggInterfaceProps', optional: false, valid: () => ({ ports: ['em0', 'em1'], protocol: 'lacp' }), call: (f, p) => { f.h1.addInterface('em0'); f.h1.addInterface('em1'); return f.h1.addLagg('lagg0', p); }, path: 'Lb1' },
  { name: 'host.addBridge', struct: 'cdkbsd.BridgeInterfaceProps', optional: true, valid: () => ({ members: ['vtnet1'], ipv4: '203.0.113.1/24' }), call: (f, p) => f.h1.addBridge('bridge0', p), path: 'Lb1' },
  { name: 'host.addEpair', struct: 'cdkbsd.NetworkInterfaceProps', optional: true, valid: () => ({ ipv4: '203.0.113.1/24' }), call: (f, p) => f.h1.addEpair('epair0', p), path: 'Lb1' },
  { name: 'host.addRoute', struct: 'cdkbsd.StaticRouteProps', optional: false, valid: () => ({ destination: '10.9.0.0/16', gateway: '192.0.2.1' }), call: (f, p) => f.h1.addRoute('lan', p), path: 'Lb1' },
  { name: 'host.addFile', struct: 'cdkbsd.FileOptions', optional: true, valid: () => ({ mode: 0o600, secret: true }), call: (f, p) => f.h1.addFile('/usr/local/etc/x.conf', 'x', p), path: 'Lb1' },
  { name: 'new CarpCluster', struct: 'cdkbsd.CarpClusterProps', optional: false, valid: (f) => ({ members: [f.h1, f.h2], interfaceName: 'vtnet1', password: Secret.fromLiteral(CARP_PASSWORD), advbase: 1, preempt: true, pfsync: { interfaceName: 'vtnet1' } }), call: (f, p) => new CarpCluster(f.app, 'Carp2', p), path: 'Carp2' },
  { name: 'cluster.addVip', struct: 'cdkbsd.CarpVipProps', optional: false, valid: () => ({ vhid: 2, ipv4: ['192.0.2.51'] }), call: (f, p) => f.cluster.addVip('Vip2', p), path: 'Carp' },
  { name: 'new Haproxy', struct: 'cdkbsd.HaproxyProps', optional: false, valid: (f) => ({ target: f.h3, maxconn: 100, timeouts: {} }), call: (f, p) => new Haproxy(f.app, 'Proxy2', p), path: 'Proxy2' },
  { name: 'haproxy.addBackend', struct: 'cdkbsd.HaproxyBackendProps', optional: true, valid: () => ({ name: 'be_x' }), call: (f, p) => { const b = f.hp.addBackend('be_x', p); b.addServer('s', { address: '10.0.0.13', port: 80 }); f.fe.addRoute({ domains: ['x.example.net'], backend: b }); }, path: 'Proxy' },
  { name: 'haproxy.addFrontend', struct: 'cdkbsd.HaproxyFrontendProps', optional: true, valid: (f) => ({ addresses: ['0.0.0.0'], httpPort: 8080, defaultBackend: f.be }), call: (f, p) => f.hp.addFrontend('fe_x', p), path: 'Proxy' },
  { name: 'haproxy.addStatsPage', struct: 'cdkbsd.HaproxyStatsPageProps', optional: false, valid: () => ({ user: 'admin', password: Secret.fromLiteral(CARP_PASSWORD) }), call: (f, p) => f.hp.addStatsPage(p), path: 'Proxy' },
  { name: 'haproxy.addMetrics', struct: 'cdkbsd.HaproxyMetricsProps', optional: true, valid: () => ({ port: 8405 }), call: (f, p) => f.hp.addMetrics(p), path: 'Proxy' },
  { name: 'haproxy.enablePeers', struct: 'cdkbsd.HaproxyPeersProps', optional: true, valid: () => ({ name: 'members' }), call: (f, p) => f.hp.enablePeers(p), path: 'Proxy' },
  { name: 'backend.addServer', struct: 'cdkbsd.HaproxyServerProps', optional: false, valid: () => ({ address: '10.0.0.12', port: 8080, weight: 10 }), call: (f, p) => f.be.addServer('app2', p), path: 'Proxy' },
  { name: 'frontend.addRoute', struct: 'cdkbsd.HaproxyRouteProps', optional: false, valid: (f) => ({ domains: ['b.example.net'], backend: f.be }), call: (f, p) => f.fe.addRoute(p), path: 'Proxy' },
  { name: 'frontend.addSniRoute', struct: 'cdkbsd.HaproxySniRouteProps', optional: false, valid: (f) => ({ domains: ['b.example.net'], backend: tcpBackend(f) }), call: (f, p) => f.hp.addFrontend('fe_tcp', { addresses: ['0.0.0.0'], port: 8443, mode: ProxyMode.TCP }).addSniRoute(p), path: 'Proxy' },
  { name: 'new PfRuleset', struct: 'cdkbsd.PfRulesetProps', optional: false, valid: (f) => ({ target: f.h3, externalInterface: 'vtnet0', sshFrom: ['198.51.100.0/24'] }), call: (f, p) => new PfRuleset(f.app, 'Fw', p), path: 'Fw' },
  { name: 'pf.addTable', struct: 'cdkbsd.PfTableProps', optional: true, valid: () => ({ addresses: ['192.0.2.0/24'] }), call: (f, p) => f.pf.addTable('t', p), path: 'Firewall' },
  { name: 'pf.addRule', struct: 'cdkbsd.PfRuleProps', optional: false, valid: () => ({ action: PfAction.PASS, from: [PfAddress.prefix('198.51.100.0/24')] }), call: (f, p) => f.pf.addRule('r', p), path: 'Firewall' },
  { name: 'pf.addNat', struct: 'cdkbsd.PfNatProps', optional: false, valid: () => ({ interfaceName: 'vtnet0', from: [PfAddress.prefix('10.0.0.0/8')], translateTo: PfAddress.interfaceAddress('vtnet0') }), call: (f, p) => f.pf.addNat('n', p), path: 'Firewall' },
  { name: 'pf.addRdr', struct: 'cdkbsd.PfRdrProps', optional: false, valid: () => ({ interfaceName: 'vtnet0', redirectTo: PfAddress.prefix('10.0.0.5') }), call: (f, p) => f.pf.addRdr('d', p), path: 'Firewall' },
  { name: 'pf.addBinat', struct: 'cdkbsd.PfBinatProps', optional: false, valid: () => ({ interfaceName: 'vtnet0', from: PfAddress.prefix('10.0.0.5'), translateTo: PfAddress.prefix('192.0.2.60') }), call: (f, p) => f.pf.addBinat('b', p), path: 'Firewall' },
  { name: 'pf.overrideOpening', struct: 'cdkbsd.PfOpeningOverride', optional: false, valid: () => ({ from: ['198.51.100.0/24'] }), call: (f, p) => f.pf.overrideOpening(f.fe, p), path: 'Firewall' },
  { name: 'new HaproxyWatch', struct: 'cdkbsd.HaproxyWatchProps', optional: false, valid: (f) => ({ cluster: f.cluster, haproxy: f.hp, fall: 3 }), call: (f, p) => new HaproxyWatch(f.app, 'Watch', p), path: 'Watch' },
  { name: 'new AcmeCertificate', struct: 'cdkbsd.AcmeCertificateProps', optional: false, valid: (f) => ({ target: f.cluster, domains: ['app.example.net'], challenge: AcmeChallenge.http01(), acceptTermsOfService: true, ca: AcmeCa.LETS_ENCRYPT }), call: (f, p) => new AcmeCertificate(f.app, 'Cert', p), path: 'Cert' },
  { name: 'new AnsibleDeployment', struct: 'cdkbsd.AnsibleDeploymentProps', optional: true, valid: () => ({ remoteUser: 'admin' }), call: (f, p) => new AnsibleDeployment(f.app, 'Deploy', p), path: 'Deploy' },
  { name: 'new TopologyDiagram', struct: 'cdkbsd.TopologyDiagramProps', optional: true, valid: () => ({ title: 'x' }), call: (f, p) => new TopologyDiagram(f.app, 'Diagram', p), path: 'Diagram' },
];

const isClassLike = (t: TypeRef) => typeof t === 'string' && ['class', 'interface'].includes(TYPES[t]?.k);
const kindOf = (t: TypeRef): string => (typeof t === 'string' ? (TYPES[t]?.k ?? t) : Object.keys(t)[0]);

/** Wrong values for a key of type `t` (`secret`: a Secret goes there: the wrong string is the password). */
function wrongValues(t: TypeRef, secret: boolean, depth = 0): Array<[string, unknown]> {
  const str = secret ? CARP_PASSWORD : '/x.pem';
  const out: Array<[string, unknown]> = [];
  const k = kindOf(t);
  if (k !== 'string' && k !== 'enum') out.push(['a string', str]);
  if (k !== 'number' && k !== 'enum') out.push(['a number', 42]);
  if (k !== 'boolean') out.push(['a boolean', true]);
  if (k !== 'array') out.push(['an array', [str]]);
  if (k !== 'map' && k !== 'struct' && !(k === 'interface' && typeof t === 'string' && TYPES[t].name.startsWith('I') === false)) out.push(['a plain object', { path: '/health' }]);
  if (k === 'enum') out.push(['a misspelled member', 'NO_SUCH_MEMBER']);
  if (k === 'struct' && depth === 0) {
    // One level down: every wrong value of each key of the nested struct (the other keys left out).
    for (const p of TYPES[t as string].props ?? []) {
      for (const [what, bad] of wrongValues(p.t, secret || p.t === 'cdkbsd.Secret', 1)) out.push([`{ ${p.n}: ${what} }`, { [p.n]: bad }]);
      out.push([`{ ${p.n}: null }`, { [p.n]: null }]);
    }
  }
  if (typeof t === 'object' && 'array' in t) {
    out.push(['[null]', [null]]);
    out.push(['[{}]', [{}]]);
    if (kindOf(t.array) !== 'string') out.push(['[a string]', [str]]);
    else out.push(['[a number]', [42]]);
    if (isClassLike(t.array)) out.push(['[a plain object]', [{ path: '/health' }]]);
    if (kindOf(t.array) === 'struct' && depth === 0) {
      for (const [what, bad] of wrongValues(t.array, secret, 0)) out.push([`[${what}]`, [bad]]);
    }
  }
  if (typeof t === 'object' && 'map' in t) out.push(['{ a: 42 }', { a: 42 }]);
  return out;
}

interface Case {
  readonly what: string;
  readonly props: (f: Fx) => unknown;
  /** Whether the call may succeed (null for an optional key, no props for optional props). */
  readonly mayPass: boolean;
}

function casesOf(e: Entry): Case[] {
  const cases: Case[] = [
    { what: 'no props', props: () => undefined, mayPass: e.optional },
    { what: 'props null', props: () => null, mayPass: e.optional },
    { what: 'props a string', props: () => 'x.example.net', mayPass: false },
    { what: 'props a number', props: () => 42, mayPass: false },
    { what: 'props an array of the valid props', props: (f) => [e.valid(f)], mayPass: false },
  ];
  for (const p of TYPES[e.struct].props ?? []) {
    const secret = p.t === 'cdkbsd.Secret';
    cases.push({ what: `${p.n}: null`, props: (f) => ({ ...e.valid(f), [p.n]: null }), mayPass: p.o === 1 });
    if (p.o !== 1) cases.push({ what: `${p.n} missing`, props: (f) => { const v = { ...e.valid(f) }; delete v[p.n]; return v; }, mayPass: false });
    for (const [what, bad] of wrongValues(p.t, secret)) cases.push({ what: `${p.n}: ${what}`, props: (f) => ({ ...e.valid(f), [p.n]: bad }), mayPass: false });
  }
  return cases;
}

/** What went wrong with a case, or undefined when it behaved. */
function verdict(e: Entry, c: Case): string | undefined {
  let thrown: unknown;
  try {
    const f = fixture();
    const out = e.call(f, c.props(f));
    Testing.synth(f.app);
    if (e.name === 'new App') Testing.synth((out as Fx).app);
  } catch (x) {
    thrown = x;
  }
  if (thrown === undefined) return c.mayPass ? undefined : 'accepted';
  if (!Errors.isValidationError(thrown)) return `threw ${describeError(thrown).split('\n')[0]}`;
  const text = (thrown as Error).message;
  if (/\[object Object\]|got: "undefined"|is not a function|Cannot read prop|is not iterable/.test(text)) return `unclear message: ${text}`;
  if (text.includes(CARP_PASSWORD)) return `the password in the message: ${text}`;
  const issues = Errors.issuesOf(thrown);
  const here = issues.filter((i) => (e.path === '' ? true : i.path === e.path || i.path.startsWith(`${e.path}/`)));
  if (here.length === 0) return `no issue at ${e.path}: ${text}`;
  if (!here.some((i) => i.allowed !== undefined && i.allowed !== '')) return `no issue says what is allowed: ${text}`;
  return undefined;
}

describe('wrong-shaped props give a ValidationError with path, value and what is allowed', () => {
  test('the table covers every construct and every method of the API that takes props', () => {
    expect(ENTRIES.reduce((n, e) => n + casesOf(e).length, 0)).toBeGreaterThan(1500);
  });

  test('the valid props of every entry synthesize (so that each case tests one mistake)', () => {
    const bad: string[] = [];
    for (const e of ENTRIES) {
      try {
        const f = fixture();
        e.call(f, e.valid(f));
        Testing.synth(f.app);
      } catch (x) {
        bad.push(`${e.name}: ${describeError(x)}`);
      }
    }
    expect(bad, bad.join('\n')).toEqual([]);
  });

  for (const e of ENTRIES) {
    test(e.name, () => {
      const bad: string[] = [];
      for (const c of casesOf(e)) {
        const v = verdict(e, c);
        if (v !== undefined) bad.push(`${c.what}: ${v}`);
      }
      expect(bad, bad.join('\n')).toEqual([]);
    });
  }
});

describe('value factories that take a construct', () => {
  test.each([
    ['PfAddress.table', () => PfAddress.table('monitoring' as any), 'PfAddress.table(): table must be a PfTable, not a string'],
    ['PfAddress.vip', () => PfAddress.vip({ vhid: 1 } as any), 'PfAddress.vip(): vip must be a CarpVip, not an object'],
    ['PfAddress.table without its table', () => (PfAddress as any).table(), 'PfAddress.table(): table of PfAddress.table() is required'],
  ])('%s with a wrong value throws a ValidationError, not a TypeError at synth', (_n, f, message) => {
    let thrown: unknown;
    try {
      f();
    } catch (e) {
      thrown = e;
    }
    expect(Errors.issuesOf(thrown).map((i) => i.message), describeError(thrown)).toEqual([message]);
  });
});

describe('a construct id or scope of the wrong type', () => {
  const calls: Array<[string, (f: Fx, id: any) => unknown]> = [
    ['new FreeBsdHost', (f, id) => new FreeBsdHost(f.app, id, { hostname: 'x.example.net' })],
    ['host.addInterface', (f, id) => f.h1.addInterface(id)],
    ['host.addRoute', (f, id) => f.h1.addRoute(id, { destination: '10.9.0.0/16', gateway: '192.0.2.1' })],
    ['new CarpCluster', (f, id) => new CarpCluster(f.app, id, { members: [f.h1, f.h2], interfaceName: 'vtnet1', password: Secret.fromLiteral(CARP_PASSWORD) })],
    ['cluster.addVip', (f, id) => f.cluster.addVip(id, { vhid: 2, ipv4: ['192.0.2.51'] })],
    ['new Haproxy', (f, id) => new Haproxy(f.app, id, { target: f.h3 })],
    ['haproxy.addBackend', (f, id) => f.hp.addBackend(id)],
    ['haproxy.addFrontend', (f, id) => f.hp.addFrontend(id)],
    ['backend.addServer', (f, id) => f.be.addServer(id, { address: '10.0.0.12', port: 80 })],
    ['new PfRuleset', (f, id) => new PfRuleset(f.app, id, { target: f.h3, externalInterface: 'vtnet0' })],
    ['pf.addTable', (f, id) => f.pf.addTable(id)],
    ['pf.addRule', (f, id) => f.pf.addRule(id, { action: PfAction.PASS })],
    ['pf.addNat', (f, id) => f.pf.addNat(id, { interfaceName: 'vtnet0', from: [PfAddress.prefix('10.0.0.0/8')], translateTo: PfAddress.interfaceAddress('vtnet0') })],
    ['new HaproxyWatch', (f, id) => new HaproxyWatch(f.app, id, { cluster: f.cluster, haproxy: f.hp })],
    ['new AnsibleDeployment', (f, id) => new AnsibleDeployment(f.app, id)],
    ['new TopologyDiagram', (f, id) => new TopologyDiagram(f.app, id)],
  ];
  test.each(calls)('%s: an id (or name) that is a number, an object, empty or left out is a ValidationError', (_n, call) => {
    const bad: string[] = [];
    for (const id of [42, { id: 'x' }, '', undefined, null]) {
      try {
        const f = fixture();
        call(f, id);
        Testing.synth(f.app);
        bad.push(`${JSON.stringify(id)}: accepted`);
      } catch (e) {
        const text = (e as Error).message;
        if (!Errors.isValidationError(e)) bad.push(`${JSON.stringify(id)}: ${describeError(e)}`);
        else if (/\[object|undefined"/.test(text)) bad.push(`${JSON.stringify(id)}: unclear: ${text}`);
      }
    }
    expect(bad, bad.join('\n')).toEqual([]);
  });

  test('a scope that is not a construct is a ValidationError', () => {
    for (const scope of ['app', 42, { node: 1 }]) {
      let thrown: unknown;
      try {
        new FreeBsdHost(scope as any, 'X', { hostname: 'x.example.net' });
      } catch (e) {
        thrown = e;
      }
      expect(Errors.issuesOf(thrown).map((i) => i.message), describeError(thrown)).toEqual([expect.stringMatching(/^The scope of a new construct must be a construct/)]);
    }
  });
});
