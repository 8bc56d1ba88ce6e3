import { CarpVip } from '../carp/carp-vip';
import { Duration } from '../net/duration';
import { HaproxyBackend } from './backend';
import { Certificate } from './certificate';
import { HaproxyRateLimitProps } from './rate-limit';
import { ProxyMode } from './tcp';

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
   * Ask for inclusion in browsers' preload lists (`preload`, needs includeSubdomains and a
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
   * HTTP (routes by Host and path) or TCP (IMAP, SMTP, databases, TLS passthrough by SNI). A TCP
   * frontend listens on `port`; the HTTP props (`httpPort`, `httpsPort`, `plainHttp`,
   * `httpsRedirect`, `redirectCode`, `hsts`, `forwardedHeaders`, `fallbackStatus`) are for HTTP
   * frontends only.
   * @default ProxyMode.HTTP
   */
  readonly mode?: ProxyMode;
  /**
   * CARP VIPs to listen on: every address of each (IPv4 and IPv6). They must belong to the
   * cluster the HAProxy runs on.
   * @default - none
   */
  readonly vips?: CarpVip[];
  /**
   * Explicit addresses to listen on (IPv4 or IPv6), in addition to the VIPs: addresses of the
   * host's interfaces, a loopback address, or `0.0.0.0` and `::` for every address of the host
   * (the firewall then opens the port on the host itself, pf's `self`). An address the host
   * does not have is an error, unless `transparent` is set.
   * @default - none
   */
  readonly addresses?: string[];
  /**
   * Bind the explicit `addresses` with `transparent` too (IP_BINDANY / IPV6_BINDANY): for an
   * address the host does not have yet, e.g. one that another tool adds or routes to it.
   * @default false
   */
  readonly transparent?: boolean;
  /**
   * Certificates: with any, the frontend terminates TLS (HTTP: on `httpsPort`, TCP: on `port`,
   * and the servers get plain TCP, e.g. IMAPS in front of IMAP).
   * @default - no TLS
   */
  readonly certificates?: Certificate[];
  /**
   * The port of a TCP frontend (required for TCP, HTTP frontends use httpPort and httpsPort).
   * @default - none
   */
  readonly port?: number;
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
   * ALPN protocols offered on TLS binds.
   * @default - HTTP: ['h2', 'http/1.1']; TCP: none
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
   * Where requests (HTTP) or connections (TCP) go that match no route.
   * @default - none: HTTP requests get `fallbackStatus`; a TCP frontend needs SNI routes
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
  /**
   * Only these sources (prefixes such as `10.0.0.0/8`, or single addresses) may connect: the
   * firewall opens the frontend's ports to them only, and HAProxy refuses others too (HTTP:
   * 403, TCP: the connection is closed).
   * @default - any source
   */
  readonly allowFrom?: string[];
  /**
   * Sources refused even when `allowFrom` allows them (the firewall blocks them too).
   * @default - none
   */
  readonly denyFrom?: string[];
  /**
   * Balancers in front that send the PROXY protocol (v1 or v2): every bind gets `accept-proxy`,
   * the firewall opens the ports to these balancers only, and HAProxy closes connections from
   * anywhere else. `allowFrom`, `denyFrom` and `rateLimit` then apply to the original clients
   * named in the PROXY header.
   * @default - no PROXY protocol
   */
  readonly acceptProxyFrom?: string[];
  /**
   * Limits per client address (requests per period, concurrent connections), answered with 429.
   * @default - no rate limit
   */
  readonly rateLimit?: HaproxyRateLimitProps;
  /**
   * TCP frontends with SNI routes and no certificates: how long to wait for the client's TLS
   * ClientHello before routing (`tcp-request inspect-delay`). A client that sends none by then
   * goes to the default backend.
   * @default Duration.seconds(5)
   */
  readonly sniInspectDelay?: Duration;
}
