/**
 * The internal model of what a frontend does with a request or a connection before it reaches a
 * backend: routes (host, path, redirects, headers), SNI routes, access lists, basic auth, rate
 * limits, and the Prometheus exporter. Part of the model of model.ts (internal: plain data,
 * already validated and canonical).
 */

/** How a route matches the path (without the query string). */
export interface PathMatchModel {
  /**
   * `prefix`: the path or a path below it, segment by segment (`/api` matches `/api` and
   * `/api/x`, not `/apiary`). `exact`; `regex` (PCRE, `path -m reg`).
   */
  readonly kind: 'prefix' | 'exact' | 'regex';
  readonly value: string;
}

/** A redirect answered by a route (`http-request redirect …`). */
export interface RedirectModel {
  /** `prefix`: the URL prefix, the request's path and query appended. `location`: the whole target. */
  readonly kind: 'prefix' | 'location';
  /** Literal text (the renderer escapes `%` for HAProxy's log-format). */
  readonly value: string;
  readonly code: number;
}

/** A header set on requests or responses of a route. */
export interface HeaderModel {
  readonly name: string;
  /** Literal text (the renderer escapes `%` for HAProxy's log-format). */
  readonly value: string;
}

/** Source lists (canonical prefixes): allowed (empty: any) and refused. */
export interface SourceListModel {
  readonly allow: string[];
  readonly deny: string[];
}

/** One user of a `userlist`. */
export interface UserModel {
  readonly name: string;
  /** A SHA-512 crypt hash (`$6$…`), never the password. */
  readonly hash: string;
}

/** A `userlist` section (basic auth of one route). */
export interface UserlistModel {
  readonly name: string;
  readonly users: UserModel[];
}

/** Basic auth of a route. */
export interface RouteAuthModel {
  readonly userlist: string;
  readonly realm: string;
}

/** A rate limit of a frontend: a stick table keyed by source address. */
export interface RateLimitModel {
  readonly size: number;
  readonly expireMs: number;
  /** Requests (HTTP) or connections (TCP) per source within `periodMs`. */
  readonly requests?: number;
  readonly periodMs: number;
  /** Concurrent connections per source. */
  readonly concurrent?: number;
  /** The `peers` section the table is replicated through. */
  readonly peers?: string;
}

/** A route of an HTTP frontend. */
export interface RouteModelParts {
  /** The name the route's ACLs carry (`host_<key>`, `path_<key>` …), unique in the frontend. */
  readonly key?: string;
  readonly paths?: PathMatchModel[];
  readonly redirect?: RedirectModel;
  readonly requestHeaders?: HeaderModel[];
  readonly responseHeaders?: HeaderModel[];
  readonly sources?: SourceListModel;
  readonly auth?: RouteAuthModel;
}

/** A TLS route of a TCP frontend by server name (SNI). */
export interface SniRouteModel {
  readonly key: string;
  /** Lower-case names. `*.example.net` matches any name ending in `.example.net`. */
  readonly domains: string[];
  readonly backend: string;
}

/** What a frontend does before routing: TCP mode, PROXY protocol, access, rate limits. */
export interface FrontendModelParts {
  /** `tcp`: a TCP frontend (`mode tcp`, `option tcplog`). Omitted: HTTP. */
  readonly mode?: 'tcp';
  /** The balancers allowed to send the PROXY protocol (binds get `accept-proxy`). */
  readonly proxyFrom?: string[];
  /** Source lists of the whole frontend. */
  readonly sources?: SourceListModel;
  readonly rateLimit?: RateLimitModel;
  /** TCP: routes by server name, in the author's order. */
  readonly sniRoutes?: SniRouteModel[];
  /** TCP passthrough: how long to wait for the TLS ClientHello (`tcp-request inspect-delay`). */
  readonly sniInspectDelayMs?: number;
  /** TCP with TLS termination: SNI routes match the terminated connection (`ssl_fc_sni`). */
  readonly sniTerminated?: boolean;
  /** The `userlist` sections its routes use. */
  readonly userlists?: UserlistModel[];
}

/** HAProxy's Prometheus exporter on the management address: a small `frontend`. */
export interface MetricsModel {
  readonly name: string;
  readonly binds: Array<{ readonly address: string; readonly ipv6: boolean; readonly port: number }>;
  readonly path: string;
}
