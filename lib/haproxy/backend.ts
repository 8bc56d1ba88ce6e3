import { Construct } from 'constructs';
import { Duration } from '../net/duration';
import { Diagnostics, IReporter } from '../core/diagnostics';
import { IpAddress } from '../net/address';
import { HealthCheck } from './health-check';
import { BackendModel, ServerModel } from './model';
import { DOMAIN, HAPROXY_NAME, HAPROXY_NAME_ALLOWED, isPort } from './private/names';
import { checkArgs, checkInit, constructId } from '../core/private/check-props';

/** How a backend spreads requests over its servers. */
export enum BalanceAlgorithm {
  /** Each server in turn, by weight (`roundrobin`). */
  ROUND_ROBIN = 'roundrobin',
  /** The server with the fewest connections (`leastconn`). For long sessions. */
  LEAST_CONNECTIONS = 'leastconn',
  /** A hash of the client address (`source`): the same client reaches the same server. */
  SOURCE = 'source',
  /** The first server with free slots (`first`), in the order servers were added. */
  FIRST = 'first',
}

/** Cookie-based stickiness: HAProxy inserts a cookie naming the server that answered. */
export interface StickyCookieOptions {
  /**
   * The cookie name.
   * @default 'SRV'
   */
  readonly name?: string;
  /**
   * Mark the cookie `Secure` (sent over HTTPS only).
   * @default true
   */
  readonly secure?: boolean;
  /**
   * Mark the cookie `HttpOnly`.
   * @default true
   */
  readonly httpOnly?: boolean;
}

/**
 * Source-address stickiness: a client keeps going to the server it first reached. The stick
 * table is replicated to the other members when `Haproxy.enablePeers()` is on, so the
 * stickiness survives a failover.
 */
export interface StickOnSourceOptions {
  /**
   * How long an entry lives after its last use.
   * @default Duration.minutes(30)
   */
  readonly expire?: Duration;
  /**
   * The number of entries the table holds.
   * @default 100000
   */
  readonly size?: number;
}

/** Properties of a backend. */
export interface HaproxyBackendProps {
  /**
   * The backend's name in haproxy.conf.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The balance algorithm.
   * @default BalanceAlgorithm.ROUND_ROBIN
   */
  readonly balance?: BalanceAlgorithm;
  /**
   * How servers are checked. A failing server is taken out until it recovers.
   * @default - no check: servers are always considered up
   */
  readonly healthCheck?: HealthCheck;
  /**
   * Cookie stickiness.
   * @default - none
   */
  readonly stickyCookie?: StickyCookieOptions;
  /**
   * Stickiness by client address, with a stick table shared with the other members (peers).
   * @default - none
   */
  readonly stickOnSource?: StickOnSourceOptions;
}

/** TLS from HAProxy to a server. */
export interface ServerTlsOptions {
  /**
   * Verify the server's certificate (`verify required`). Turn off only on a trusted network.
   * @default true
   */
  readonly verify?: boolean;
  /**
   * The CA bundle to verify against (absolute path on the host).
   * @default '@system-ca' (the system's trust store) when verifying
   */
  readonly caFile?: string;
  /**
   * The name sent as SNI and checked against the server's certificate.
   * @default - none
   */
  readonly sni?: string;
}

/** Properties of a server of a backend. */
export interface HaproxyServerProps {
  /** The server's IPv4 or IPv6 address. */
  readonly address: string;
  /** The server's port, 1–65535. */
  readonly port: number;
  /**
   * The weight, 0–256 (0: gets no new traffic).
   * @default - HAProxy's default, 1
   */
  readonly weight?: number;
  /**
   * A backup server gets traffic only when all other servers are down.
   * @default false
   */
  readonly backup?: boolean;
  /**
   * At most this many concurrent connections to the server. More wait in the queue.
   * @default - no limit
   */
  readonly maxconn?: number;
  /**
   * Speak TLS to the server.
   * @default - plain HTTP
   */
  readonly tls?: ServerTlsOptions;
  /**
   * Send the PROXY protocol v2 to the server (`send-proxy-v2`), so that it learns the client's
   * address (nginx `listen … proxy_protocol`, Postfix `smtpd_upstream_proxy_protocol`, Dovecot
   * `haproxy_trusted_networks`, another HAProxy's `accept-proxy`). Health checks send it too
   * (`check-send-proxy`), since such a server refuses connections without it.
   * @default false
   */
  readonly sendProxyProtocol?: boolean;
}

interface ServerEntry {
  readonly name: string;
  readonly props: HaproxyServerProps;
  readonly address?: IpAddress;
}

/**
 * A backend: a group of servers that serve the same application, with a balance algorithm, an
 * optional health check and optional cookie stickiness. Create it with `haproxy.addBackend()`
 * and route to it from a frontend; an unused backend is a validation error.
 *
 * @example
 * const apps = proxy.addBackend('be_app', { healthCheck: HealthCheck.http('/healthz') });
 * apps.addServer('app1', { address: '10.0.0.11', port: 8080 });
 * apps.addServer('app2', { address: '10.0.0.12', port: 8080, backup: true });
 */
export class HaproxyBackend extends Construct {
  /** The name in haproxy.conf. */
  public readonly name: string;
  /** The balance algorithm. */
  public readonly balance: BalanceAlgorithm;
  /** The health check, if any. */
  public readonly healthCheck?: HealthCheck;
  private readonly cookie?: StickyCookieOptions;
  private readonly stick?: StickOnSourceOptions;
  private readonly serverList: ServerEntry[] = [];
  /** Exact domains routed here, in the order the routes were added (the first is the check's default Host). */
  private readonly routedDomains: string[] = [];

  /** Use `Haproxy.addBackend`. */
  constructor(scope: Construct, id: string, props: HaproxyBackendProps = {}) {
    super(scope, constructId(scope, id));
    checkInit(this, 'cdkbsd.HaproxyBackend', props);
    this.name = props.name ?? id;
    this.balance = props.balance ?? BalanceAlgorithm.ROUND_ROBIN;
    this.healthCheck = props.healthCheck;
    this.cookie = props.stickyCookie;
    this.stick = props.stickOnSource;
    if (this.stick) {
      const e = this.stick.expire;
      if (e !== undefined && (!(e instanceof Duration) || e.toMilliseconds() < 1000 || e.toMilliseconds() > 2_147_483_647)) {
        Diagnostics.error(this, 'stickOnSource.expire must be a Duration from 1s to about 24.8 days', { value: String(e), allowed: 'e.g. Duration.minutes(30)' });
      }
      const n = this.stick.size;
      if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 100_000_000)) {
        Diagnostics.error(this, 'stickOnSource.size must be an integer from 1 to 100000000', { value: String(n), allowed: '1–100000000' });
      }
    }
    if (typeof this.name !== 'string' || !HAPROXY_NAME.test(this.name)) {
      Diagnostics.error(this, 'Backend name is not a valid HAProxy identifier', { value: String(this.name), allowed: HAPROXY_NAME_ALLOWED });
    }
    if (!Object.values(BalanceAlgorithm).includes(this.balance)) {
      Diagnostics.error(this, 'Balance algorithm is not known', { value: String(this.balance), allowed: Object.values(BalanceAlgorithm).join(', ') });
    }
    for (const p of this.healthCheck?._problems() ?? []) Diagnostics.error(this, p.message, { value: p.value, allowed: p.allowed });
    if (this.cookie?.name !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(this.cookie.name)) {
      Diagnostics.error(this, 'Sticky cookie name is not valid', { value: String(this.cookie.name), allowed: 'letters, digits, _ and - (1–64)' });
    }
    Diagnostics.addValidation(this, (r) => this.validateTree(r));
  }

  /**
   * Adds a server.
   * @param name the server's name in haproxy.conf (unique in this backend)
   */
  public addServer(name: string, props: HaproxyServerProps): void {
    checkArgs(this, 'cdkbsd.HaproxyBackend', 'addServer', arguments);
    if (typeof name !== 'string' || !HAPROXY_NAME.test(name)) {
      Diagnostics.error(this, 'Server name is not a valid HAProxy identifier', { value: String(name), allowed: HAPROXY_NAME_ALLOWED });
    } else if (this.serverList.some((s) => s.name === name)) {
      Diagnostics.error(this, 'Server name is used twice in this backend', { value: name, allowed: 'a unique name per server' });
    }
    const address = Diagnostics.tryParse(this, `Server ${name} address`, () => IpAddress.parse(props.address));
    if (!isPort(props.port)) {
      Diagnostics.error(this, `Server ${name} port must be an integer from 1 to 65535`, { value: String(props.port), allowed: '1–65535' });
    }
    const int = (what: string, n: number | undefined, min: number, max: number) => {
      if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)) {
        Diagnostics.error(this, `Server ${name} ${what} must be an integer from ${min} to ${max}`, { value: String(n), allowed: `${min}–${max}` });
      }
    };
    int('weight', props.weight, 0, 256);
    int('maxconn', props.maxconn, 1, 1_000_000);
    const tls = props.tls;
    if (tls?.caFile !== undefined && (typeof tls.caFile !== 'string' || !/^\/[A-Za-z0-9._+@\/-]+$/.test(tls.caFile))) {
      Diagnostics.error(this, `Server ${name} caFile must be an absolute path`, { value: String(tls.caFile), allowed: 'an absolute path such as /usr/local/etc/ssl/internal-ca.pem' });
    }
    if (tls?.caFile !== undefined && tls.verify === false) {
      Diagnostics.warning(this, `Server ${name} has a caFile but verify is off: the certificate is not checked`, { value: tls.caFile, allowed: 'verify: true, or no caFile' });
    }
    if (tls?.sni !== undefined && !/^[A-Za-z0-9.-]{1,253}$/.test(tls.sni)) {
      Diagnostics.error(this, `Server ${name} sni is not a host name`, { value: String(tls.sni), allowed: 'a host name such as app.internal.example.net' });
    }
    this.serverList.push({ name, props, address });
  }

  /**
   * @internal Called by `HaproxyFrontend.addRoute`: the domains of a route to this backend. The
   * first exact (not wildcard) one becomes the Host of an HTTP health check without `host`.
   */
  public _noteRoutedDomains(domains: string[]): void {
    for (const d of domains) {
      if (typeof d === 'string' && !d.startsWith('*') && DOMAIN.test(d.toLowerCase())) this.routedDomains.push(d.toLowerCase());
    }
  }

  /** @internal What of this backend needs HTTP mode, if anything. */
  public get _httpOnly(): string | undefined {
    return this.cookie ? 'cookie stickiness (stickyCookie)' : undefined;
  }

  /** Whether the backend keeps a source-address stick table. */
  public get sticksOnSource(): boolean {
    return this.stick !== undefined;
  }

  /** The names of the servers, in the order added. */
  public get serverNames(): string[] {
    return this.serverList.map((s) => s.name);
  }

  private validateTree(r: IReporter): void {
    if (this.serverList.length === 0) {
      r.error('Backend has no servers', { value: this.name, allowed: 'at least one server (backend.addServer)' });
    } else if (this.serverList.every((s) => s.props.backup === true)) {
      r.warning('Every server of the backend is a backup: backups get traffic only when a normal server is down, so HAProxy uses the first backup', { value: this.name });
    }
  }

  /**
   * @internal
   * @param peersName the `peers` section its stick table is replicated through
   * @param defaultHost the Host of an HTTP health check without `host` (when omitted: the
   * first exact domain routed to this backend)
   */
  public _model(peersName?: string, defaultHost?: string): BackendModel {
    const servers: ServerModel[] = this.serverList.map((s) => ({
      name: s.name,
      address: s.address ? s.address.text : String(s.props.address),
      ipv6: s.address ? !s.address.isIpv4 : false,
      port: s.props.port,
      weight: s.props.weight,
      backup: s.props.backup ?? false,
      maxconn: s.props.maxconn,
      cookie: this.cookie ? s.name : undefined,
      ...(s.props.sendProxyProtocol === true ? { sendProxy: true } : {}),
      tls: s.props.tls
        ? {
          verify: s.props.tls.verify === false ? 'none' : 'required',
          caFile: s.props.tls.verify === false ? undefined : s.props.tls.caFile ?? '@system-ca',
          sni: s.props.tls.sni,
        }
        : undefined,
    }));
    return {
      name: this.name,
      balance: this.balance,
      healthCheck: this.healthCheck?._model(defaultHost ?? this.routedDomains[0]),
      stickOnSource: this.stick
        ? { size: this.stick.size ?? 100_000, expireMs: (this.stick.expire ?? Duration.minutes(30)).toMilliseconds(), peers: peersName }
        : undefined,
      cookie: this.cookie
        ? { name: this.cookie.name ?? 'SRV', secure: this.cookie.secure ?? true, httpOnly: this.cookie.httpOnly ?? true }
        : undefined,
      servers,
    };
  }
}
