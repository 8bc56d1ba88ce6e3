import { IConstruct } from 'constructs';
import { Diagnostics } from '../core/diagnostics';
import { Duration } from '../net/duration';
import { HaproxyBackend } from './backend';
import type { HaproxyFrontendProps } from './frontend-props';
import { SniRouteModel } from './model-routing';
import { checkDomains, domainCovers } from './route';

/** What a frontend speaks (HAProxy's `mode`). */
export enum ProxyMode {
  /**
   * HTTP (`mode http`): routes by Host and path, redirects, headers, basic auth. TLS
   * termination with certificates.
   */
  HTTP = 'http',
  /**
   * Plain TCP (`mode tcp`): IMAP, SMTP, databases, or TLS passed through to the servers and
   * routed by server name (`addSniRoute`). With certificates, HAProxy terminates TLS and the
   * servers get plain TCP (IMAPS → IMAP).
   */
  TCP = 'tcp',
}

/**
 * A route of a TCP frontend by the server name the client asks for in its TLS ClientHello
 * (SNI). Without certificates on the frontend, the TLS session passes through to the backend
 * untouched (its servers hold the certificates); with certificates, HAProxy terminates TLS and
 * routes by the name of the terminated session. Routes are tried in the order added.
 */
export interface HaproxySniRouteProps {
  /**
   * Server names, matched case-insensitively: exact (`mail.example.net`) or wildcard
   * (`*.example.net`: any name ending in `.example.net`).
   */
  readonly domains: string[];
  /** The backend (of the same Haproxy, TCP, as every backend a TCP frontend uses). */
  readonly backend: HaproxyBackend;
}

/** @internal A validated SNI route. */
export interface SniRouteEntry {
  readonly key: string;
  readonly domains: string[];
  readonly backend: HaproxyBackend;
}

/** @internal The `allowed` text when an HTTP and a TCP frontend want the same address and port. */
export const MODE_CLASH_ALLOWED = 'one frontend per address and port: HAProxy serves an address and port either as HTTP or as TCP. '
  + 'To pass some TLS names through and terminate others on one port, make it a TCP frontend with SNI routes (addSniRoute) and route the names '
  + 'HAProxy terminates to a backend whose server is an HTTP frontend on a loopback address (sendProxyProtocol on that server, acceptProxyFrom 127.0.0.1 on that frontend)';

/** @internal Validates an SNI route of a TCP frontend (reported on `scope`). */
export function checkSniRoute(scope: IConstruct, props: HaproxySniRouteProps, routes: readonly SniRouteEntry[]): SniRouteEntry | undefined {
  const domains = checkDomains(scope, 'SNI route domains', props?.domains);
  if (!Array.isArray(props?.domains) || props.domains.length === 0) {
    Diagnostics.error(scope, 'An SNI route needs at least one domain', { value: String(props?.domains), allowed: 'server names such as mail.example.net or *.example.net' });
  }
  if (!(props?.backend instanceof HaproxyBackend)) {
    Diagnostics.error(scope, 'SNI route backend must be a HaproxyBackend', { value: String(props?.backend), allowed: 'a backend from haproxy.addBackend()' });
    return undefined;
  }
  for (const d of domains) {
    const first = routes.find((r) => r.domains.some((x) => domainCovers(x, d)));
    if (!first) continue;
    if (first.domains.includes(d)) {
      Diagnostics.error(scope, `Server name is routed twice (to ${first.backend.node.path} and ${props.backend.node.path})`, { value: d, allowed: 'each server name in one SNI route' });
    } else {
      Diagnostics.error(scope, `SNI route to ${props.backend.node.path} never gets ${d}: the earlier route to ${first.backend.node.path} (${first.domains.find((x) => domainCovers(x, d))}) takes it first`, { value: d, allowed: 'add the more specific route first (routes are tried in the order added)' });
    }
  }
  let key = props.backend.name;
  for (let n = 2; routes.some((r) => r.key === key); n++) key = `${props.backend.name}_${n}`;
  return { key, domains, backend: props.backend };
}

/** @internal */
export function sniRouteModel(e: SniRouteEntry): SniRouteModel {
  return { key: e.key, domains: [...e.domains], backend: e.backend.name };
}

/**
 * @internal What is wrong with a backend's mode, given the modes of the frontends that use it
 * (HAProxy refuses a frontend that sends to a backend of the other mode).
 */
export function backendModeProblem(backend: HaproxyBackend, users: ReadonlyArray<{ readonly mode: ProxyMode; readonly node: { readonly path: string } }>): { message: string; value: string; allowed: string } | undefined {
  const http = users.find((f) => f.mode !== ProxyMode.TCP);
  const tcp = users.find((f) => f.mode === ProxyMode.TCP);
  if (http && tcp) {
    return {
      message: `Backend is used by the HTTP frontend ${http.node.path} and the TCP frontend ${tcp.node.path}: HAProxy runs a backend in one mode`,
      value: backend.name,
      allowed: 'a backend per mode (two backends with the same servers)',
    };
  }
  if (tcp && backend._httpOnly) {
    return { message: `Backend ${backend._httpOnly} needs HTTP, but the TCP frontend ${tcp.node.path} uses it`, value: backend.name, allowed: 'no cookie stickiness on a TCP backend (stickOnSource works in both modes)' };
  }
  return undefined;
}

const HTTP_ONLY = ['httpPort', 'httpsPort', 'plainHttp', 'httpsRedirect', 'redirectCode', 'hsts', 'forwardedHeaders', 'fallbackStatus'] as const;

/** @internal Checks the props that depend on the mode (reported on the frontend `scope`). */
export function checkModeProps(scope: IConstruct, props: HaproxyFrontendProps): void {
  const given = props as unknown as Record<string, unknown>;
  const mode = props.mode ?? ProxyMode.HTTP;
  if (!Object.values(ProxyMode).includes(mode)) {
    Diagnostics.error(scope, 'Frontend mode is not known', { value: String(mode), allowed: 'ProxyMode.HTTP or ProxyMode.TCP' });
    return;
  }
  if (mode === ProxyMode.HTTP) {
    if (props.port !== undefined) Diagnostics.error(scope, 'port is for TCP frontends', { value: String(props.port), allowed: 'httpPort / httpsPort, or mode: ProxyMode.TCP' });
    if (props.sniInspectDelay !== undefined) Diagnostics.error(scope, 'sniInspectDelay is for TCP frontends', { value: String(props.sniInspectDelay), allowed: 'mode: ProxyMode.TCP, or no sniInspectDelay' });
    return;
  }
  if (props.port === undefined) {
    Diagnostics.error(scope, 'A TCP frontend needs a port', { value: 'port: undefined', allowed: 'port: 993 (or any port 1–65535)' });
  } else if (typeof props.port !== 'number' || !Number.isInteger(props.port) || props.port < 1 || props.port > 65535) {
    Diagnostics.error(scope, 'port must be an integer from 1 to 65535', { value: String(props.port), allowed: '1–65535' });
  }
  for (const k of HTTP_ONLY) {
    if (given[k] !== undefined) Diagnostics.error(scope, `${k} is for HTTP frontends`, { value: `${k}: ${JSON.stringify(given[k]) ?? String(given[k])}`, allowed: 'remove it, or mode: ProxyMode.HTTP' });
  }
  const d = props.sniInspectDelay;
  if (d !== undefined && (!(d instanceof Duration) || d.toMilliseconds() < 100 || d.toMilliseconds() > 60_000)) {
    Diagnostics.error(scope, 'sniInspectDelay must be a Duration from 100ms to 60s', { value: String(d), allowed: 'e.g. Duration.seconds(5)' });
  }
}
