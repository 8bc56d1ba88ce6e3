import { describe, expect, test } from 'vitest';
import { App } from '../../lib/core/app';
import { validateTree } from '../../lib/core/pipeline';
import { HaproxyBackend } from '../../lib/haproxy/backend';
import { HaproxyFrontend } from '../../lib/haproxy/frontend';
import { Haproxy } from '../../lib/haproxy/haproxy';
import { HttpRedirect, PathMatch } from '../../lib/haproxy/route';
import { Testing } from '../../lib/testing/testing';
import { HaproxySection } from '../../lib/testing/parse-haproxy';
import { HaproxyCheck } from '../../lib/testing/tools';
import { referenceApp } from './reference';
import { assertValidEverywhere } from './versions';

const skipHaproxy = HaproxyCheck.shouldSkip();
const H1 = 'haproxy01.example.net';
const CONF = '/usr/local/etc/haproxy.conf';

function backend(hp: Haproxy, name: string, address: string): HaproxyBackend {
  const b = hp.addBackend(name);
  b.addServer('s1', { address, port: 8080 });
  return b;
}

/** The reference frontend with a fresh set of routes (`build` adds them). */
function web(build: (fe: HaproxyFrontend, be: (name: string) => HaproxyBackend) => void): { app: App; fe: () => HaproxySection; text: () => string } {
  const r = referenceApp();
  const bes = new Map<string, HaproxyBackend>();
  let n = 40;
  const be = (name: string) => bes.get(name) ?? bes.set(name, backend(r.haproxy, name, `10.1.70.${n++}`)).get(name)!;
  build(r.haproxy.frontends[0], be);
  const text = () => Testing.synth(r.app).file(H1, CONF);
  return { app: r.app, fe: () => Testing.synth(r.app).haproxyConf(H1).section('frontend', 'fe_web')!, text };
}

function errors(app: App, path = 'Haproxy/fe_web'): string[] {
  return validateTree(app).filter((i) => i.path === path && i.severity === 'error').map((i) => i.message);
}

describe('routes by host and path', () => {
  const paths = () => web((fe, be) => {
    fe.addRoute({ domains: ['api.example.net'], paths: [PathMatch.prefix('/api'), PathMatch.exact('/login')], backend: be('be_api') });
    fe.addRoute({ paths: [PathMatch.regex('^/v[0-9]+/')], backend: be('be_versioned') });
    fe.addRoute({ domains: ['*.static.example.net'], paths: [PathMatch.prefix('/assets/')], backend: be('be_static') });
    fe.addRoute({ domains: ['docs.example.net'], paths: [PathMatch.prefix('/')], backend: be('be_docs') });
  });

  test('path prefix (segment by segment), exact and regex paths; host + path ANDed; the existing host routes after them', () => {
    const fe = paths().fe();
    expect(fe.find('acl').map((d) => d.args.join(' '))).toEqual([
      'host_be_app req.hdr(host),lower,field(1,:) -m str app.example.net',
      'host_be_wiki req.hdr(host),lower,field(1,:) -m str wiki.example.net',
      'host_be_api req.hdr(host),lower,field(1,:) -m str api.example.net',
      // /api takes /api and /api/…, not /apiary.
      'path_be_api path -m str /api', 'path_be_api path -m beg /api/', 'path_be_api path -m str /login',
      'path_be_versioned path -m reg ^/v[0-9]+/',
      'host_be_static req.hdr(host),lower,field(1,:) -m end .static.example.net',
      'path_be_static path -m beg /assets/',
      'host_be_docs req.hdr(host),lower,field(1,:) -m str docs.example.net',
      'path_be_docs path -m beg /',
    ]);
  });

  test('use_backend in route order, and the fallback 404 unless some route (host and path) matched', () => {
    const fe = paths().fe();
    expect(fe.find('use_backend').map((d) => d.args.join(' '))).toEqual([
      'be_app if host_be_app', 'be_wiki if host_be_wiki', 'be_api if host_be_api path_be_api', 'be_versioned if path_be_versioned',
      'be_static if host_be_static path_be_static', 'be_docs if host_be_docs path_be_docs',
    ]);
    expect(fe.findFirst('http-request return')!.args.slice(7)).toEqual([
      'unless', 'host_be_app', '||', 'host_be_wiki', '||', 'host_be_api', 'path_be_api', '||', 'path_be_versioned', '||',
      'host_be_static', 'path_be_static', '||', 'host_be_docs', 'path_be_docs',
    ]);
  });

  test('a default backend takes what no route matches (no fallback status)', () => {
    const { app, haproxy, vip } = referenceApp();
    const def = backend(haproxy, 'be_default', '10.1.70.60');
    const fe = haproxy.addFrontend('fe_other', { vips: [vip], httpPort: 8080, defaultBackend: def });
    fe.addRoute({ paths: [PathMatch.prefix('/app')], backend: haproxy.backends[0] });
    const s = Testing.synth(app).haproxyConf(H1).section('frontend', 'fe_other')!;
    expect(s.find('http-request return')).toEqual([]);
    expect(s.directives.slice(-2).map((d) => d.text)).toEqual(['use_backend be_app if path_be_app', 'default_backend be_default']);
  });

  test.skipIf(skipHaproxy)('the path routes pass haproxy -c without a warning', () => {
    expect(assertValidEverywhere(paths().text()).length).toBeGreaterThan(0);
  });
});

describe('redirects and headers per route', () => {
  const rules = () => web((fe, be) => {
    fe.addRoute({ domains: ['old.example.net'], redirect: HttpRedirect.toHost('new.example.net') });
    fe.addRoute({ domains: ['shop.example.net'], paths: [PathMatch.exact('/cart')], redirect: HttpRedirect.toLocation('/basket?from=cart&pct=100%', { code: 302 }) });
    fe.addRoute({ domains: ['legacy.example.net'], redirect: HttpRedirect.toPrefix('http://intranet.example.net:8080/legacy', { code: 308 }), name: 'legacy' });
    fe.addRoute({
      domains: ['shop.example.net'], backend: be('be_shop'),
      requestHeaders: { 'X-Env': 'prod', 'X-Discount': '10%' }, responseHeaders: { 'X-Frame-Options': 'DENY', 'Cache-Control': 'no-store, max-age=0' },
    });
  });

  test('each route is remembered in txn.route (the first that matches wins), then its redirect and headers apply only to it, in route order', () => {
    const fe = rules().fe();
    expect(fe.find('http-request').map((d) => d.text).slice(4)).toEqual([
      'http-request set-var(txn.route) str(be_app) if host_be_app !{ var(txn.route) -m found }',
      'http-request set-var(txn.route) str(be_wiki) if host_be_wiki !{ var(txn.route) -m found }',
      'http-request set-var(txn.route) str(redirect) if host_redirect !{ var(txn.route) -m found }',
      'http-request set-var(txn.route) str(redirect_2) if host_redirect_2 path_redirect_2 !{ var(txn.route) -m found }',
      'http-request set-var(txn.route) str(legacy) if host_legacy !{ var(txn.route) -m found }',
      'http-request set-var(txn.route) str(be_shop) if host_be_shop !{ var(txn.route) -m found }',
      'http-request redirect prefix https://new.example.net code 301 if { var(txn.route) -m str redirect }',
      // % is doubled: HAProxy would read %x as a log-format variable.
      'http-request redirect location /basket?from=cart&pct=100%% code 302 if { var(txn.route) -m str redirect_2 }',
      'http-request redirect prefix http://intranet.example.net:8080/legacy code 308 if { var(txn.route) -m str legacy }',
      'http-request set-header X-Env prod if { var(txn.route) -m str be_shop }',
      'http-request set-header X-Discount 10%% if { var(txn.route) -m str be_shop }',
      'http-request return status 404 content-type text/plain string 404 Not Found unless { var(txn.route) -m found }',
    ]);
    expect(fe.find('http-response').map((d) => d.text)).toEqual([
      'http-response set-header X-Frame-Options DENY if { var(txn.route) -m str be_shop }',
      'http-response set-header Cache-Control no-store, max-age=0 if { var(txn.route) -m str be_shop }',
    ]);
    // Redirect routes have no use_backend.
    expect(fe.find('use_backend').map((d) => d.args[0])).toEqual(['be_app', 'be_wiki', 'be_shop']);
  });

  test.skipIf(skipHaproxy)('redirects and headers pass haproxy -c without a warning', () => {
    expect(assertValidEverywhere(rules().text()).length).toBeGreaterThan(0);
  });
});

describe('route order and shadowing', () => {
  test('a route an earlier one always takes first is an error naming both and what to do', () => {
    const { app } = web((fe, be) => {
      fe.addRoute({ domains: ['*.example.org'], backend: be('be_all') });
      fe.addRoute({ domains: ['www.example.org', 'other.example.com'], backend: be('be_www') });
      fe.addRoute({ domains: ['api.example.com'], paths: [PathMatch.prefix('/v1')], backend: be('be_v1') });
      fe.addRoute({ domains: ['api.example.com'], paths: [PathMatch.prefix('/v1/users'), PathMatch.exact('/v1')], backend: be('be_users') });
      fe.addRoute({ paths: [PathMatch.prefix('/health')], backend: be('be_health') });
      fe.addRoute({ paths: [PathMatch.exact('/health/live')], backend: be('be_live') });
    });
    expect(errors(app)).toEqual([
      'Route to Haproxy/be_www never gets www.example.org: the earlier route to Haproxy/be_all (*.example.org) takes it first',
      'Route to Haproxy/be_users never gets api.example.com (prefix /v1/users, exact /v1): the earlier route to Haproxy/be_v1 (api.example.com) takes it first',
      'Route to Haproxy/be_live (exact /health/live) never matches: the earlier route to Haproxy/be_health takes every request it would get',
    ]);
    expect(validateTree(app).find((i) => i.message.startsWith('Route to Haproxy/be_www'))!.allowed).toBe('add the more specific route first (routes are tried in the order added)');
  });

  test('the specific route first is fine: exact before wildcard, deeper path before its prefix, a regex never shadows', () => {
    const { app } = web((fe, be) => {
      fe.addRoute({ domains: ['www.example.org'], backend: be('be_www') });
      fe.addRoute({ domains: ['*.example.org'], backend: be('be_all') });
      fe.addRoute({ domains: ['api.example.com'], paths: [PathMatch.prefix('/v1/users')], backend: be('be_users') });
      fe.addRoute({ domains: ['api.example.com'], paths: [PathMatch.prefix('/v1')], backend: be('be_v1') });
      fe.addRoute({ domains: ['api.example.com'], paths: [PathMatch.regex('^/v1/x')], backend: be('be_x') });
      fe.addRoute({ domains: ['api.example.com'], backend: be('be_api') });
    });
    expect(errors(app)).toEqual([]);
  });

  test('the same domain routed twice without paths keeps its message', () => {
    const { app } = web((fe, be) => fe.addRoute({ domains: ['APP.example.net'], backend: be('be_dup') }));
    expect(errors(app)).toEqual(['Domain is routed twice (to Haproxy/be_app and Haproxy/be_dup)']);
  });
});

describe('route validation (construct path, value, what is allowed)', () => {
  test.each([
    ['a regex that does not compile', { paths: [PathMatch.regex('^/(unclosed')] }, 'Route path pattern does not compile (/^/(unclosed/: Unterminated group)', '^/(unclosed'],
    ['a relative path', { paths: [PathMatch.prefix('api')] }, 'Route path prefix must be an absolute path', 'api'],
    ['a path with ..', { paths: [PathMatch.exact('/a/../b')] }, 'Route path must not contain //, . or .. segments (HAProxy matches the path as the client sent it)', '/a/../b'],
    ['a bad header name', { domains: ['h.example.net'], requestHeaders: { 'X Bad': 'v' } }, 'Route requestHeaders: header name is not valid', 'X Bad'],
    ['a header value with a line break', { domains: ['h.example.net'], responseHeaders: { 'X-A': 'a\r\nSet-Cookie: x' } }, 'Route responseHeaders: value of X-A must be printable ASCII, at most 1024 characters', 'a\r\nSet-Cookie: x'],
    ['a header set twice', { domains: ['h.example.net'], requestHeaders: { 'X-A': '1', 'x-a': '2' } }, 'Route requestHeaders: header is set twice (names are case-insensitive)', 'x-a'],
    ['no domains and no paths', {}, 'A route needs domains or paths', undefined],
    ['a bad route name', { domains: ['h.example.net'], name: 'has space' }, 'Route name is not a valid HAProxy identifier', 'has space'],
    ['an empty allowFrom', { domains: ['h.example.net'], allowFrom: [] }, 'Route allowFrom is empty: nobody could use the route', '[]'],
    ['a bad source prefix', { domains: ['h.example.net'], denyFrom: ['10.0.0.1/8'] }, 'Route denyFrom: Prefix has host bits set; did you mean "10.0.0.0/8"?', '10.0.0.1/8'],
  ])('%s', (_name, props, message, value) => {
    const { app } = web((fe, be) => fe.addRoute({ backend: be('be_x'), ...props }));
    const issue = validateTree(app).find((i) => i.path === 'Haproxy/fe_web' && i.severity === 'error');
    expect([issue?.message, issue?.value]).toEqual([message, value]);
    expect(issue?.allowed).toBeTruthy();
  });

  test('a route needs a backend or a redirect, not both, and a redirect route sends no headers; bad redirects are errors', () => {
    const { app } = web((fe, be) => {
      fe.addRoute({ domains: ['a.example.net'] });
      fe.addRoute({ domains: ['b.example.net'], backend: be('be_b'), redirect: HttpRedirect.toHost('c.example.net') });
      fe.addRoute({ domains: ['d.example.net'], redirect: HttpRedirect.toHost('*.example.net', { code: 200 }), requestHeaders: { 'X-A': '1' } });
      fe.addRoute({ domains: ['e.example.net'], redirect: HttpRedirect.toPrefix('https://example.net/') });
      fe.addRoute({ domains: ['f.example.net'], redirect: HttpRedirect.toLocation('javascript:alert(1)') });
    });
    expect(errors(app)).toEqual([
      'A route needs a backend or a redirect',
      'A route has either a backend or a redirect, not both',
      'Redirect host is not a host name',
      'Redirect code is not a redirect status',
      'A redirect route sends no request to a backend: its requestHeaders and responseHeaders would never be used',
      'Redirect prefix must be an http(s) URL without a trailing /',
      'Redirect location must be an absolute path or an http(s) URL',
    ]);
  });

  test('route names are unique in a frontend: a given name that is taken is an error, derived names count up', () => {
    const { app } = web((f, be) => {
      f.addRoute({ domains: ['x.example.net'], paths: [PathMatch.prefix('/a')], backend: be('be_x') });
      f.addRoute({ domains: ['x.example.net'], backend: be('be_x') });
      f.addRoute({ domains: ['y.example.net'], backend: be('be_y'), name: 'be_x' });
    });
    expect(errors(app)).toEqual(['Route name is used twice in this frontend']);
  });

  test('derived names: the second route to a backend is <backend>_2', () => {
    const { fe } = web((f, be) => {
      f.addRoute({ domains: ['x.example.net'], paths: [PathMatch.prefix('/a')], backend: be('be_x') });
      f.addRoute({ domains: ['x.example.net'], backend: be('be_x') });
    });
    expect(fe().find('use_backend').map((d) => d.args.join(' ')).slice(2)).toEqual(['be_x if host_be_x path_be_x', 'be_x if host_be_x_2']);
  });
});

describe('values that HAProxy would read as syntax stay literal', () => {
  const hostile = `a'b "c" #d \\e $HOME {f} %[src] ;|&`;
  const tricky = () => web((fe, be) => {
    fe.addRoute({ domains: ['q.example.net'], paths: [PathMatch.regex("^/a b/'c'#\\d+$")], backend: be('be_q'), requestHeaders: { 'X-Hostile': hostile } });
    fe.addRoute({ domains: ['r.example.net'], redirect: HttpRedirect.toLocation("/x?a='1'&b=$HOME") });
  });

  test('header values, path patterns and redirect targets read back as given (only % doubled for log-format)', () => {
    const fe = tricky().fe();
    expect(fe.findFirst('acl path_be_q')!.args).toEqual(['path_be_q', 'path', '-m', 'reg', "^/a b/'c'#\\d+$"]);
    expect(fe.find('http-request set-header').find((d) => d.args[1] === 'X-Hostile')!.args[2]).toBe(hostile.replace(/%/g, '%%'));
    expect(fe.findFirst('http-request redirect location')!.args[2]).toBe("/x?a='1'&b=$HOME");
  });

  test.skipIf(skipHaproxy)('and pass haproxy -c', () => {
    assertValidEverywhere(tricky().text());
  });

  test('unknown redirect options are errors at the frontend', () => {
    const { app } = web((fe) => fe.addRoute({ domains: ['r.example.net'], redirect: HttpRedirect.toHost('x.example.net', { cod: 302 } as never) }));
    expect(errors(app)[0]).toMatch(/Unknown (property|option) "cod"/);
  });
});
