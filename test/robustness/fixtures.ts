// Shared fixtures of the robustness tests: a "full" app that uses every construct and every
// string prop once (each prop is an injection site with a name), and helpers to synthesize into a
// temporary outdir and to snapshot a folder.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { App, CarpCluster, Duration, Errors, FreeBsdHost, Secret, TopologyDiagram, ValidationIssue } from '../../lib/index';
import { AnsibleDeployment } from '../../lib/deploy/ansible';
import { HaproxyBackend } from '../../lib/haproxy/backend';
import { Certificate } from '../../lib/haproxy/certificate';
import { HaproxyFrontend } from '../../lib/haproxy/frontend';
import { Haproxy } from '../../lib/haproxy/haproxy';
import { HealthCheck } from '../../lib/haproxy/health-check';
import { PfRule } from '../../lib/pf/pf-rule';
import { PfRuleset } from '../../lib/pf/pf-ruleset';
import { PfTable } from '../../lib/pf/pf-table';
import { PfAction, PfDirection, PfProtocol } from '../../lib/pf/types';
import { PfAddress, PfPort } from '../../lib/pf/values';

/** The CARP password and stats password of the fixtures (scanned for in every output). */
export const CARP_PASSWORD = 'Zq7carpSECRETw9';
export const STATS_PASSWORD = 'Stats-SECRET-x8J';

/** Returns the value of an injection site (the default unless the test injects something). */
export type Inject = (site: string, dflt: string) => string;

/** The full fixture: every construct, and where each site's error is expected. */
export interface Full {
  readonly app: App;
  readonly h1: FreeBsdHost;
  readonly h2: FreeBsdHost;
  readonly cluster: CarpCluster;
  readonly hp: Haproxy;
  readonly fe: HaproxyFrontend;
  readonly be: HaproxyBackend;
  readonly pf: PfRuleset;
  readonly table: PfTable;
  readonly rule: PfRule;
  /** site → the construct whose path an error about the site must carry. */
  readonly owners: Map<string, IConstruct>;
  /** site → its default value (every site the builder offers). */
  readonly defaults: Map<string, string>;
}

export interface FullOptions {
  readonly outdir?: string;
  readonly inject?: Inject;
  readonly diagram?: boolean;
  /** Adds an AnsibleDeployment (deploy/inventory.yml, deploy/site.yml). @default true */
  readonly deploy?: boolean;
}

/**
 * Builds the full app: two hosts in a CARP cluster (IPv4 + IPv6 VIP), HAProxy with a TLS
 * frontend, a route, a backend with a TLS server and an HTTP health check, stats page and peers,
 * a PF ruleset with pfsync, an SSH allow-list, a table and a user rule, user rc.conf, sysctl and
 * loader keys, a user file, and an Ansible deployment. Every string prop goes through `inject`.
 */
export function buildFull(opts: FullOptions = {}): Full {
  const owners = new Map<string, IConstruct>();
  const defaults = new Map<string, string>();
  const inj: Inject = opts.inject ?? ((_s, d) => d);
  const v = (site: string, dflt: string): string => {
    defaults.set(site, dflt);
    return inj(site, dflt);
  };
  const at = <T extends IConstruct>(c: T, ...sites: string[]): T => {
    for (const s of sites) owners.set(s, c);
    return c;
  };

  const app = new App({ outdir: opts.outdir ?? path.join(os.tmpdir(), 'cdkbsd-unused') });
  if (opts.diagram) new TopologyDiagram(app, 'Topology');
  const host = (n: number) => {
    const h = new FreeBsdHost(app, v(`host${n}.id`, `Haproxy0${n}`), {
      hostname: v(`host${n}.hostname`, `haproxy0${n}.example.net`),
      release: v(`host${n}.release`, '14.3'),
      defaultRouter: v(`host${n}.defaultRouter`, '10.1.60.1'),
      ipv6DefaultRouter: v(`host${n}.ipv6DefaultRouter`, 'fd5e:d1c2:c9de:60::1'),
      managementAddress: n === 1 ? v('host1.managementAddress', `10.1.60.20${n}`) : undefined,
    });
    at(h, `host${n}.id`, `host${n}.hostname`, `host${n}.release`, `host${n}.defaultRouter`, `host${n}.ipv6DefaultRouter`, `host${n}.managementAddress`);
    const ifname = n === 1 ? v('host1.interface', 'vnet0') : 'vnet0';
    const i = h.addInterface(ifname, {
      ipv4: n === 1 ? v('host1.ipv4', `10.1.60.20${n}/24`) : `10.1.60.20${n}/24`,
      ipv6: [n === 1 ? v('host1.ipv6', `fd5e:d1c2:c9de:60::20${n}/64`) : `fd5e:d1c2:c9de:60::20${n}/64`],
    });
    at(i, `host${n}.interface`, `host${n}.ipv4`, `host${n}.ipv6`);
    h.addInterface('vnet1', { ipv4: `192.168.77.${n}/24` });
    return h;
  };
  const h1 = host(1);
  const h2 = host(2);

  // User keys and a user file of host 1.
  at(h1, 'rc.key', 'rc.value', 'sysctl.key', 'sysctl.value', 'loader.key', 'loader.value', 'file.path', 'file.content');
  h1.rcConf.set(v('rc.key', 'cdkbsd_note'), v('rc.value', 'hello world'));
  h1.sysctlConf.set(v('sysctl.key', 'kern.ipc.somaxconn'), v('sysctl.value', '1024'));
  h1.loaderConf.set(v('loader.key', 'kern.maxfiles'), v('loader.value', '65536'));
  h1.addFile(v('file.path', '/usr/local/etc/motd.txt'), v('file.content', 'Welcome'));

  const cluster = new CarpCluster(app, v('cluster.id', 'Carp'), {
    members: [h1, h2],
    interfaceName: v('cluster.interfaceName', 'vnet0'),
    password: Secret.fromLiteral(v('cluster.password', CARP_PASSWORD)),
    pfsync: { interfaceName: v('cluster.pfsyncInterface', 'vnet1') },
  });
  at(cluster, 'cluster.id', 'cluster.interfaceName', 'cluster.password', 'cluster.pfsyncInterface');
  const vip = cluster.addVip(v('vip.id', 'Vip'), {
    vhid: 1,
    ipv4: [v('vip.ipv4', '10.1.60.200/32')],
    ipv6: [v('vip.ipv6', 'fd5e:d1c2:c9de:60::200')],
  });
  at(vip, 'vip.id', 'vip.ipv4', 'vip.ipv6');

  const hp = new Haproxy(app, v('haproxy.id', 'Proxy'), {
    target: cluster,
    user: v('haproxy.user', 'www'),
    group: v('haproxy.group', 'www'),
    chroot: v('haproxy.chroot', '/var/haproxy'),
    logFacility: v('haproxy.logFacility', 'local0'),
    logLevel: v('haproxy.logLevel', 'info'),
    configPath: v('haproxy.configPath', '/usr/local/etc/haproxy.conf'),
    timeouts: { client: Duration.seconds(30) },
  });
  at(hp, 'haproxy.id', 'haproxy.user', 'haproxy.group', 'haproxy.chroot', 'haproxy.logFacility', 'haproxy.logLevel', 'haproxy.configPath',
    'stats.user', 'stats.password', 'stats.uri', 'peers.name', 'peers.localName');
  const be = hp.addBackend(v('backend.id', 'App'), {
    name: v('backend.name', 'be_app'),
    healthCheck: HealthCheck.http(v('healthCheck.path', '/healthz'), { host: v('healthCheck.host', 'app.example.net'), method: v('healthCheck.method', 'GET') }),
    stickyCookie: { name: v('backend.cookie', 'SRV') },
  });
  at(be, 'backend.id', 'backend.name', 'healthCheck.path', 'healthCheck.host', 'healthCheck.method', 'backend.cookie',
    'server.name', 'server.address', 'server.caFile', 'server.sni');
  be.addServer(v('server.name', 'app1'), {
    address: v('server.address', '10.1.70.11'),
    port: 8443,
    tls: { caFile: v('server.caFile', '/usr/local/etc/ssl/internal-ca.pem'), sni: v('server.sni', 'app1.internal.example.net') },
  });
  const fe = hp.addFrontend(v('frontend.id', 'Web'), {
    name: v('frontend.name', 'fe_web'),
    vips: [vip],
    addresses: [v('frontend.address', '192.168.77.250')],
    transparent: true, // an address the hosts do not have (bound with IP_BINDANY)
    certificates: [
      Certificate.fromFile(v('cert.file', '/usr/local/etc/ssl/example.net.pem')),
      Certificate.fromDirectory(v('cert.directory', '/usr/local/etc/haproxy/certs')),
      Certificate.fromCrtList(v('cert.crtList', '/usr/local/etc/haproxy/crt-list.txt')),
    ],
    alpn: [v('frontend.alpn', 'h2'), 'http/1.1'],
  });
  at(fe, 'frontend.id', 'frontend.name', 'frontend.address', 'cert.file', 'cert.directory', 'cert.crtList', 'frontend.alpn', 'route.domain');
  fe.addRoute({ domains: [v('route.domain', 'app.example.net'), '*.example.org'], backend: be });
  hp.addStatsPage({ user: v('stats.user', 'admin'), password: Secret.fromLiteral(v('stats.password', STATS_PASSWORD)), uri: v('stats.uri', '/stats') });
  hp.enablePeers({ name: v('peers.name', 'members') });
  hp.setLocalPeerName(h2, v('peers.localName', 'peer2'));

  const pf = new PfRuleset(app, v('pf.id', 'Firewall'), {
    target: cluster,
    externalInterface: v('pf.externalInterface', 'vnet0'),
    externalInterfaceMacro: v('pf.macro', 'ext_if'),
    skipInterfaces: [v('pf.skip', 'lo0')],
    sshFrom: [v('pf.sshFrom', '10.1.0.0/16'), 'fd5e:d1c2:c9de::/48'],
    pfsyncInterfaceMacro: v('pf.pfsyncMacro', 'sync_if'),
  });
  at(pf, 'pf.id', 'pf.externalInterface', 'pf.macro', 'pf.skip', 'pf.sshFrom', 'pf.pfsyncMacro');
  const table = pf.addTable(v('table.id', 'monitoring'), { addresses: [v('table.address', '192.0.2.0/24'), '2001:db8::/32'] });
  at(table, 'table.id', 'table.address');
  const rule = pf.addRule(v('rule.id', 'Monitoring'), {
    action: PfAction.PASS,
    direction: PfDirection.IN,
    interfaceName: v('rule.interface', 'vnet0'),
    protocols: [PfProtocol.TCP],
    from: [PfAddress.table(table), PfAddress.prefix(v('rule.from', '198.51.100.0/24'))],
    toPorts: [PfPort.service(v('rule.service', 'https')), PfPort.number(9100)],
    label: v('rule.label', 'monitoring'),
    comment: v('rule.comment', 'node exporter'),
  });
  at(rule, 'rule.id', 'rule.interface', 'rule.from', 'rule.service', 'rule.label', 'rule.comment');
  // A last rule without a comment: its trailing comment is its construct path.
  const last = pf.addRule(v('rule2.id', 'NoTelnet'), { action: PfAction.BLOCK, direction: PfDirection.IN, protocols: [PfProtocol.TCP], toPorts: [PfPort.number(23)] });
  at(last, 'rule2.id');
  pf.addRule('NoFinger', { action: PfAction.BLOCK, direction: PfDirection.IN, protocols: [PfProtocol.TCP], toPorts: [PfPort.number(79)] });

  if (opts.deploy ?? true) {
    const d = new AnsibleDeployment(app, v('deploy.id', 'Deploy'), {
      remoteUser: v('deploy.remoteUser', 'admin'),
      healthCheckUrls: [v('deploy.healthCheckUrl', 'http://127.0.0.1:8404/stats')],
    });
    at(d, 'deploy.id', 'deploy.remoteUser', 'deploy.healthCheckUrl');
  }
  return { app, h1, h2, cluster, hp, fe, be, pf, table, rule, owners, defaults };
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'cdkbsd-robust-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A snapshot of a folder and its siblings: every entry (relative path, type, mode, size,
 * sha256 of files, mtime) under `dir`, plus the names next to it in its parent (temp or
 * old folders left behind show up there).
 */
export function snapshot(dir: string): string {
  const lines: string[] = [];
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const full = path.join(d, name);
      const st = fs.lstatSync(full);
      const rel = path.relative(dir, full);
      if (st.isDirectory()) {
        lines.push(`d ${rel} ${(st.mode & 0o7777).toString(8)}`);
        walk(full);
      } else {
        const sha = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
        lines.push(`f ${rel} ${(st.mode & 0o7777).toString(8)} ${st.size} ${sha} ${st.mtimeMs}`);
      }
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  lines.push(`siblings: ${fs.readdirSync(path.dirname(dir)).sort().join(' ')}`);
  return lines.join('\n');
}

/** The outcome of running something that should fail validation. */
export interface Failure {
  readonly error: unknown;
  readonly isValidation: boolean;
  readonly issues: ValidationIssue[];
}

/** Runs `f` and returns what it threw (fails when it throws nothing). */
export function failureOf(f: () => unknown): Failure {
  try {
    f();
  } catch (error) {
    return { error, isValidation: Errors.isValidationError(error), issues: Errors.issuesOf(error) };
  }
  throw new Error('expected a failure, but it succeeded');
}

/** A short description of what was thrown, for assertion messages. */
export function describeError(e: unknown): string {
  if (Errors.isValidationError(e)) return `ValidationError: ${(e as Error).message}`;
  return `${(e as any)?.name ?? typeof e}: ${(e as any)?.message ?? String(e)}`;
}
