import { Construct } from 'constructs';
import { FirewallOpening, HostContribution, PlannedFile, SynthContext, sortedPorts } from '../core/contribution';
import { Diagnostics, IReporter } from '../core/diagnostics';
import { FileTarget, FreeBsdHost, ITargetHosts } from '../core/host';
import { generatedHeader } from '../core/private/header';
import { Secret } from '../core/secret';
import { IpAddress } from '../net/address';
import { Duration } from '../net/duration';
import { HaproxyBackend, HaproxyBackendProps } from './backend';
import { HaproxyFrontend } from './frontend';
import { HaproxyFrontendProps } from './frontend-props';
import { BackendModel, FrontendModel, HaproxyConfModel, PeersModel, StatsPageModel } from './model';
import { HAPROXY_NAME, HAPROXY_NAME_ALLOWED, isPort } from './private/names';
import { renderHaproxyConf } from './render';
import { HaproxyPeersProps, HaproxyProps, HaproxyStatsPageProps, StatsAddress } from './haproxy-props';
import { logFiles } from './private/log-files';
import { checkBackendUse, checkFrontend, checkUniqueNames, listenerKey, withModes } from './private/haproxy-checks';
import { HaproxyMetricsProps, METRICS_NAME, checkMetrics, metricsAddress, metricsModel, metricsPort } from './metrics';
import { TlsProfile } from './tls-profile';
import { checkArgs, checkInit, constructId } from '../core/private/check-props';


const LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];
const FACILITIES = ['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'auth2', 'ftp', 'ntp', 'audit', 'alert', 'cron2',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'];

/**
 * HAProxy as a TLS-terminating reverse proxy on a cluster (or one host): renders
 * /usr/local/etc/haproxy.conf on every target host and sets `haproxy_enable="YES"`.
 *
 * Add frontends (`addFrontend`) that bind to the cluster's VIPs and route by Host to backends
 * (`addBackend`). Every member gets the same config, so a failover only moves the VIP.
 *
 * @example
 * const proxy = new Haproxy(app, 'Proxy', { target: cluster });
 * const apps = proxy.addBackend('be_app', { healthCheck: HealthCheck.http('/healthz') });
 * apps.addServer('app1', { address: '10.0.0.11', port: 8080 });
 * const web = proxy.addFrontend('fe_web', { vips: [vip], certificates: [Certificate.fromDirectory('/usr/local/etc/haproxy/certs/')] });
 * web.addRoute({ domains: ['app.example.net'], backend: apps });
 */
export class Haproxy extends Construct {
  /** The hosts that run this HAProxy. */
  public readonly target: ITargetHosts;
  /** The TLS profile. */
  public readonly tlsProfile: TlsProfile;
  /** Where the config goes on each host. */
  public readonly configPath: string;
  private readonly props: HaproxyProps;
  private readonly frontendList: HaproxyFrontend[] = [];
  private readonly backendList: HaproxyBackend[] = [];
  private statsProps?: HaproxyStatsPageProps;
  private peersProps?: HaproxyPeersProps;
  private metricsProps?: HaproxyMetricsProps;
  private readonly localPeerNames = new Map<FreeBsdHost, string>();

  constructor(scope: Construct, id: string, props: HaproxyProps) {
    super(scope, constructId(scope, id));
    checkInit(this, 'cdkbsd.Haproxy', props);
    Object.defineProperty(this, HAPROXY_SYMBOL, { value: true });
    this.props = props;
    this.target = props.target;
    this.tlsProfile = props.tlsProfile ?? TlsProfile.intermediate();
    this.configPath = props.configPath ?? '/usr/local/etc/haproxy.conf';

    if (!props.target || !Array.isArray((props.target as ITargetHosts).targetHosts)) {
      Diagnostics.error(this, 'target must be a FreeBsdHost or a CarpCluster', { value: String(props.target), allowed: 'a FreeBsdHost or a CarpCluster' });
    }
    const int = (what: string, n: number | undefined, min: number, max: number) => {
      if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)) {
        Diagnostics.error(this, `${what} must be an integer from ${min} to ${max}`, { value: String(n), allowed: `${min}–${max}` });
      }
    };
    int('maxconn', props.maxconn, 1, 10_000_000);
    int('retries', props.retries, 0, 100);
    for (const [what, v] of [['user', props.user], ['group', props.group]] as const) {
      if (v !== undefined && !/^[a-z_][a-z0-9_-]{0,31}$/.test(v)) {
        Diagnostics.error(this, `${what} is not a valid name`, { value: String(v), allowed: 'a FreeBSD user/group name such as www' });
      }
    }
    if (props.chroot !== undefined && props.chroot !== '' && !/^\/[A-Za-z0-9._+@\/-]*$/.test(props.chroot)) {
      Diagnostics.error(this, 'chroot must be an absolute path (or empty for none)', { value: props.chroot, allowed: 'an absolute path such as /var/haproxy' });
    }
    if (props.logFacility !== undefined && !FACILITIES.includes(props.logFacility)) {
      Diagnostics.error(this, 'logFacility is not a syslog facility', { value: props.logFacility, allowed: FACILITIES.join(', ') });
    }
    if (props.logLevel !== undefined && !LOG_LEVELS.includes(props.logLevel)) {
      Diagnostics.error(this, 'logLevel is not a syslog level', { value: props.logLevel, allowed: LOG_LEVELS.join(', ') });
    }
    if (!/^\/[A-Za-z0-9._+@\/-]+$/.test(this.configPath)) {
      Diagnostics.error(this, 'configPath must be an absolute path', { value: String(this.configPath), allowed: '/usr/local/etc/haproxy.conf' });
    }

    for (const [name, d] of Object.entries(props.timeouts ?? {})) {
      if (d === undefined) continue;
      if (!(d instanceof Duration)) {
        Diagnostics.error(this, `timeouts.${name} must be a Duration`, { value: String(d), allowed: 'Duration.seconds(n) and friends' });
      } else if (d.toMilliseconds() > 2_147_483_647) {
        Diagnostics.error(this, `timeouts.${name} exceeds HAProxy's timer limit`, { value: d.toString(), allowed: 'at most 2147483647ms (about 24.8 days)' });
      }
    }

    Diagnostics.addValidation(this, (r) => this.validateTree(r));
  }

  /** Whether `x` is a Haproxy (works across copies of this library). */
  public static isHaproxy(x: unknown): x is Haproxy {
    return typeof x === 'object' && x !== null && (x as any)[HAPROXY_SYMBOL] === true;
  }

  /** The hosts this HAProxy runs on. */
  public get hosts(): FreeBsdHost[] {
    return this.target && Array.isArray(this.target.targetHosts) ? this.target.targetHosts : [];
  }

  /** The frontends, in the order added. */
  public get frontends(): HaproxyFrontend[] {
    return [...this.frontendList];
  }

  /** The backends, in the order added. */
  public get backends(): HaproxyBackend[] {
    return [...this.backendList];
  }

  /** The chroot directory, or undefined for none. */
  public get chroot(): string | undefined {
    const c = this.props.chroot ?? '/var/haproxy';
    return c === '' ? undefined : c;
  }

  /** Adds a frontend. */
  public addFrontend(id: string, props: HaproxyFrontendProps = {}): HaproxyFrontend {
    const f = new HaproxyFrontend(this, id, props);
    this.frontendList.push(f);
    Diagnostics.addValidation(f, (r) => checkFrontend(this, this.hosts, this.frontendList, f, r));
    return f;
  }

  /** Adds a backend. Add its servers with `backend.addServer()`. */
  public addBackend(id: string, props: HaproxyBackendProps = {}): HaproxyBackend {
    const b = new HaproxyBackend(this, id, props);
    this.backendList.push(b);
    Diagnostics.addValidation(b, (r) => checkBackendUse(b, this.frontendList, r));
    return b;
  }

  /** Adds the stats page, on each host's own address (never a VIP). */
  public addStatsPage(props: HaproxyStatsPageProps): void {
    checkArgs(this, 'cdkbsd.Haproxy', 'addStatsPage', arguments);
    if (this.statsProps) Diagnostics.error(this, 'The stats page is added twice', { value: 'addStatsPage', allowed: 'once' });
    this.statsProps = props;
    if (typeof props.user !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(props.user)) {
      Diagnostics.error(this, 'Stats user name is not valid', { value: String(props.user), allowed: 'letters, digits, . _ - (no colon)' });
    }
    if (!(props.password instanceof Secret)) {
      Diagnostics.error(this, 'Stats password must be a Secret', { value: typeof props.password, allowed: 'Secret.fromEnv / fromFile / fromLiteral' });
    }
    if (props.port !== undefined && !isPort(props.port)) {
      Diagnostics.error(this, 'Stats port must be an integer from 1 to 65535', { value: String(props.port), allowed: '1–65535' });
    }
    if (props.uri !== undefined && !/^\/[A-Za-z0-9._~\/-]*$/.test(props.uri)) {
      Diagnostics.error(this, 'Stats uri must be a plain absolute path', { value: String(props.uri), allowed: 'e.g. /stats' });
    }
  }

  /**
   * Adds HAProxy's Prometheus exporter on each host's management address (beside the stats
   * page), opened by the firewall to its management allow-list only.
   */
  public addMetrics(props: HaproxyMetricsProps = {}): void {
    checkArgs(this, 'cdkbsd.Haproxy', 'addMetrics', arguments);
    if (this.metricsProps) Diagnostics.error(this, 'The metrics are added twice', { value: 'addMetrics', allowed: 'once' });
    this.metricsProps = props;
    checkMetrics(this, props);
  }

  /**
   * Adds a `peers` section listing every target host (by hostname, at its management address)
   * and sets each host's `localpeer` to its own hostname, so stick tables are shared between
   * the members.
   */
  public enablePeers(props: HaproxyPeersProps = {}): void {
    checkArgs(this, 'cdkbsd.Haproxy', 'enablePeers', arguments);
    this.peersProps = props;
    if (props.name !== undefined && !HAPROXY_NAME.test(props.name)) {
      Diagnostics.error(this, 'Peers section name is not a valid HAProxy identifier', { value: String(props.name), allowed: HAPROXY_NAME_ALLOWED });
    }
    if (props.port !== undefined && !isPort(props.port)) {
      Diagnostics.error(this, 'Peers port must be an integer from 1 to 65535', { value: String(props.port), allowed: '1–65535' });
    }
  }

  /**
   * Sets the local peer name of one host (`localpeer`).
   * @default - the host's hostname
   */
  public setLocalPeerName(host: FreeBsdHost, name: string): void {
    if (checkArgs(this, 'cdkbsd.Haproxy', 'setLocalPeerName', arguments) && !HAPROXY_NAME.test(name)) {
      Diagnostics.error(this, 'Local peer name is not a valid HAProxy identifier', { value: String(name), allowed: HAPROXY_NAME_ALLOWED });
    }
    this.localPeerNames.set(host, name);
  }

  /**
   * The TCP port of the stats page when it listens on the hosts' management addresses (the
   * firewall opens it to its management allow-list). Undefined without a page or on loopback.
   */
  public get managementStatsPort(): number | undefined {
    const s = this.statsProps;
    if (!s || (s.address ?? StatsAddress.MANAGEMENT) !== StatsAddress.MANAGEMENT) return undefined;
    return s.port ?? 8404;
  }

  /** The TCP port of the peers section, if enabled. */
  public get peersPort(): number | undefined {
    return this.peersProps ? this.peersProps.port ?? 10000 : undefined;
  }

  /** The admin stats socket on every host (`stats socket` in `global`). */
  public get statsSocketPath(): string {
    return STATS_SOCKET;
  }

  /**
   * @internal What every target host receives: haproxy.conf, `haproxy_enable`, the log files,
   * the package, and the openings of the frontends, the stats page and the peers.
   */
  public _contribute(ctx: SynthContext): HostContribution[] {
    // Parts of the model that are the same on every member: computed once.
    const peers = this.peersProps ? this.peersProps.name ?? 'members' : undefined;
    const frontends = this.frontendList.map((f) => f._model(peers));
    const backends = withModes(this.backendList.map((b) => b._model(peers)), this.backendList, this.frontendList);
    const secret = this.statsProps !== undefined || this.frontendList.some((f) => f._hasSecrets);
    const header = generatedHeader(this.node.path);
    const rendered = new Map<string, string>();
    const byHost = ctx.index('haproxy:byHost', () => {
      const m = new Map<FreeBsdHost, Haproxy[]>();
      for (const c of ctx.constructs) if (Haproxy.isHaproxy(c)) for (const h of c.hosts) m.set(h, [...(m.get(h) ?? []), c]);
      return m;
    });
    return this.hosts.map((host) => {
      const model = this._modelFor(host, frontends, backends);
      // Members differ only in localpeer and the stats page address: render each variant once.
      const variant = JSON.stringify([model.global.localPeer ?? null, model.stats?.binds ?? null, model.metrics?.binds ?? null]);
      const files: PlannedFile[] = [{
        path: this.configPath, owner: this, model, mode: secret ? 0o600 : 0o644, secret, target: FileTarget.HOST,
        render: () => {
          let text = rendered.get(variant);
          if (text === undefined) rendered.set(variant, (text = renderHaproxyConf(model, header)));
          return text;
        },
      }];
      // FreeBSD's syslog.conf has no rule for the local facilities: without these two files the
      // request log would be dropped. syslogd writes only to files that exist; newsyslog creates
      // it (flag C, `newsyslog -C` at boot) and rotates it. One pair per host, from the first
      // HAProxy on it, for every facility used there.
      const all = byHost.get(host) ?? [this];
      if (all[0] === this) files.push(...logFiles(this, header, [...new Set(all.map((h) => h.props.logFacility ?? 'local0'))].sort()));
      return {
        host,
        owner: this,
        rcConf: [
          { key: 'haproxy_enable', value: 'YES' },
          ...(this.chroot ? [{ key: 'altlog_proglist', value: 'haproxy' }, { key: 'haproxy_chrootdir', value: this.chroot }] : []),
        ],
        files,
        openings: this.openingsFor(host),
        services: ['haproxy'],
        packages: ['haproxy'],
      };
    });
  }

  /** What must reach this HAProxy on `host`, as narrow as each listener. */
  private openingsFor(host: FreeBsdHost): FirewallOpening[] {
    const out: FirewallOpening[] = [];
    for (const f of this.frontendList) {
      const binds = f._binds();
      const ports = sortedPorts(binds.map((b) => b.port));
      // Loopback listeners (a TCP frontend's hand-over to a local HTTP frontend) need no opening.
      const to = [...new Set(binds.map((b) => b.address))].filter((a) => !/^(127\.|::1$)/.test(a));
      if (ports.length > 0 && to.length > 0) out.push({ owner: f, purpose: `HAProxy frontend ${f.name}`, protocol: 'tcp', ...f._openingSources(), to, ports });
    }
    const own = IpAddress._tryParse(host.managementAddress);
    const statsPort = this.managementStatsPort;
    if (statsPort !== undefined && own) {
      out.push({ owner: this, purpose: 'HAProxy stats page (from the management allow-list)', protocol: 'tcp', from: [], to: [own.text], ports: [statsPort], fromManagement: true });
    }
    const m = this.metricsProps && metricsAddress(this.metricsProps, host);
    if (this.metricsProps && m && m.text !== '127.0.0.1') {
      out.push({ owner: this, purpose: 'HAProxy Prometheus metrics (from the management allow-list)', protocol: 'tcp', from: [], to: [m.text], ports: [metricsPort(this.metricsProps)], fromManagement: true });
    }
    const peersPort = this.peersPort;
    if (peersPort !== undefined && own) {
      const others = this.hosts.filter((x) => x !== host).map((x) => IpAddress._tryParse(x.managementAddress)).filter((a): a is IpAddress => a !== undefined);
      if (others.length > 0) {
        out.push({ owner: this, purpose: 'HAProxy peers (stick-table sync from the other members)', protocol: 'tcp', from: [...new Set(others.map((a) => a.text))], to: [own.text], ports: [peersPort] });
      }
    }
    return out;
  }

  /** Renders the haproxy.conf of one target host. */
  public renderFor(host: FreeBsdHost): string {
    return renderHaproxyConf(this._modelFor(host), generatedHeader(this.node.path));
  }

  /** @internal The model of one host's haproxy.conf. */
  public _modelFor(host: FreeBsdHost, frontends?: FrontendModel[], backends?: BackendModel[]): HaproxyConfModel {
    const t = this.props.timeouts ?? {};
    const ms = (d: Duration | undefined, def: Duration) => (d ?? def).toMilliseconds();
    return {
      global: {
        maxconn: this.props.maxconn ?? 4096,
        user: this.props.user ?? 'www',
        group: this.props.group ?? 'www',
        chroot: this.chroot,
        logs: [{ address: '/var/run/log', facility: this.props.logFacility ?? 'local0', level: this.props.logLevel ?? 'info' }],
        statsSocket: { path: STATS_SOCKET, mode: '600', level: 'admin', exposeFdListeners: true },
        statsTimeoutMs: 30_000,
        hardStopAfterMs: 300_000,
        localPeer: this.peersProps ? this.localPeerName(host) : undefined,
        tls: this.tlsProfile._model(),
      },
      defaults: {
        timeouts: {
          connect: ms(t.connect, Duration.seconds(5)),
          client: ms(t.client, Duration.seconds(30)),
          server: ms(t.server, Duration.seconds(30)),
          httpRequest: ms(t.httpRequest, Duration.seconds(10)),
          httpKeepAlive: ms(t.httpKeepAlive, Duration.seconds(10)),
          queue: ms(t.queue, Duration.seconds(30)),
          tunnel: ms(t.tunnel, Duration.hours(1)),
          check: ms(t.check, Duration.seconds(5)),
        },
        retries: this.props.retries ?? 3,
        forwardFor: false,
        redispatch: true,
      },
      frontends: frontends ?? this.frontendList.map((f) => f._model(this.peersProps ? this.peersProps.name ?? 'members' : undefined)),
      backends: backends ?? withModes(this.backendList.map((b) => b._model(this.peersProps ? this.peersProps.name ?? 'members' : undefined)), this.backendList, this.frontendList),
      stats: this.statsModel(host),
      peers: this.peersModel(),
      ...(this.metricsProps ? { metrics: metricsModel(this.metricsProps, host) } : {}),
    };
  }

  private localPeerName(host: FreeBsdHost): string {
    return this.localPeerNames.get(host) ?? host.hostname;
  }

  private statsAddress(host: FreeBsdHost): IpAddress | undefined {
    if (!this.statsProps) return undefined;
    if (this.statsProps.address === StatsAddress.LOOPBACK) return IpAddress.parse('127.0.0.1');
    return IpAddress._tryParse(host.managementAddress);
  }

  private statsModel(host: FreeBsdHost): StatsPageModel | undefined {
    const s = this.statsProps;
    if (!s) return undefined;
    const addr = this.statsAddress(host);
    const resolved = s.password instanceof Secret ? s.password._resolve() : {};
    return {
      name: 'stats',
      binds: addr ? [{ address: addr.text, ipv6: !addr.isIpv4, port: s.port ?? 8404 }] : [],
      uri: s.uri ?? '/stats',
      refreshMs: (s.refresh ?? Duration.seconds(10)).toMilliseconds(),
      user: s.user,
      password: resolved.value ?? '',
      admin: s.admin ?? false,
    };
  }

  private peersModel(): PeersModel | undefined {
    if (!this.peersProps) return undefined;
    const port = this.peersPort!;
    return {
      name: this.peersProps.name ?? 'members',
      peers: this.hosts.map((h) => {
        const a = IpAddress._tryParse(h.managementAddress);
        return { name: this.localPeerName(h), address: a ? a.text : h.managementAddress, ipv6: a ? !a.isIpv4 : false, port };
      }),
    };
  }

  private validateTree(r: IReporter): void {
    const hosts = this.hosts;
    if (hosts.length === 0) r.error('HAProxy has no target host', { value: String(this.target), allowed: 'a FreeBsdHost or a CarpCluster with members' });
    if (this.frontendList.length === 0) r.warning('HAProxy has no frontend: it listens on nothing', { value: this.node.id });
    checkUniqueNames([
      ...this.frontendList.map((f) => ({ name: f.name, path: f.node.path })),
      ...this.backendList.map((b) => ({ name: b.name, path: b.node.path })),
      ...(this.statsProps ? [{ name: 'stats', path: `${this.node.path} (stats page)` }] : []),
      ...(this.metricsProps ? [{ name: METRICS_NAME, path: `${this.node.path} (metrics)` }] : []),
    ], r);
    if (!this.peersProps && hosts.length > 1) {
      for (const b of this.backendList.filter((x) => x.sticksOnSource)) {
        r.warning(`Backend ${b.name} keeps a stick table but peers are off: each member has its own table, so stickiness is lost at a failover`, { value: b.name, allowed: 'haproxy.enablePeers()' });
      }
    }

    // Listeners of the frontends, for the stats page's check (frontends check each other).
    const owners = new Map<string, string>();
    for (const f of this.frontendList) {
      for (const b of f._binds()) owners.set(listenerKey(b), f.node.path);
    }
    if (this.metricsProps) {
      for (const h of hosts) {
        const a = metricsAddress(this.metricsProps, h);
        if (!a) r.error(`The metrics need an IP address on ${h.node.path}: its management address is not one`, { value: h.managementAddress, allowed: 'a host with an interface address, or StatsAddress.LOOPBACK' });
        const key = a && listenerKey({ address: a.text, ipv6: !a.isIpv4, port: metricsPort(this.metricsProps) });
        if (key && owners.has(key)) r.error(`The metrics and ${owners.get(key)} both bind ${key}`, { value: key, allowed: 'another metrics port' });
        else if (key && this.statsProps && key === listenerKey({ address: this.statsAddress(h)?.text ?? '', ipv6: !a!.isIpv4, port: this.statsProps.port ?? 8404 })) {
          r.error(`The metrics and the stats page both bind ${key}`, { value: key, allowed: 'another metrics port (default 8405)' });
        }
      }
    }
    if (this.statsProps) {
      const port = this.statsProps.port ?? 8404;
      for (const h of hosts) {
        const a = this.statsAddress(h);
        if (!a) {
          r.error(`The stats page needs an IP address on ${h.node.path}: its management address is not one`, { value: h.managementAddress, allowed: 'a host with an interface address, or StatsAddress.LOOPBACK' });
          continue;
        }
        const key = a.isIpv4 ? `${a.text}:${port}` : `[${a.text}]:${port}`;
        const prev = owners.get(key);
        if (prev) r.error(`The stats page and ${prev} both bind ${key}`, { value: key, allowed: 'another stats port' });
      }
      const p = this.statsProps.password instanceof Secret ? this.statsProps.password._resolve() : {};
      if (p.problem) r.error(`Stats password: ${p.problem}`, { value: this.statsProps.password.describe?.() ?? '<secret>' });
      else if (p.value !== undefined && /[\x00-\x1f\x7f]/.test(p.value)) r.error('Stats password contains a control character', { value: '<redacted>', allowed: 'printable characters' });
    }
    if (this.peersProps) {
      for (const h of hosts) {
        if (!IpAddress._tryParse(h.managementAddress)) {
          r.error(`Peers need an IP address for ${h.node.path}: its management address is not one`, { value: h.managementAddress, allowed: 'a host with an interface address or an IP managementAddress' });
        }
        if (!HAPROXY_NAME.test(this.localPeerName(h))) {
          r.error(`Peer name of ${h.node.path} is not a valid HAProxy identifier`, { value: this.localPeerName(h), allowed: HAPROXY_NAME_ALLOWED });
        }
      }
    }
  }
}

const HAPROXY_SYMBOL = Symbol.for('cdkbsd.Haproxy');
const STATS_SOCKET = '/var/run/haproxy.sock';

