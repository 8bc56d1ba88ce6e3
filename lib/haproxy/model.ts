/**
 * The plain internal model of one haproxy.conf, as `renderHaproxyConf` renders it.
 *
 * Internal: not exported from lib/index.ts, so ordinary TypeScript (unions, literal types) is
 * fine here. The constructs (Haproxy, HaproxyFrontend, HaproxyBackend) build one model per
 * target host; everything in it is already validated and canonical (addresses in canonical
 * text, durations in milliseconds), so the renderer only decides layout and order.
 */

import type { FrontendModelParts, MetricsModel, RouteModelParts } from './model-routing';

/** A syslog target of the `global` section. */
export interface LogTargetModel {
  /** `/var/run/log` (a UNIX socket, resolved inside the chroot) or `127.0.0.1:514`. */
  readonly address: string;
  /** Syslog facility, e.g. `local0`. */
  readonly facility: string;
  /** Maximum level sent, e.g. `info`. Omitted: everything. */
  readonly level?: string;
}

/** The admin socket of the `global` section (`stats socket …`). */
export interface StatsSocketModel {
  readonly path: string;
  /** Octal permission, e.g. `600`. */
  readonly mode: string;
  readonly level: 'user' | 'operator' | 'admin';
  /** `expose-fd listeners`: lets a reload take over the listening sockets (`-x`). */
  readonly exposeFdListeners: boolean;
}

/** TLS defaults (`ssl-default-bind-*`, `ssl-default-server-*`). */
export interface TlsModel {
  /** Profile name, only for the comment line. */
  readonly name: string;
  readonly bindCurves?: string;
  /** TLS ≤1.2 cipher list. Omitted for TLS 1.3-only profiles. */
  readonly bindCiphers?: string;
  readonly bindCiphersuites: string;
  readonly bindOptions: string[];
  readonly serverCiphers?: string;
  readonly serverCiphersuites: string;
  readonly serverOptions: string[];
  /** `ssl-dh-param-file`, when given. */
  readonly dhParamFile?: string;
}

/** The `global` section. */
export interface GlobalModel {
  readonly maxconn: number;
  /** `user <name>` (FreeBSD: `www`). */
  readonly user: string;
  /** `group <name>` (FreeBSD: `www`). */
  readonly group: string;
  /** Chroot directory, or omitted for none. */
  readonly chroot?: string;
  readonly logs: LogTargetModel[];
  readonly statsSocket?: StatsSocketModel;
  /** `stats timeout`, in ms. */
  readonly statsTimeoutMs?: number;
  /** `hard-stop-after`, in ms: how long an old process may finish its connections after a reload. */
  readonly hardStopAfterMs?: number;
  /** `localpeer <name>` (per host, with `peers`). */
  readonly localPeer?: string;
  readonly tls: TlsModel;
}

/** Timeouts of the `defaults` section, in milliseconds. */
export interface TimeoutsModel {
  readonly connect: number;
  readonly client: number;
  readonly server: number;
  readonly httpRequest: number;
  readonly httpKeepAlive: number;
  readonly queue: number;
  readonly tunnel: number;
  readonly check?: number;
}

/** The `defaults` section (always `mode http`). */
export interface DefaultsModel {
  readonly timeouts: TimeoutsModel;
  /** `retries`. */
  readonly retries: number;
  /** `option forwardfor` (X-Forwarded-For on every request to a server). */
  readonly forwardFor: boolean;
  /** `option redispatch`. */
  readonly redispatch: boolean;
}

/** How a bind terminates TLS. */
export interface BindTlsModel {
  /** Certificates: `crt <file>`, `crt <dir>/` (`kind: 'file'|'directory'`) or `crt-list <file>`. */
  readonly certificates: Array<{ readonly kind: 'file' | 'directory' | 'crt-list'; readonly path: string }>;
  /** ALPN protocols, e.g. `['h2', 'http/1.1']`. Empty: no `alpn`. */
  readonly alpn: string[];
  readonly strictSni: boolean;
}

/** One `bind` line. */
export interface BindModel {
  /** Canonical IPv4 or IPv6 address text (no brackets). */
  readonly address: string;
  readonly ipv6: boolean;
  readonly port: number;
  /** `transparent` (IP_BINDANY/IPV6_BINDANY on FreeBSD): bind an address in CARP BACKUP. */
  readonly transparent: boolean;
  /** `v6only` (on `::`: FreeBSD's default, said so that `0.0.0.0` beside it binds on any OS). */
  readonly v6only?: boolean;
  /** `accept-proxy`: the PROXY protocol from a balancer in front. */
  readonly acceptProxy?: boolean;
  readonly tls?: BindTlsModel;
}

/** A route: Host (and path, see RouteModelParts) to one backend, or a redirect. */
export interface RouteModel extends RouteModelParts {
  /** Lower-case domains. `*.example.net` is a wildcard (any name ending in `.example.net`). Empty: any host. */
  readonly domains: string[];
  /** Omitted for a redirect route. */
  readonly backend?: string;
}

/** `Strict-Transport-Security`. */
export interface HstsModel {
  readonly maxAgeSeconds: number;
  readonly includeSubdomains: boolean;
  readonly preload: boolean;
}

/** A `frontend` section (mode http, or tcp: see FrontendModelParts). */
export interface FrontendModel extends FrontendModelParts {
  readonly name: string;
  readonly binds: BindModel[];
  readonly maxconn?: number;
  /** Redirect plain HTTP to HTTPS with this code (301, 302, 303, 307, 308). Omitted: no redirect. */
  readonly httpsRedirectCode?: number;
  readonly hsts?: HstsModel;
  /** Drop the client's X-Forwarded-For and set X-Forwarded-Proto. */
  readonly forwardedHeaders: boolean;
  readonly routes: RouteModel[];
  readonly defaultBackend?: string;
  /** Status returned when no route matches and there is no default backend (404 or 503). */
  readonly fallbackStatus: number;
}

/** One step of a `tcp-check` dialogue. */
export interface TcpCheckStepModel {
  /** `send` (text, line endings included), `expect-string` or `expect-rstring`. */
  readonly kind: 'send' | 'expect-string' | 'expect-rstring';
  readonly value: string;
}

/** An agent check beside the regular check (`agent-check`). */
export interface AgentCheckModel {
  readonly port: number;
  readonly interMs: number;
  /** Sent to the agent on connect (newline included). */
  readonly send?: string;
}

/** A health check of a backend. */
export interface HealthCheckModel {
  /**
   * `http` (`option httpchk`), `tcp` (connect only), `smtp` (`option smtpchk`), `tcp-check`
   * (`option tcp-check` with `steps`), `pgsql` / `mysql` (`option pgsql-check|mysql-check`).
   */
  readonly kind: 'http' | 'tcp' | 'smtp' | 'tcp-check' | 'pgsql' | 'mysql';
  /** HTTP only. */
  readonly method?: string;
  readonly path?: string;
  /** HTTP: the Host header. Without one the check is sent as HTTP/1.0. */
  readonly host?: string;
  /** HTTP: what the answer must show (`http-check expect <kind> <value>`), e.g. status `200-399`. */
  readonly expect?: { readonly kind: 'status' | 'string' | 'rstring'; readonly value: string };
  /** SMTP: `EHLO <domain>`. Omitted: HAProxy's `HELO localhost`. */
  readonly smtpDomain?: string;
  /** PostgreSQL / MySQL: the user of the check. */
  readonly user?: string;
  /** `tcp-check`: the dialogue, in order. */
  readonly steps?: TcpCheckStepModel[];
  readonly agent?: AgentCheckModel;
  readonly interMs: number;
  readonly rise: number;
  readonly fall: number;
}

/** TLS from HAProxy to a server. */
export interface ServerTlsModel {
  readonly verify: 'none' | 'required';
  readonly caFile?: string;
  /** SNI sent to the server (also verified against its certificate). */
  readonly sni?: string;
}

/** One `server` line. */
export interface ServerModel {
  readonly name: string;
  readonly address: string;
  readonly ipv6: boolean;
  readonly port: number;
  readonly weight?: number;
  readonly backup: boolean;
  readonly maxconn?: number;
  readonly tls?: ServerTlsModel;
  /** Cookie value (with cookie stickiness). */
  readonly cookie?: string;
  /** `send-proxy-v2` (and `check-send-proxy` with a health check): the PROXY protocol to the server. */
  readonly sendProxy?: boolean;
}

/** Cookie-based stickiness (`cookie <name> insert indirect nocache`). */
export interface CookieModel {
  readonly name: string;
  /** Add `secure` (the cookie only travels over HTTPS). */
  readonly secure: boolean;
  readonly httpOnly: boolean;
}

/** A `backend` section. */
export interface BackendModel {
  readonly name: string;
  /** `tcp` when TCP frontends use it. Omitted: HTTP (the defaults' mode). */
  readonly mode?: 'tcp';
  /** `roundrobin`, `leastconn`, `source`, `first`, … */
  readonly balance: string;
  readonly healthCheck?: HealthCheckModel;
  readonly cookie?: CookieModel;
  /** Source-address stickiness: a stick table (replicated through `peers` when set). */
  readonly stickOnSource?: { readonly size: number; readonly expireMs: number; readonly peers?: string };
  /** Servers in the author's order (it matters for `balance first` and for reading). */
  readonly servers: ServerModel[];
}

/** The stats page: a `listen` section. */
export interface StatsPageModel {
  readonly name: string;
  readonly binds: Array<{ readonly address: string; readonly ipv6: boolean; readonly port: number }>;
  readonly uri: string;
  readonly refreshMs: number;
  readonly user: string;
  /** The password itself (the file is then written 0600 and marked secret). */
  readonly password: string;
  readonly admin: boolean;
}

/** A `peers` section (stick-table sync). The local one is `global.localPeer`. */
export interface PeersModel {
  readonly name: string;
  readonly peers: Array<{ readonly name: string; readonly address: string; readonly ipv6: boolean; readonly port: number }>;
}

/** One whole haproxy.conf. */
export interface HaproxyConfModel {
  readonly global: GlobalModel;
  readonly defaults: DefaultsModel;
  readonly frontends: FrontendModel[];
  readonly backends: BackendModel[];
  readonly stats?: StatsPageModel;
  readonly peers?: PeersModel;
  /** The Prometheus exporter. */
  readonly metrics?: MetricsModel;
}
