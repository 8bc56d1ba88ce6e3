import { IConstruct } from 'constructs';
import { Diagnostics } from '../core/diagnostics';
import { optionProblems } from '../core/private/check-props';
import { IpPrefix } from '../net/address';
import { HaproxyBasicAuthProps, checkBasicAuth, parseSources } from './access';
import { HaproxyBackend } from './backend';
import { HeaderModel, PathMatchModel, RedirectModel } from './model-routing';
import { DOMAIN, DOMAIN_ALLOWED, HAPROXY_NAME, HAPROXY_NAME_ALLOWED } from './private/names';

/** How a `PathMatch` compares the request's path. */
export enum PathMatchKind {
  /** The path itself or any path below it, segment by segment. */
  PREFIX = 'prefix',
  /** Exactly this path. */
  EXACT = 'exact',
  /** A regular expression (PCRE, as HAProxy runs it). */
  REGEX = 'regex',
}

/**
 * Which request paths a route takes (the path only: the query string is not part of it, matched
 * case-sensitively, as servers do).
 */
export class PathMatch {
  /**
   * The path and every path below it, segment by segment, as in Kubernetes' `Prefix`:
   * `prefix('/api')` takes `/api`, `/api/` and `/api/v1`, not `/apiary`. `prefix('/api/')`
   * takes `/api/…` only; `prefix('/')` takes every path.
   */
  public static prefix(path: string): PathMatch {
    return new PathMatch(PathMatchKind.PREFIX, path);
  }

  /** Exactly `path`, e.g. `/login`. */
  public static exact(path: string): PathMatch {
    return new PathMatch(PathMatchKind.EXACT, path);
  }

  /**
   * Paths matching a regular expression (HAProxy's `path -m reg`, PCRE), e.g.
   * `^/v[0-9]+/users`. Anchor it with `^`: unanchored, it matches anywhere in the path.
   * @param pattern printable ASCII, at most 1024 characters, in the subset JavaScript also
   * compiles (checked)
   */
  public static regex(pattern: string): PathMatch {
    return new PathMatch(PathMatchKind.REGEX, pattern);
  }

  /** How the path is compared. */
  public readonly kind: PathMatchKind;
  /** The path or the pattern. */
  public readonly value: string;

  private constructor(kind: PathMatchKind, value: string) {
    this.kind = kind;
    this.value = value;
  }

  /** @internal Why it cannot be used, or undefined. */
  public _problem(): { message: string; value: string; allowed: string } | undefined {
    const v = this.value;
    if (this.kind === PathMatchKind.REGEX) {
      if (typeof v !== 'string' || v === '' || v.length > 1024 || !/^[\x20-\x7e]+$/.test(v)) {
        return { message: 'Route path pattern must be printable ASCII, 1–1024 characters', value: String(v), allowed: 'a regular expression such as ^/v[0-9]+/' };
      }
      try {
        new RegExp(v);
      } catch (e) {
        return { message: `Route path pattern does not compile (${(e as Error).message.replace(/^Invalid regular expression: /, '')})`, value: v, allowed: 'a regular expression such as ^/v[0-9]+/' };
      }
      return undefined;
    }
    if (typeof v !== 'string' || !/^\/[A-Za-z0-9._~!$&'()*+,;=:@%\/-]{0,1023}$/.test(v)) {
      return { message: `Route path ${this.kind} must be an absolute path`, value: String(v), allowed: "a path starting with / in URL characters (no blanks, ?, #), e.g. '/api'" };
    }
    if (/\/\/|(^|\/)\.\.?(\/|$)/.test(v)) {
      return { message: 'Route path must not contain //, . or .. segments (HAProxy matches the path as the client sent it)', value: v, allowed: "a normalised path such as '/api/v1'" };
    }
    return undefined;
  }

  /** @internal Whether this takes every path `other` takes (regular expressions: only the same one). */
  public _covers(other: PathMatch): boolean {
    if (this.kind === PathMatchKind.REGEX || other.kind === PathMatchKind.REGEX) return this.kind === other.kind && this.value === other.value;
    if (this.kind === PathMatchKind.EXACT) return other.kind === PathMatchKind.EXACT && other.value === this.value;
    const base = this.value.endsWith('/') ? this.value : `${this.value}/`;
    return other.value === this.value || other.value.startsWith(base);
  }

  /** @internal */
  public _model(): PathMatchModel {
    return { kind: this.kind === PathMatchKind.PREFIX ? 'prefix' : this.kind === PathMatchKind.EXACT ? 'exact' : 'regex', value: this.value };
  }

  /** `prefix /api`, `exact /login`, `regex ^/v[0-9]+/`. */
  public toString(): string {
    return `${this.kind} ${this.value}`;
  }
}

/** Options of a redirect. */
export interface HttpRedirectOptions {
  /**
   * The status: 301 or 308 (permanent, 308 keeps the method and body), 302, 303 or 307.
   * @default 301
   */
  readonly code?: number;
}

/** What a route answers instead of sending the request to a backend. */
export class HttpRedirect {
  /**
   * To another host over HTTPS, keeping the path and the query (`redirect prefix
   * https://<host>`): `toHost('www.example.net')` sends `/a?b=1` to
   * `https://www.example.net/a?b=1`.
   */
  public static toHost(host: string, options: HttpRedirectOptions = {}): HttpRedirect {
    return new HttpRedirect('host', host, options);
  }

  /**
   * To `prefix` followed by the request's path and query (`redirect prefix`), e.g.
   * `http://intranet.example.net:8080` or `https://example.net/old-site` (no trailing `/`).
   */
  public static toPrefix(prefix: string, options: HttpRedirectOptions = {}): HttpRedirect {
    return new HttpRedirect('prefix', prefix, options);
  }

  /**
   * To exactly `location` (`redirect location`): an absolute path such as `/new-page` (same
   * host) or a whole URL. The request's path and query are dropped.
   */
  public static toLocation(location: string, options: HttpRedirectOptions = {}): HttpRedirect {
    return new HttpRedirect('location', location, options);
  }

  private constructor(private readonly kind: 'host' | 'prefix' | 'location', private readonly target: string, private readonly options: HttpRedirectOptions) {}

  /** @internal */
  public _problems(): Array<{ message: string; value: string; allowed: string }> {
    const out: Array<{ message: string; value: string; allowed: string }> = optionProblems('cdkbsd.HttpRedirectOptions', this.options, [null]);
    const t = this.target;
    const url = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~!$&'()*+,;=:@%\/-]*)?$/;
    if (this.kind === 'host' && (typeof t !== 'string' || !DOMAIN.test(t.toLowerCase()) || t.startsWith('*'))) {
      out.push({ message: 'Redirect host is not a host name', value: String(t), allowed: 'a host name such as www.example.net' });
    } else if (this.kind === 'prefix' && (typeof t !== 'string' || !url.test(t) || t.endsWith('/'))) {
      out.push({ message: 'Redirect prefix must be an http(s) URL without a trailing /', value: String(t), allowed: 'e.g. https://example.net or https://example.net/old-site' });
    } else if (this.kind === 'location' && (typeof t !== 'string' || !(url.test(t) || /^\/[A-Za-z0-9._~!$&'()*+,;=:@%\/?-]*$/.test(t)) || t.length > 2048)) {
      out.push({ message: 'Redirect location must be an absolute path or an http(s) URL', value: String(t), allowed: 'e.g. /new-page or https://example.net/new-page' });
    }
    const code = this.options?.code;
    if (code !== undefined && ![301, 302, 303, 307, 308].includes(code)) {
      out.push({ message: 'Redirect code is not a redirect status', value: String(code), allowed: '301, 302, 303, 307 or 308' });
    }
    return out;
  }

  /** @internal */
  public _model(): RedirectModel {
    const code = this.options?.code ?? 301;
    if (this.kind === 'host') return { kind: 'prefix', value: `https://${this.target.toLowerCase()}`, code };
    return { kind: this.kind, value: this.target, code };
  }

  /** A description, e.g. `redirect to https://www.example.net`. */
  public toString(): string {
    return `redirect to ${this.kind === 'host' ? `https://${this.target}` : this.target}`;
  }
}

/**
 * A route of an HTTP frontend: requests matching `domains` (Host) and `paths` go to `backend`,
 * or get `redirect`. Routes are tried in the order they were added, and the first that matches
 * wins (as HAProxy evaluates `use_backend`): add the specific routes before the general ones. A
 * route that an earlier one always takes first is an error.
 */
export interface HaproxyRouteProps {
  /**
   * Host names, matched case-insensitively and without the port: exact (`app.example.net`) or
   * wildcard (`*.example.net`: any name ending in `.example.net`, not the bare domain).
   * @default - any host (then `paths` must be given)
   */
  readonly domains?: string[];
  /**
   * Paths the route takes, any of them (`PathMatch.prefix('/api')`, `exact`, `regex`).
   * @default - every path
   */
  readonly paths?: PathMatch[];
  /**
   * The backend (of the same Haproxy) that serves the route.
   * @default - none: `redirect` must be given
   */
  readonly backend?: HaproxyBackend;
  /**
   * Answer with a redirect instead of a backend.
   * @default - no redirect: `backend` must be given
   */
  readonly redirect?: HttpRedirect;
  /**
   * Headers set on the route's requests before they reach the backend (`http-request
   * set-header`), name → value, in this order. Values are literal text.
   * @default - none
   */
  readonly requestHeaders?: { [name: string]: string };
  /**
   * Headers set on the backend's responses of the route (`http-response set-header`).
   * @default - none
   */
  readonly responseHeaders?: { [name: string]: string };
  /**
   * Only these sources (prefixes such as `10.0.0.0/8` or single addresses) may use the route.
   * Others get 403. The firewall still lets everyone reach the frontend (other routes need it):
   * to narrow the firewall too, restrict the whole frontend (`allowFrom` of the frontend).
   * @default - any source
   */
  readonly allowFrom?: string[];
  /**
   * Sources refused on this route with 403 (checked after `allowFrom`).
   * @default - none
   */
  readonly denyFrom?: string[];
  /**
   * HTTP basic auth on the route.
   * @default - none
   */
  readonly basicAuth?: HaproxyBasicAuthProps;
  /**
   * The name the route's ACLs carry in haproxy.conf (`host_<name>`, `path_<name>`).
   * @default - the backend's name (`<name>_2`, `_3` … for later routes to it), or `redirect`
   */
  readonly name?: string;
}

/** @internal A validated route, in the frontend's order. */
export interface RouteEntry {
  readonly key: string;
  readonly domains: string[];
  readonly paths: PathMatch[];
  readonly backend?: HaproxyBackend;
  readonly redirect?: HttpRedirect;
  readonly requestHeaders: HeaderModel[];
  readonly responseHeaders: HeaderModel[];
  readonly allow: IpPrefix[];
  readonly deny: IpPrefix[];
  readonly basicAuth?: HaproxyBasicAuthProps;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;

/** @internal Checks lower-cased domains of a route (or an SNI route). Returns the valid ones. */
export function checkDomains(scope: IConstruct, what: string, list: unknown): string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    Diagnostics.error(scope, `${what} must be a list of domains`, { value: String(list), allowed: DOMAIN_ALLOWED });
    return [];
  }
  const out: string[] = [];
  for (const d of list) {
    if (typeof d !== 'string' || !DOMAIN.test(d.toLowerCase())) {
      Diagnostics.error(scope, `${what.replace(/s$/, '')} is not valid`, { value: String(d), allowed: DOMAIN_ALLOWED });
    } else if (!out.includes(d.toLowerCase())) {
      out.push(d.toLowerCase());
    }
  }
  return out;
}

/** @internal Whether host pattern `a` takes every name `b` does. */
export function domainCovers(a: string, b: string): boolean {
  if (a === b) return true;
  if (!a.startsWith('*.')) return false;
  const suffix = a.slice(1); // ".example.net"
  return b.startsWith('*.') ? b.slice(1).endsWith(suffix) : b.endsWith(suffix);
}

function headers(scope: IConstruct, what: string, rec: unknown): HeaderModel[] {
  if (rec === undefined) return [];
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
    Diagnostics.error(scope, `${what} must be a map of header name to value`, { value: String(rec), allowed: "{ 'X-Frame-Options': 'DENY' }" });
    return [];
  }
  const out: HeaderModel[] = [];
  for (const [name, value] of Object.entries(rec as Record<string, unknown>)) {
    if (!TOKEN.test(name)) {
      Diagnostics.error(scope, `${what}: header name is not valid`, { value: name, allowed: 'an HTTP token such as X-Frame-Options (letters, digits, - and !#$%&\'*+.^_`|~)' });
    } else if (out.some((h) => h.name.toLowerCase() === name.toLowerCase())) {
      Diagnostics.error(scope, `${what}: header is set twice (names are case-insensitive)`, { value: name, allowed: 'each header once' });
    } else if (typeof value !== 'string' || !/^[\x20-\x7e]{0,1024}$/.test(value)) {
      Diagnostics.error(scope, `${what}: value of ${name} must be printable ASCII, at most 1024 characters`, { value: String(value), allowed: 'text without control characters or line breaks' });
    } else {
      out.push({ name, value });
    }
  }
  return out;
}

function target(e: { backend?: HaproxyBackend; redirect?: HttpRedirect }): string {
  return e.backend ? e.backend.node.path : String(e.redirect);
}

/**
 * @internal Validates a route (reporting on the frontend `scope`) and returns it, or undefined
 * when it cannot be rendered. Routes already added are read for names and shadowing.
 */
export function checkRoute(scope: IConstruct, props: HaproxyRouteProps, routes: readonly RouteEntry[]): RouteEntry | undefined {
  const domains = checkDomains(scope, 'Route domains', props.domains);
  const paths: PathMatch[] = [];
  if (props.paths !== undefined && !Array.isArray(props.paths)) {
    Diagnostics.error(scope, 'Route paths must be a list of PathMatch', { value: String(props.paths), allowed: "[PathMatch.prefix('/api')]" });
  }
  for (const p of Array.isArray(props.paths) ? props.paths : []) {
    if (!(p instanceof PathMatch)) {
      Diagnostics.error(scope, 'Route paths holds something that is not a PathMatch', { value: String(p), allowed: 'PathMatch.prefix(), exact() or regex()' });
      continue;
    }
    const problem = p._problem();
    if (problem) Diagnostics.error(scope, problem.message, { value: problem.value, allowed: problem.allowed });
    else paths.push(p);
  }
  if ((props.domains === undefined || (Array.isArray(props.domains) && props.domains.length === 0)) && paths.length === 0) {
    Diagnostics.error(scope, 'A route needs domains or paths', { value: String(props.domains), allowed: "domains such as app.example.net or *.example.net, and/or paths such as PathMatch.prefix('/api'); for everything else, the frontend's defaultBackend" });
  }
  if (props.backend !== undefined && !(props.backend instanceof HaproxyBackend)) {
    Diagnostics.error(scope, 'Route backend must be a HaproxyBackend', { value: String(props.backend), allowed: 'a backend from haproxy.addBackend()' });
  }
  if (props.redirect !== undefined && !(props.redirect instanceof HttpRedirect)) {
    Diagnostics.error(scope, 'Route redirect must be an HttpRedirect', { value: String(props.redirect), allowed: 'HttpRedirect.toHost(), toPrefix() or toLocation()' });
  }
  const backend = props.backend instanceof HaproxyBackend ? props.backend : undefined;
  const redirect = props.redirect instanceof HttpRedirect ? props.redirect : undefined;
  for (const p of redirect?._problems() ?? []) Diagnostics.error(scope, p.message, { value: p.value, allowed: p.allowed });
  if (props.backend === undefined && props.redirect === undefined) {
    Diagnostics.error(scope, 'A route needs a backend or a redirect', { value: domains.join(', ') || paths.join(', '), allowed: 'backend: haproxy.addBackend(…), or redirect: HttpRedirect.toHost(…)' });
  } else if (props.backend !== undefined && props.redirect !== undefined) {
    Diagnostics.error(scope, 'A route has either a backend or a redirect, not both', { value: `${target({ backend })} and ${redirect}`, allowed: 'one of them' });
  }
  const requestHeaders = headers(scope, 'Route requestHeaders', props.requestHeaders);
  const responseHeaders = headers(scope, 'Route responseHeaders', props.responseHeaders);
  if (redirect && (requestHeaders.length > 0 || responseHeaders.length > 0)) {
    Diagnostics.error(scope, 'A redirect route sends no request to a backend: its requestHeaders and responseHeaders would never be used', { value: String(redirect), allowed: 'headers on routes with a backend' });
  }
  const allow = parseSources(scope, 'Route allowFrom', props.allowFrom);
  const deny = parseSources(scope, 'Route denyFrom', props.denyFrom);
  if (props.allowFrom !== undefined && Array.isArray(props.allowFrom) && props.allowFrom.length === 0) {
    Diagnostics.error(scope, 'Route allowFrom is empty: nobody could use the route', { value: '[]', allowed: 'at least one prefix, or no allowFrom for any source' });
  }
  if (props.basicAuth !== undefined) checkBasicAuth(scope, props.basicAuth, 'Route basicAuth');

  // The route's name: given, or from its backend (unique in the frontend).
  let key: string;
  if (props.name !== undefined) {
    key = props.name;
    if (typeof key !== 'string' || !HAPROXY_NAME.test(key)) {
      Diagnostics.error(scope, 'Route name is not a valid HAProxy identifier', { value: String(key), allowed: HAPROXY_NAME_ALLOWED });
    } else if (routes.some((r) => r.key === key)) {
      Diagnostics.error(scope, 'Route name is used twice in this frontend', { value: key, allowed: 'a unique name per route' });
    }
  } else {
    const base = backend ? backend.name : 'redirect';
    key = base;
    for (let n = 2; routes.some((r) => r.key === key); n++) key = `${base}_${n}`;
  }

  const entry: RouteEntry = { key, domains, paths, backend, redirect, requestHeaders, responseHeaders, allow, deny, basicAuth: props.basicAuth };
  // Shadowing is judged on the valid domains and paths; not when all of one kind were refused
  // (the route would look wider than meant: no follow-on errors).
  const given = (x: unknown) => Array.isArray(x) && x.length > 0;
  const judged = !(given(props.domains) && domains.length === 0) && !(given(props.paths) && paths.length === 0);
  if (judged && (domains.length > 0 || paths.length > 0)) reportShadowing(scope, entry, routes);
  return backend || redirect ? entry : undefined;
}

function pathsCover(a: PathMatch[], b: PathMatch[]): boolean {
  if (a.length === 0) return true;
  if (b.length === 0) return a.some((p) => p.kind === PathMatchKind.PREFIX && p.value === '/');
  return b.every((pb) => a.some((pa) => pa._covers(pb)));
}

/** Reports every part of `entry` that an earlier route always takes first. */
function reportShadowing(scope: IConstruct, entry: RouteEntry, routes: readonly RouteEntry[]): void {
  const where = entry.paths.length > 0 ? ` (${entry.paths.join(', ')})` : '';
  if (entry.domains.length === 0) {
    const first = routes.find((a) => a.domains.length === 0 && pathsCover(a.paths, entry.paths));
    if (first) {
      Diagnostics.error(scope, `Route to ${target(entry)}${where} never matches: the earlier route to ${target(first)} takes every request it would get`, { value: entry.paths.join(', '), allowed: 'add the more specific route first' });
    }
    return;
  }
  for (const d of entry.domains) {
    const first = routes.find((a) => (a.domains.length === 0 || a.domains.some((x) => domainCovers(x, d))) && pathsCover(a.paths, entry.paths));
    if (!first) continue;
    if (first.domains.includes(d) && first.paths.length === 0 && entry.paths.length === 0) {
      Diagnostics.error(scope, `Domain is routed twice (to ${target(first)} and ${target(entry)})`, { value: d, allowed: 'each domain in one route' });
    } else {
      const by = first.domains.length === 0 ? first.paths.join(', ') : first.domains.find((x) => domainCovers(x, d));
      Diagnostics.error(scope, `Route to ${target(entry)} never gets ${d}${where}: the earlier route to ${target(first)} (${by}) takes it first`, { value: d, allowed: 'add the more specific route first (routes are tried in the order added)' });
    }
  }
}
