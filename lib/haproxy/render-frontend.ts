import { compareStrings as cmp } from '../core/private/compare';
import { BindModel, FrontendModel, RouteModel } from './model';
import { MetricsModel, RateLimitModel, SourceListModel, UserlistModel } from './model-routing';
import { quoteWord } from './private/quote';
import { haproxyTime, hostPort, line, literalLogFormat, raw } from './private/words';

/*
 * The frontend sections of haproxy.conf (called by renderHaproxyConf in render.ts). In a
 * frontend, fixed where order carries meaning:
 *   mode (TCP) · bind lines (by port, family, address) · maxconn · option forwardfor ·
 *   stick-table · acl lines · tcp-request rules · http-request rules in the order HAProxy runs
 *   them (sources, rate limits, the HTTPS redirect, X-Forwarded-*, then each route's rules in
 *   route order, then the fallback status) · http-response · http-after-response ·
 *   use_backend in route order · default_backend.
 * Routes are tried in the order the author added them, as HAProxy tries `use_backend`: the
 * constructs refuse a route that an earlier one always takes first.
 */

/** Host matching: the Host header, lower-cased, without a `:port`. */
const HOST_FETCH = 'req.hdr(host),lower,field(1,:)';
/** The transaction variable naming the route a request matched (the first, in route order). */
const ROUTE_VAR = 'txn.route';

function compareBinds(a: BindModel, b: BindModel): number {
  return a.port - b.port || Number(a.ipv6) - Number(b.ipv6) || cmp(a.address, b.address);
}

function renderBind(b: BindModel): string {
  const words: string[] = ['bind', hostPort(b.address, b.ipv6, b.port)];
  if (b.transparent) words.push('transparent');
  if (b.v6only) words.push('v6only');
  if (b.acceptProxy) words.push('accept-proxy');
  if (b.tls) {
    words.push('ssl');
    for (const c of b.tls.certificates) {
      if (c.kind === 'crt-list') words.push('crt-list', c.path);
      else if (c.kind === 'directory') words.push('crt', c.path.endsWith('/') ? c.path : `${c.path}/`);
      else words.push('crt', c.path);
    }
    if (b.tls.alpn.length > 0) words.push('alpn', b.tls.alpn.join(','));
    if (b.tls.strictSni) words.push('strict-sni');
  }
  return line(...words);
}

/** ACL lines matching host names (exact names in one line, wildcard suffixes in another). */
function hostAcls(name: string, fetch: string[], domains: string[]): string[] {
  const exact = domains.filter((d) => !d.startsWith('*.')).sort(cmp);
  const suffixes = domains.filter((d) => d.startsWith('*.')).map((d) => d.slice(1));
  const out: string[] = [];
  if (exact.length > 0) out.push(line('acl', name, ...fetch, '-m', 'str', ...exact));
  if (suffixes.length > 0) out.push(line('acl', name, ...fetch, '-m', 'end', ...suffixes));
  return out;
}

function keyOf(r: RouteModel): string {
  return r.key ?? r.backend ?? 'redirect';
}

/** The route's own condition: its host ACL and/or its path ACL (both must match). */
function condition(r: RouteModel): string[] {
  const k = keyOf(r);
  return [...(r.domains.length > 0 ? [`host_${k}`] : []), ...(r.paths && r.paths.length > 0 ? [`path_${k}`] : [])].map(quoteWord);
}

function routeAcls(r: RouteModel): string[] {
  const k = keyOf(r);
  const out = hostAcls(`host_${k}`, [HOST_FETCH], r.domains);
  for (const p of r.paths ?? []) {
    if (p.kind === 'regex') out.push(line('acl', `path_${k}`, 'path', '-m', 'reg', p.value));
    else if (p.kind === 'exact' || (p.value !== '/' && !p.value.endsWith('/'))) out.push(line('acl', `path_${k}`, 'path', '-m', 'str', p.value));
    // A prefix takes the path and the paths below it, segment by segment.
    if (p.kind === 'prefix') out.push(line('acl', `path_${k}`, 'path', '-m', 'beg', p.value.endsWith('/') ? p.value : `${p.value}/`));
  }
  if (r.sources && r.sources.allow.length > 0) out.push(line('acl', `allow_${k}`, 'src', ...r.sources.allow));
  if (r.sources && r.sources.deny.length > 0) out.push(line('acl', `deny_${k}`, 'src', ...r.sources.deny));
  if (r.auth) out.push(raw(`acl ${quoteWord(`auth_${k}`)} http_auth(${r.auth.userlist})`));
  return out;
}

function sourceAcls(s: SourceListModel | undefined): string[] {
  const out: string[] = [];
  if (s && s.allow.length > 0) out.push(line('acl', 'src_allowed', 'src', ...s.allow));
  if (s && s.deny.length > 0) out.push(line('acl', 'src_denied', 'src', ...s.deny));
  return out;
}

/** `<prefix> <action> if !src_allowed` and `… if src_denied`. */
function sourceRules(s: SourceListModel | undefined, action: string): string[] {
  const out: string[] = [];
  if (s && s.allow.length > 0) out.push(raw(`${action} if !src_allowed`));
  if (s && s.deny.length > 0) out.push(raw(`${action} if src_denied`));
  return out;
}

function stickTable(rl: RateLimitModel, rate: string): string {
  const store = [...(rl.requests !== undefined ? [`${rate}(${haproxyTime(rl.periodMs)})`] : []), ...(rl.concurrent !== undefined ? ['conn_cur'] : [])];
  // type ipv6 holds IPv4 clients too (as mapped addresses): one table for dual-stack binds.
  const words: Array<string | number> = ['stick-table', 'type', 'ipv6', 'size', rl.size, 'expire', haproxyTime(rl.expireMs), 'store', store.join(',')];
  if (rl.peers) words.push('peers', rl.peers);
  return line(...words);
}

/** The rules of a rate limit: track the source, then refuse it over a limit. */
function rateRules(rl: RateLimitModel, track: string, refuse: string, rate: string): string[] {
  const out = [raw(`${track} track-sc0 src`)];
  if (rl.requests !== undefined) out.push(raw(`${refuse} if { sc_${rate}(0) gt ${rl.requests} }`));
  if (rl.concurrent !== undefined) out.push(raw(`${refuse} if { sc_conn_cur(0) gt ${rl.concurrent} }`));
  return out;
}

/** A `frontend` section. */
export function renderFrontend(fe: FrontendModel): string[] {
  return fe.mode === 'tcp' ? renderTcpFrontend(fe) : renderHttpFrontend(fe);
}

function head(fe: FrontendModel): string[] {
  const out = [`frontend ${quoteWord(fe.name)}`];
  if (fe.mode === 'tcp') out.push(line('mode', 'tcp'), line('option', 'tcplog'));
  for (const b of [...fe.binds].sort(compareBinds)) out.push(renderBind(b));
  if (fe.maxconn !== undefined) out.push(line('maxconn', fe.maxconn));
  return out;
}

/** `tcp-request connection` sees the balancer itself, before the PROXY header is read. */
function proxyRules(fe: FrontendModel): string[] {
  if (!fe.proxyFrom || fe.proxyFrom.length === 0) return [];
  return [line('acl', 'proxy_senders', 'src', ...fe.proxyFrom), raw('tcp-request connection reject unless proxy_senders')];
}

function renderTcpFrontend(fe: FrontendModel): string[] {
  const out = head(fe);
  if (fe.rateLimit) out.push(stickTable(fe.rateLimit, 'conn_rate'));
  const sni = fe.sniRoutes ?? [];
  const fetch = fe.sniTerminated ? ['ssl_fc_sni', '-i'] : ['req.ssl_sni', '-i'];
  out.push(...sourceAcls(fe.sources));
  for (const r of sni) out.push(...hostAcls(`sni_${r.key}`, fetch, r.domains));
  out.push(...proxyRules(fe));
  // Behind a PROXY balancer, the client's address is known once the header is read: content rules.
  const level = fe.proxyFrom && fe.proxyFrom.length > 0 ? 'tcp-request content' : 'tcp-request connection';
  out.push(...sourceRules(fe.sources, `${level} reject`));
  if (fe.rateLimit) out.push(...rateRules(fe.rateLimit, level, `${level} reject`, 'conn_rate'));
  if (fe.sniInspectDelayMs !== undefined) {
    // Wait for the ClientHello (at most the delay), so that req.ssl_sni can be read.
    out.push(line('tcp-request', 'inspect-delay', haproxyTime(fe.sniInspectDelayMs)));
    out.push(raw('tcp-request content accept if { req.ssl_hello_type 1 }'));
  }
  for (const r of sni) out.push(raw(`use_backend ${quoteWord(r.backend)} if ${quoteWord(`sni_${r.key}`)}`));
  if (fe.defaultBackend !== undefined) out.push(line('default_backend', fe.defaultBackend));
  return out;
}

function renderHttpFrontend(fe: FrontendModel): string[] {
  const out = head(fe);
  if (fe.forwardedHeaders) out.push(line('option', 'forwardfor'));
  if (fe.rateLimit) out.push(stickTable(fe.rateLimit, 'http_req_rate'));
  out.push(...sourceAcls(fe.sources));
  for (const r of fe.routes) out.push(...routeAcls(r));
  out.push(...proxyRules(fe));
  // http-request rules, in the order HAProxy evaluates them: refuse first, then leave plain HTTP.
  out.push(...sourceRules(fe.sources, 'http-request deny deny_status 403'));
  if (fe.rateLimit) out.push(...rateRules(fe.rateLimit, 'http-request', 'http-request deny deny_status 429', 'http_req_rate'));
  if (fe.httpsRedirectCode !== undefined) {
    out.push(raw(`http-request redirect scheme https code ${fe.httpsRedirectCode} unless { ssl_fc }`));
  }
  if (fe.forwardedHeaders) {
    // `option forwardfor` adds the real client address when the request goes to a server;
    // a client-supplied X-Forwarded-For is dropped first, so servers can trust the header.
    out.push(line('http-request', 'del-header', 'X-Forwarded-For'));
    out.push(raw('http-request set-header X-Forwarded-Proto https if { ssl_fc }'));
    out.push(raw('http-request set-header X-Forwarded-Proto http unless { ssl_fc }'));
  }
  // Routes with rules of their own: the first matching route is remembered in a variable, so
  // that a request gets the rules of the route that serves it and of no other.
  const withRules = fe.routes.some((r) => r.redirect || r.requestHeaders || r.responseHeaders || r.sources || r.auth);
  const is = (r: RouteModel) => `{ var(${ROUTE_VAR}) -m str ${quoteWord(keyOf(r))} }`;
  if (withRules) {
    for (const r of fe.routes) out.push(raw(`http-request set-var(${ROUTE_VAR}) str(${keyOf(r)}) if ${condition(r).join(' ')} !{ var(${ROUTE_VAR}) -m found }`));
    for (const r of fe.routes) {
      const k = keyOf(r);
      if (r.sources && r.sources.allow.length > 0) out.push(raw(`http-request deny deny_status 403 if ${is(r)} !${quoteWord(`allow_${k}`)}`));
      if (r.sources && r.sources.deny.length > 0) out.push(raw(`http-request deny deny_status 403 if ${is(r)} ${quoteWord(`deny_${k}`)}`));
      if (r.auth) out.push(raw(`http-request auth realm ${quoteWord(r.auth.realm)} if ${is(r)} !${quoteWord(`auth_${k}`)}`));
      if (r.redirect) out.push(raw(`http-request redirect ${r.redirect.kind} ${literalLogFormat(r.redirect.value)} code ${r.redirect.code} if ${is(r)}`));
      for (const h of r.requestHeaders ?? []) out.push(raw(`http-request set-header ${quoteWord(h.name)} ${literalLogFormat(h.value)} if ${is(r)}`));
    }
  }
  if (fe.defaultBackend === undefined) {
    const reason = fe.fallbackStatus === 503 ? 'Service Unavailable' : 'Not Found';
    let cond = '';
    if (withRules) cond = ` unless { var(${ROUTE_VAR}) -m found }`;
    else if (fe.routes.length > 0) cond = ` unless ${fe.routes.map((r) => condition(r).join(' ')).join(' || ')}`;
    out.push(raw(`http-request return status ${fe.fallbackStatus} content-type text/plain string "${fe.fallbackStatus} ${reason}"${cond}`));
  }
  for (const r of fe.routes) {
    for (const h of r.responseHeaders ?? []) out.push(raw(`http-response set-header ${quoteWord(h.name)} ${literalLogFormat(h.value)} if ${is(r)}`));
  }
  if (fe.hsts) {
    const parts = [`max-age=${fe.hsts.maxAgeSeconds}`];
    if (fe.hsts.includeSubdomains) parts.push('includeSubDomains');
    if (fe.hsts.preload) parts.push('preload');
    // http-after-response (2.2+) also covers responses HAProxy makes itself (404, 503, redirects).
    out.push(raw(`http-after-response set-header Strict-Transport-Security "${parts.join('; ')}" if { ssl_fc }`));
  }
  for (const r of fe.routes) {
    if (r.backend !== undefined) out.push(raw(`use_backend ${quoteWord(r.backend)} if ${condition(r).join(' ')}`));
  }
  if (fe.defaultBackend !== undefined) out.push(line('default_backend', fe.defaultBackend));
  return out;
}

/** A `userlist` section: users with SHA-512 crypt hashes (single-quoted: `$` is literal). */
export function renderUserlist(u: UserlistModel): string[] {
  return [`userlist ${quoteWord(u.name)}`, ...u.users.map((x) => line('user', x.name, 'password', x.hash))];
}

/** The Prometheus exporter: a frontend answering `path` with HAProxy's own metrics, 404 elsewhere. */
export function renderMetrics(m: MetricsModel): string[] {
  const out = [`frontend ${quoteWord(m.name)}`];
  for (const b of m.binds) out.push(line('bind', hostPort(b.address, b.ipv6, b.port)));
  // Scrapes every few seconds would flood the log: only failed requests are logged.
  out.push(line('option', 'dontlog-normal'));
  out.push(raw(`http-request use-service prometheus-exporter if { path ${quoteWord(m.path)} }`));
  out.push(raw('http-request return status 404 content-type text/plain string "404 Not Found"'));
  return out;
}
