import { Construct } from 'constructs';
import type { PlanSet } from '../core/contribution';
import { Diagnostics, IReporter } from '../core/diagnostics';
import type { FreeBsdHost } from '../core/host';
import { CarpVip } from '../carp/carp-vip';
import { IpAddress, IpPrefix } from '../net/address';
import { Duration } from '../net/duration';
import { checkBasicAuthSecrets, parseSources, prefixText, sourceModel, userlistModel } from './access';
import { HaproxyBackend } from './backend';
import { Certificate } from './certificate';
import { HaproxyFrontendProps } from './frontend-props';
import { BindModel, FrontendModel, RouteModel } from './model';
import { UserlistModel } from './model-routing';
import { HAPROXY_NAME, HAPROXY_NAME_ALLOWED, isPort } from './private/names';
import { checkRateLimit, rateLimitModel } from './rate-limit';
import { HaproxyRouteProps, RouteEntry, checkRoute } from './route';
import { HaproxySniRouteProps, ProxyMode, SniRouteEntry, checkModeProps, checkSniRoute, sniRouteModel } from './tcp';
import { checkArgs, checkInit, constructId } from '../core/private/check-props';

interface BindAddress {
  readonly address: IpAddress;
  readonly vip?: CarpVip;
}

/**
 * A frontend: where clients connect (VIPs and/or addresses) and where their requests go. An
 * HTTP frontend (the default) listens on HTTP and HTTPS and routes by Host and path
 * (`addRoute`); a TCP frontend (`mode: ProxyMode.TCP`) listens on `port` and sends
 * connections to its default backend, or routes TLS by server name (`addSniRoute`). Create it
 * with `haproxy.addFrontend()`.
 *
 * @example
 * const web = proxy.addFrontend('fe_web', { vips: [vip], certificates: [Certificate.fromFile('/usr/local/etc/haproxy/certs/site.pem')] });
 * web.addRoute({ domains: ['app.example.net'], backend: apps });
 * web.addRoute({ domains: ['wiki.example.net'], backend: wiki });
 */
export class HaproxyFrontend extends Construct {
  /** The name in haproxy.conf. */
  public readonly name: string;
  /** HTTP or TCP. */
  public readonly mode: ProxyMode;
  /** The VIPs it binds to. */
  public readonly vips: CarpVip[];
  /** The certificates (empty: no TLS). */
  public readonly certificates: Certificate[];
  /** The HTTPS port (when TLS). */
  public readonly httpsPort: number;
  /** The plain HTTP port. */
  public readonly httpPort: number;
  /** The port of a TCP frontend (undefined for HTTP). */
  public readonly port?: number;
  /** The default backend, if any. */
  public readonly defaultBackend?: HaproxyBackend;
  private readonly props: HaproxyFrontendProps;
  private readonly bindAddresses: BindAddress[] = [];
  private readonly routes: RouteEntry[] = [];
  private readonly sniRoutes: SniRouteEntry[] = [];
  private readonly allow: IpPrefix[];
  private readonly deny: IpPrefix[];
  private readonly proxyFrom: IpPrefix[];

  /** Use `Haproxy.addFrontend`. */
  constructor(scope: Construct, id: string, props: HaproxyFrontendProps = {}) {
    super(scope, constructId(scope, id));
    checkInit(this, 'cdkbsd.HaproxyFrontend', props);
    this.props = props;
    this.name = props.name ?? id;
    this.mode = props.mode === ProxyMode.TCP ? ProxyMode.TCP : ProxyMode.HTTP;
    this.vips = [...(props.vips ?? [])].filter((v) => v && Array.isArray((v as CarpVip).addresses));
    const givenVips = props.vips ?? [];
    this.certificates = [...(props.certificates ?? [])];
    this.httpsPort = props.httpsPort ?? 443;
    this.httpPort = props.httpPort ?? 80;
    this.port = this.mode === ProxyMode.TCP ? props.port : undefined;
    this.defaultBackend = props.defaultBackend;

    if (typeof this.name !== 'string' || !HAPROXY_NAME.test(this.name)) {
      Diagnostics.error(this, 'Frontend name is not a valid HAProxy identifier', { value: String(this.name), allowed: HAPROXY_NAME_ALLOWED });
    }
    checkModeProps(this, props);
    if (this.mode === ProxyMode.HTTP) {
      for (const [what, p] of [['httpsPort', this.httpsPort], ['httpPort', this.httpPort]] as const) {
        if (!isPort(p)) Diagnostics.error(this, `${what} must be an integer from 1 to 65535`, { value: String(p), allowed: '1–65535' });
      }
      if (this.hasTls && this.plainHttpOn && this.httpPort === this.httpsPort) {
        Diagnostics.error(this, 'httpPort and httpsPort are the same', { value: String(this.httpPort), allowed: 'two different ports, or plainHttp: false' });
      }
    }
    for (const vip of givenVips) {
      if (!vip || !Array.isArray((vip as CarpVip).addresses)) {
        Diagnostics.error(this, 'vips holds something that is not a CarpVip', { value: String(vip), allowed: 'CarpVip objects (cluster.addVip(...))' });
        continue;
      }
      for (const a of vip.addresses) this.bindAddresses.push({ address: a, vip });
    }
    for (const text of props.addresses ?? []) {
      const a = Diagnostics.tryParse(this, 'Bind address', () => IpAddress.parse(text));
      if (a) this.bindAddresses.push({ address: a });
    }
    for (const c of this.certificates) {
      const p = c._problem();
      if (p) Diagnostics.error(this, p, { value: String(c.path), allowed: 'an absolute path such as /usr/local/etc/haproxy/certs/ or /usr/local/etc/ssl/example.net.pem' });
    }
    if (props.httpsRedirect === true && !this.hasTls && this.mode === ProxyMode.HTTP) {
      Diagnostics.error(this, 'httpsRedirect needs certificates: without TLS the redirect would loop', { value: 'httpsRedirect: true', allowed: 'certificates, or httpsRedirect: false' });
    }
    if (props.redirectCode !== undefined && ![301, 302, 303, 307, 308].includes(props.redirectCode)) {
      Diagnostics.error(this, 'redirectCode is not a redirect status', { value: String(props.redirectCode), allowed: '301, 302, 303, 307 or 308' });
    }
    if (props.fallbackStatus !== undefined && ![404, 503].includes(props.fallbackStatus)) {
      Diagnostics.error(this, 'fallbackStatus must be 404 or 503', { value: String(props.fallbackStatus), allowed: '404 or 503' });
    }
    if (props.maxconn !== undefined && (!Number.isInteger(props.maxconn) || props.maxconn < 1)) {
      Diagnostics.error(this, 'maxconn must be a positive integer', { value: String(props.maxconn), allowed: 'an integer ≥ 1' });
    }
    for (const p of props.alpn ?? []) {
      if (typeof p !== 'string' || !/^[A-Za-z0-9._\/-]{1,32}$/.test(p)) {
        Diagnostics.error(this, 'ALPN protocol name is not valid', { value: String(p), allowed: 'names such as h2 and http/1.1' });
      }
    }
    const hsts = props.hsts;
    if (hsts?.preload && (!hsts.includeSubdomains || (hsts.maxAge !== undefined && hsts.maxAge.toSeconds() < 31_536_000))) {
      Diagnostics.warning(this, 'HSTS preload needs includeSubdomains and a max-age of at least one year, or browsers will not preload it', { value: 'preload: true', allowed: 'includeSubdomains: true and maxAge ≥ 365 days' });
    }
    if (hsts && hsts.enabled !== false && !this.hasTls && this.mode === ProxyMode.HTTP) {
      Diagnostics.warning(this, 'HSTS is set but the frontend has no TLS: the header is never sent', { value: this.name });
    }
    this.allow = parseSources(this, 'allowFrom', props.allowFrom);
    this.deny = parseSources(this, 'denyFrom', props.denyFrom);
    this.proxyFrom = parseSources(this, 'acceptProxyFrom', props.acceptProxyFrom);
    for (const [what, list] of [['allowFrom', props.allowFrom], ['acceptProxyFrom', props.acceptProxyFrom]] as const) {
      if (Array.isArray(list) && list.length === 0) {
        Diagnostics.error(this, `${what} is empty: nobody could connect`, { value: '[]', allowed: `at least one prefix, or no ${what}` });
      }
    }
    if (props.rateLimit !== undefined) checkRateLimit(this, props.rateLimit);
    Diagnostics.addValidation(this, (r) => this.validateTree(r));
  }

  /** Whether the frontend terminates TLS. */
  public get hasTls(): boolean {
    return this.certificates.length > 0;
  }

  private get plainHttpOn(): boolean {
    return this.props.plainHttp ?? true;
  }

  /**
   * Routes requests by Host and/or path to a backend (or answers them with a redirect). Routes
   * are tried in the order added; the first that matches wins.
   */
  public addRoute(props: HaproxyRouteProps): void {
    checkArgs(this, 'cdkbsd.HaproxyFrontend', 'addRoute', arguments);
    if (this.mode === ProxyMode.TCP) {
      Diagnostics.error(this, 'Routes by Host and path need an HTTP frontend', { value: String(props?.domains ?? props?.paths), allowed: 'addSniRoute on a TCP frontend (TLS by server name), or its defaultBackend' });
      return;
    }
    const entry = checkRoute(this, props ?? {}, this.routes);
    if (!entry) return;
    this.routes.push(entry);
    // The first exact domain: the Host of the backend's HTTP health check.
    if (entry.backend) entry.backend._noteRoutedDomains(entry.domains);
  }

  /**
   * Routes TLS connections of a TCP frontend by the server name of their ClientHello (SNI).
   * Without certificates, the TLS session passes through to the backend's servers untouched.
   */
  public addSniRoute(props: HaproxySniRouteProps): void {
    checkArgs(this, 'cdkbsd.HaproxyFrontend', 'addSniRoute', arguments);
    if (this.mode !== ProxyMode.TCP) {
      Diagnostics.error(this, 'SNI routes are for TCP frontends: an HTTP frontend routes by Host', { value: String(props?.domains), allowed: 'addRoute, or mode: ProxyMode.TCP' });
      return;
    }
    const entry = checkSniRoute(this, props, this.sniRoutes);
    if (entry) this.sniRoutes.push(entry);
  }

  /** The domains its routes match (host routes and SNI routes), lower-cased, in route order. */
  public get domains(): string[] {
    return [...new Set([...this.routes.flatMap((r) => r.domains), ...this.sniRoutes.flatMap((r) => r.domains)])];
  }

  /** The backends this frontend sends requests to (routes and default). */
  public get backends(): HaproxyBackend[] {
    const all: HaproxyBackend[] = [];
    for (const r of this.routes) if (r.backend) all.push(r.backend);
    for (const r of this.sniRoutes) all.push(r.backend);
    if (this.defaultBackend) all.push(this.defaultBackend);
    return [...new Set(all)];
  }

  /** @internal Whether a route, an SNI route or the default backend points to `b` (no list built). */
  public _usesBackend(b: HaproxyBackend): boolean {
    if (this.defaultBackend === b) return true;
    for (const r of this.routes) if (r.backend === b) return true;
    for (const r of this.sniRoutes) if (r.backend === b) return true;
    return false;
  }

  /**
   * The listening sockets (`address:port`, IPv6 in brackets), sorted.
   */
  public get listeners(): string[] {
    return this._binds().map((b) => (b.ipv6 ? `[${b.address}]:${b.port}` : `${b.address}:${b.port}`)).sort();
  }

  /** @internal Every (address, port) this frontend binds, with its VIP. */
  public _bindAddresses(): BindAddress[] {
    return [...this.bindAddresses];
  }

  /** @internal Whether haproxy.conf carries a secret because of this frontend (password hashes). */
  public get _hasSecrets(): boolean {
    return this.routes.some((r) => r.basicAuth !== undefined);
  }

  /** @internal The binds (without TLS details). */
  public _binds(): BindModel[] {
    const out: BindModel[] = [];
    const transparentVip = this.props.transparentVipBinds ?? true;
    const seen = new Set<string>();
    const tls = {
      certificates: this.certificates.map((c) => ({ kind: c.kind === 'crt-list' ? 'crt-list' as const : c.kind === 'directory' ? 'directory' as const : 'file' as const, path: c.path })),
      alpn: this.props.alpn ?? (this.mode === ProxyMode.TCP ? [] : ['h2', 'http/1.1']),
      strictSni: this.props.strictSni ?? false,
    };
    for (const b of this.bindAddresses) {
      const key = b.address.text;
      if (seen.has(key)) continue;
      seen.add(key);
      const base = {
        address: b.address.text, ipv6: !b.address.isIpv4, transparent: b.vip !== undefined ? transparentVip : this.props.transparent === true,
        // FreeBSD binds :: for IPv6 only (net.inet6.ip6.v6only=1); say so, so that 0.0.0.0 beside it binds on any OS.
        ...(b.address.text === '::' ? { v6only: true } : {}),
        ...(this.proxyFrom.length > 0 ? { acceptProxy: true } : {}),
      };
      if (this.mode === ProxyMode.TCP) {
        // Object.assign, not `{ ...base, port }`: properties after a leading spread are slow on Node 20.
        out.push(Object.assign({}, base, { port: this.port ?? 0 }, this.hasTls ? { tls } : {}));
        continue;
      }
      if (this.plainHttpOn || !this.hasTls) out.push(Object.assign({}, base, { port: this.httpPort }));
      if (this.hasTls) out.push(Object.assign({}, base, { port: this.httpsPort, tls }));
    }
    return out;
  }

  /** @internal The sources the firewall lets reach this frontend's ports (empty: any). */
  public _openingSources(): { from: string[]; exceptFrom?: string[] } {
    if (this.proxyFrom.length > 0) return { from: this.proxyFrom.map(prefixText) };
    return { from: this.allow.map(prefixText), ...(this.deny.length > 0 ? { exceptFrom: this.deny.map(prefixText) } : {}) };
  }

  private validateTree(r: IReporter): void {
    // (A VIP whose addresses were rejected is reported on the VIP: no follow-on error here.)
    if (this.bindAddresses.length === 0 && !this.vips.some((v) => Diagnostics.hasErrors(v))) {
      r.error('Frontend binds nothing', { value: this.name, allowed: 'vips and/or addresses' });
    }
    const seen = new Set<string>();
    for (const b of this.bindAddresses) {
      if (seen.has(b.address.text)) r.error('Frontend binds an address twice', { value: b.address.text, allowed: 'each address once (a VIP brings all its addresses)' });
      seen.add(b.address.text);
    }
    if (this.mode === ProxyMode.HTTP && !this.hasTls && this.httpPort === 443) {
      r.warning('Frontend listens on port 443 without TLS', { value: `httpPort ${this.httpPort}`, allowed: 'certificates for HTTPS on 443' });
    }
    if (this.mode === ProxyMode.TCP && !this.defaultBackend && this.sniRoutes.length === 0) {
      r.error('TCP frontend has nowhere to send connections', { value: this.name, allowed: 'defaultBackend, and/or SNI routes (addSniRoute)' });
    }
    for (const rt of this.routes) if (rt.basicAuth) checkBasicAuthSecrets(r, rt.basicAuth, `Route ${rt.key} basicAuth`);
  }

  /**
   * @internal Step 4: every explicit address must be one HAProxy can bind on each host: an
   * address of the host (or a CARP VIP on it), loopback, every address (`0.0.0.0`, `::`), or
   * bound `transparent`.
   */
  public _checkPlans(plans: PlanSet, report: IReporter): void {
    if (this.props.transparent === true) return;
    const hosts = (this.node.scope as unknown as { hosts?: FreeBsdHost[] }).hosts ?? [];
    for (const host of hosts) {
      const plan = plans.planOf(host);
      if (!plan) continue;
      for (const b of this.bindAddresses) {
        const a = b.address;
        if (b.vip || /^(0\.0\.0\.0|::)$/.test(a.text) || a.text === '::1' || a.text.startsWith('127.')) continue;
        const own = plan.interfaces.some((i) => i.addresses.some((x) => x.address.sameAs(a)));
        const alias = [...plan.aliases.values()].some((lines) => lines.some((l) => l.address === a.text));
        if (!own && !alias) {
          report.error(`Frontend address ${a.text} is not an address of ${host.node.path}: HAProxy could not bind it there`, {
            value: a.text,
            allowed: 'an address of the host\'s interfaces, a CARP VIP (vips: [...]), 0.0.0.0 and :: for every address, or transparent: true for an address the host gets otherwise',
          });
        }
      }
    }
  }

  /**
   * @internal
   * @param peersName the `peers` section the rate-limit table is replicated through
   */
  public _model(peersName?: string): FrontendModel {
    const common = {
      name: this.name,
      binds: this._binds(),
      maxconn: this.props.maxconn,
      defaultBackend: this.defaultBackend?.name,
      ...(this.proxyFrom.length > 0 ? { proxyFrom: this.proxyFrom.map(prefixText) } : {}),
      ...(sourceModel(this.allow, this.deny) ? { sources: sourceModel(this.allow, this.deny) } : {}),
      ...(this.props.rateLimit ? { rateLimit: rateLimitModel(this.props.rateLimit, peersName) } : {}),
    };
    if (this.mode === ProxyMode.TCP) {
      return Object.assign(common, {
        mode: 'tcp' as const,
        forwardedHeaders: false,
        routes: [],
        fallbackStatus: 404,
        sniRoutes: this.sniRoutes.map(sniRouteModel),
        ...(this.sniRoutes.length > 0 && !this.hasTls ? { sniInspectDelayMs: (this.props.sniInspectDelay ?? Duration.seconds(5)).toMilliseconds() } : {}),
        ...(this.sniRoutes.length > 0 && this.hasTls ? { sniTerminated: true } : {}),
      });
    }
    const hsts = this.props.hsts;
    const hstsOn = this.hasTls && (hsts?.enabled ?? true);
    const redirect = this.hasTls && this.plainHttpOn && (this.props.httpsRedirect ?? true);
    const userlists: UserlistModel[] = [];
    const routes = this.routes.map((rt): RouteModel => {
      let auth: RouteModel['auth'];
      if (rt.basicAuth) {
        const ul = userlistModel(`${this.name}.${rt.key}`, rt.basicAuth, `${this.node.path}\0${rt.key}`);
        userlists.push(ul);
        auth = { userlist: ul.name, realm: rt.basicAuth.realm ?? 'Restricted' };
      }
      const sources = sourceModel(rt.allow, rt.deny);
      return {
        key: rt.key,
        domains: [...rt.domains],
        backend: rt.backend?.name,
        ...(rt.paths.length > 0 ? { paths: rt.paths.map((p) => p._model()) } : {}),
        ...(rt.redirect ? { redirect: rt.redirect._model() } : {}),
        ...(rt.requestHeaders.length > 0 ? { requestHeaders: rt.requestHeaders } : {}),
        ...(rt.responseHeaders.length > 0 ? { responseHeaders: rt.responseHeaders } : {}),
        ...(sources ? { sources } : {}),
        ...(auth ? { auth } : {}),
      };
    });
    return Object.assign(common, {
      httpsRedirectCode: redirect ? this.props.redirectCode ?? 308 : undefined,
      hsts: hstsOn
        ? {
          maxAgeSeconds: Math.floor((hsts?.maxAge ?? Duration.days(730)).toSeconds()),
          includeSubdomains: hsts?.includeSubdomains ?? false,
          preload: hsts?.preload ?? false,
        }
        : undefined,
      forwardedHeaders: this.props.forwardedHeaders ?? true,
      routes,
      fallbackStatus: this.props.fallbackStatus ?? 404,
      ...(userlists.length > 0 ? { userlists } : {}),
    });
  }
}
