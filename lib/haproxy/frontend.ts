import { Construct } from 'constructs';
import { Diagnostics, IReporter } from '../core/diagnostics';
import { CarpVip } from '../carp/carp-vip';
import { IpAddress } from '../net/address';
import { Duration } from '../net/duration';
import { HaproxyBackend } from './backend';
import { Certificate } from './certificate';
import { BindModel, FrontendModel } from './model';
import { DOMAIN, DOMAIN_ALLOWED, HAPROXY_NAME, HAPROXY_NAME_ALLOWED, isPort } from './private/names';
import { checkArgs, checkInit } from '../core/private/check-props';

/** Strict-Transport-Security settings. */
export interface HstsOptions {
  /**
   * Send the header at all.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * How long browsers remember to use HTTPS only (`max-age`).
   * @default Duration.days(730) (two years, 63072000 seconds)
   */
  readonly maxAge?: Duration;
  /**
   * Apply to every subdomain too (`includeSubDomains`).
   * @default false
   */
  readonly includeSubdomains?: boolean;
  /**
   * Ask for inclusion in browsers' preload lists (`preload`; needs includeSubdomains and a
   * max-age of at least a year).
   * @default false
   */
  readonly preload?: boolean;
}

/** Properties of a frontend. */
export interface HaproxyFrontendProps {
  /**
   * The frontend's name in haproxy.conf.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * CARP VIPs to listen on: every address of each (IPv4 and IPv6). They must belong to the
   * cluster the HAProxy runs on.
   * @default - none
   */
  readonly vips?: CarpVip[];
  /**
   * Explicit addresses to listen on (IPv4 or IPv6), in addition to the VIPs.
   * @default - none
   */
  readonly addresses?: string[];
  /**
   * Certificates for HTTPS: with any, the frontend terminates TLS on `httpsPort`.
   * @default - no TLS
   */
  readonly certificates?: Certificate[];
  /**
   * The HTTPS port.
   * @default 443
   */
  readonly httpsPort?: number;
  /**
   * The plain HTTP port.
   * @default 80
   */
  readonly httpPort?: number;
  /**
   * Listen on `httpPort` as well (with TLS, it only redirects to HTTPS when `httpsRedirect`).
   * @default true
   */
  readonly plainHttp?: boolean;
  /**
   * Answer plain HTTP with a redirect to HTTPS, and nothing else (needs certificates).
   * @default - true when certificates are given
   */
  readonly httpsRedirect?: boolean;
  /**
   * The status of the HTTPS redirect: 301 or 308 (308 keeps the method and body).
   * @default 308
   */
  readonly redirectCode?: number;
  /**
   * ALPN protocols offered on HTTPS.
   * @default ['h2', 'http/1.1']
   */
  readonly alpn?: string[];
  /**
   * Refuse TLS clients whose SNI matches no certificate (`strict-sni`).
   * @default false
   */
  readonly strictSni?: boolean;
  /**
   * Strict-Transport-Security on HTTPS responses.
   * @default - max-age two years, without includeSubDomains and preload (HTTPS frontends only)
   */
  readonly hsts?: HstsOptions;
  /**
   * Pass the client on: X-Forwarded-For (the client's own header is dropped first) and
   * X-Forwarded-Proto.
   * @default true
   */
  readonly forwardedHeaders?: boolean;
  /**
   * Where requests go that match no route.
   * @default - none: they get `fallbackStatus`
   */
  readonly defaultBackend?: HaproxyBackend;
  /**
   * The status for requests that match no route when there is no default backend: 404 or 503.
   * @default 404
   */
  readonly fallbackStatus?: number;
  /**
   * Maximum concurrent connections of this frontend.
   * @default - the global maxconn
   */
  readonly maxconn?: number;
  /**
   * Bind VIP addresses with `transparent` (IP_BINDANY / IPV6_BINDANY on FreeBSD), so HAProxy
   * starts and binds on a CARP BACKUP member too (an IPv6 CARP address may be tentative or
   * inactive there) and a failover only moves the VIP.
   * @default true
   */
  readonly transparentVipBinds?: boolean;
}

/** A route: requests whose Host is one of `domains` go to `backend`. */
export interface HaproxyRouteProps {
  /**
   * Host names, matched case-insensitively and without the port: exact (`app.example.net`) or
   * wildcard (`*.example.net`: any name ending in `.example.net`, not the bare domain). Exact
   * names win over wildcards, longer wildcards over shorter ones.
   */
  readonly domains: string[];
  /** The backend (of the same Haproxy). */
  readonly backend: HaproxyBackend;
}

interface BindAddress {
  readonly address: IpAddress;
  readonly vip?: CarpVip;
}

/**
 * A frontend: where clients connect (VIPs and/or addresses, HTTP and HTTPS) and how requests
 * are routed by Host to backends. Create it with `haproxy.addFrontend()`.
 */
export class HaproxyFrontend extends Construct {
  /** The name in haproxy.conf. */
  public readonly name: string;
  /** The VIPs it binds to. */
  public readonly vips: CarpVip[];
  /** The certificates (empty: no TLS). */
  public readonly certificates: Certificate[];
  /** The HTTPS port (when TLS). */
  public readonly httpsPort: number;
  /** The plain HTTP port. */
  public readonly httpPort: number;
  /** The default backend, if any. */
  public readonly defaultBackend?: HaproxyBackend;
  private readonly props: HaproxyFrontendProps;
  private readonly bindAddresses: BindAddress[] = [];
  private readonly routes: HaproxyRouteProps[] = [];

  /** Use `Haproxy.addFrontend`. */
  constructor(scope: Construct, id: string, props: HaproxyFrontendProps = {}) {
    super(scope, id);
    checkInit(this, 'cdkbsd.HaproxyFrontend', props);
    this.props = props;
    this.name = props.name ?? id;
    this.vips = [...(props.vips ?? [])].filter((v) => v && Array.isArray((v as CarpVip).addresses));
    const givenVips = props.vips ?? [];
    this.certificates = [...(props.certificates ?? [])];
    this.httpsPort = props.httpsPort ?? 443;
    this.httpPort = props.httpPort ?? 80;
    this.defaultBackend = props.defaultBackend;

    if (typeof this.name !== 'string' || !HAPROXY_NAME.test(this.name)) {
      Diagnostics.error(this, 'Frontend name is not a valid HAProxy identifier', { value: String(this.name), allowed: HAPROXY_NAME_ALLOWED });
    }
    for (const [what, p] of [['httpsPort', this.httpsPort], ['httpPort', this.httpPort]] as const) {
      if (!isPort(p)) Diagnostics.error(this, `${what} must be an integer from 1 to 65535`, { value: String(p), allowed: '1–65535' });
    }
    if (this.hasTls && this.plainHttpOn && this.httpPort === this.httpsPort) {
      Diagnostics.error(this, 'httpPort and httpsPort are the same', { value: String(this.httpPort), allowed: 'two different ports, or plainHttp: false' });
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
    if (props.httpsRedirect === true && !this.hasTls) {
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
    if (hsts && hsts.enabled !== false && !this.hasTls) {
      Diagnostics.warning(this, 'HSTS is set but the frontend has no TLS: the header is never sent', { value: this.name });
    }
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
   * Routes requests for `domains` to `backend`.
   */
  public addRoute(props: HaproxyRouteProps): void {
    checkArgs(this, 'cdkbsd.HaproxyFrontend', 'addRoute', arguments);
    const domains = Array.isArray(props.domains) ? props.domains : [];
    if (domains.length === 0) {
      Diagnostics.error(this, 'A route needs at least one domain', { value: String(props.domains), allowed: 'domains such as app.example.net or *.example.net' });
    }
    for (const d of domains) {
      if (typeof d !== 'string' || !DOMAIN.test(d.toLowerCase())) {
        Diagnostics.error(this, 'Route domain is not valid', { value: String(d), allowed: DOMAIN_ALLOWED });
        continue;
      }
      const lower = d.toLowerCase();
      const clash = this.routes.find((r) => r.domains.some((x) => x.toLowerCase() === lower));
      if (clash) {
        Diagnostics.error(this, `Domain is routed twice (to ${clash.backend.node.path} and ${props.backend?.node?.path})`, { value: lower, allowed: 'each domain in one route' });
      }
    }
    if (!(props.backend instanceof HaproxyBackend)) {
      Diagnostics.error(this, 'Route backend must be a HaproxyBackend', { value: String(props.backend), allowed: 'a backend from haproxy.addBackend()' });
      return;
    }
    this.routes.push({ domains: [...domains], backend: props.backend });
    props.backend._noteRoutedDomains(domains); // the first exact domain: Host of its HTTP health check
  }

  /** The backends this frontend sends requests to (routes and default). */
  public get backends(): HaproxyBackend[] {
    const all = this.routes.map((r) => r.backend);
    if (this.defaultBackend) all.push(this.defaultBackend);
    return [...new Set(all)];
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

  /** @internal The binds (without TLS details). */
  public _binds(): BindModel[] {
    const out: BindModel[] = [];
    const transparent = this.props.transparentVipBinds ?? true;
    const seen = new Set<string>();
    for (const b of this.bindAddresses) {
      const key = b.address.text;
      if (seen.has(key)) continue;
      seen.add(key);
      const base = { address: b.address.text, ipv6: !b.address.isIpv4, transparent: b.vip !== undefined && transparent };
      if (this.plainHttpOn || !this.hasTls) out.push({ ...base, port: this.httpPort });
      if (this.hasTls) {
        out.push({
          ...base,
          port: this.httpsPort,
          tls: {
            certificates: this.certificates.map((c) => ({ kind: c.kind === 'crt-list' ? 'crt-list' as const : c.kind === 'directory' ? 'directory' as const : 'file' as const, path: c.path })),
            alpn: this.props.alpn ?? ['h2', 'http/1.1'],
            strictSni: this.props.strictSni ?? false,
          },
        });
      }
    }
    return out;
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
    if (!this.hasTls && this.httpPort === 443) {
      r.warning('Frontend listens on port 443 without TLS', { value: `httpPort ${this.httpPort}`, allowed: 'certificates for HTTPS on 443' });
    }
  }

  /** @internal */
  public _model(): FrontendModel {
    const hsts = this.props.hsts;
    const hstsOn = this.hasTls && (hsts?.enabled ?? true);
    const redirect = this.hasTls && this.plainHttpOn && (this.props.httpsRedirect ?? true);
    return {
      name: this.name,
      binds: this._binds(),
      maxconn: this.props.maxconn,
      httpsRedirectCode: redirect ? this.props.redirectCode ?? 308 : undefined,
      hsts: hstsOn
        ? {
          maxAgeSeconds: Math.floor((hsts?.maxAge ?? Duration.days(730)).toSeconds()),
          includeSubdomains: hsts?.includeSubdomains ?? false,
          preload: hsts?.preload ?? false,
        }
        : undefined,
      forwardedHeaders: this.props.forwardedHeaders ?? true,
      routes: this.routes.map((rt) => ({ domains: rt.domains.map((d) => d.toLowerCase()), backend: rt.backend.name })),
      defaultBackend: this.defaultBackend?.name,
      fallbackStatus: this.props.fallbackStatus ?? 404,
    };
  }
}
