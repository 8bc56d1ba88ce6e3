import {
  BackendModel, GlobalModel, DefaultsModel, HaproxyConfModel, HealthCheckModel, PeersModel, ServerModel, StatsPageModel,
} from './model';
import { quoteWord } from './private/quote';
import { haproxyTime, hostPort, line, raw } from './private/words';
import { renderFrontend, renderMetrics, renderUserlist } from './render-frontend';
import { compareStrings as cmp } from '../core/private/compare';

export { haproxyTime } from './private/words';

/**
 * Renders one haproxy.conf from its model. Pure and deterministic: the same model gives the
 * same bytes.
 *
 * Layout, fixed where order carries meaning and sorted where it does not:
 * - sections: `global`, `defaults`, `peers`, the `userlist`s of the routes, frontends (by
 *   name), backends (by name), the stats `listen` section, the Prometheus exporter;
 * - in a frontend (render-frontend.ts): `bind` lines (by port, family, address), `maxconn`,
 *   `acl`s, then the `tcp-request` and `http-request` rules in the order HAProxy runs them,
 *   `http-response` rules, `use_backend` in route order, `default_backend` — so HAProxy never
 *   warns about rules placed after `use_backend`;
 * - servers keep the author's order (it matters for `balance first`).
 *
 * @param model the validated model of one host's HAProxy
 * @param header the generated-file header line (a `#` comment), written first
 */
export function renderHaproxyConf(model: HaproxyConfModel, header: string): string {
  const sections: string[][] = [
    renderGlobal(model.global),
    renderDefaults(model.defaults),
  ];
  if (model.peers) sections.push(renderPeers(model.peers));
  const frontends = [...model.frontends].sort((a, b) => cmp(a.name, b.name));
  for (const fe of frontends) for (const u of fe.userlists ?? []) sections.push(renderUserlist(u));
  for (const fe of frontends) sections.push(renderFrontend(fe));
  for (const be of [...model.backends].sort((a, b) => cmp(a.name, b.name))) sections.push(renderBackend(be));
  if (model.stats) sections.push(renderStats(model.stats));
  if (model.metrics) sections.push(renderMetrics(model.metrics));
  return `${header}\n` + sections.map((s) => s.join('\n') + '\n').join('\n');
}

function renderGlobal(g: GlobalModel): string[] {
  const out = ['global'];
  // FreeBSD's rc script passes no -D: without `daemon`, `service haproxy start` never returns.
  out.push(line('daemon'));
  out.push(line('maxconn', g.maxconn));
  out.push(line('user', g.user));
  out.push(line('group', g.group));
  if (g.chroot) {
    out.push(line('chroot', g.chroot));
    out.push(raw(`# A UNIX log socket is opened inside the chroot: FreeBSD's syslogd listens on ${g.chroot}/var/run/log`));
    out.push(raw('# with altlog_proglist="haproxy" and haproxy_chrootdir in rc.conf (rc.d/syslogd).'));
  }
  for (const l of g.logs) {
    out.push(l.level ? line('log', l.address, l.facility, l.level) : line('log', l.address, l.facility));
  }
  if (g.statsSocket) {
    const s = g.statsSocket;
    const words: string[] = ['stats', 'socket', s.path, 'mode', s.mode, 'level', s.level];
    if (s.exposeFdListeners) words.push('expose-fd', 'listeners');
    out.push(line(...words));
  }
  if (g.statsTimeoutMs !== undefined) out.push(line('stats', 'timeout', haproxyTime(g.statsTimeoutMs)));
  // After a reload the old process ends when its last connection does; long tunnels (WebSocket)
  // would keep it for the tunnel timeout: bound that.
  if (g.hardStopAfterMs !== undefined) out.push(line('hard-stop-after', haproxyTime(g.hardStopAfterMs)));
  if (g.localPeer) out.push(line('localpeer', g.localPeer));
  const t = g.tls;
  out.push(raw(`# TLS defaults: ${t.name}`));
  if (t.bindCurves) out.push(line('ssl-default-bind-curves', t.bindCurves));
  if (t.bindCiphers) out.push(line('ssl-default-bind-ciphers', t.bindCiphers));
  out.push(line('ssl-default-bind-ciphersuites', t.bindCiphersuites));
  out.push(line('ssl-default-bind-options', ...t.bindOptions));
  if (t.serverCiphers) out.push(line('ssl-default-server-ciphers', t.serverCiphers));
  out.push(line('ssl-default-server-ciphersuites', t.serverCiphersuites));
  out.push(line('ssl-default-server-options', ...t.serverOptions));
  if (t.dhParamFile) out.push(line('ssl-dh-param-file', t.dhParamFile));
  return out;
}

function renderDefaults(d: DefaultsModel): string[] {
  const out = ['defaults'];
  out.push(line('mode', 'http'));
  out.push(line('log', 'global'));
  out.push(line('option', 'httplog'));
  out.push(line('option', 'dontlognull'));
  if (d.forwardFor) out.push(line('option', 'forwardfor'));
  if (d.redispatch) out.push(line('option', 'redispatch'));
  out.push(line('retries', d.retries));
  const t = d.timeouts;
  out.push(line('timeout', 'connect', haproxyTime(t.connect)));
  out.push(line('timeout', 'client', haproxyTime(t.client)));
  out.push(line('timeout', 'server', haproxyTime(t.server)));
  out.push(line('timeout', 'http-request', haproxyTime(t.httpRequest)));
  out.push(line('timeout', 'http-keep-alive', haproxyTime(t.httpKeepAlive)));
  out.push(line('timeout', 'queue', haproxyTime(t.queue)));
  out.push(line('timeout', 'tunnel', haproxyTime(t.tunnel)));
  if (t.check !== undefined) out.push(line('timeout', 'check', haproxyTime(t.check)));
  return out;
}

function renderPeers(p: PeersModel): string[] {
  const out = [`peers ${quoteWord(p.name)}`];
  for (const peer of [...p.peers].sort((a, b) => cmp(a.name, b.name))) {
    out.push(line('peer', peer.name, hostPort(peer.address, peer.ipv6, peer.port)));
  }
  return out;
}

function renderServer(s: ServerModel, hc: HealthCheckModel | undefined): string {
  const words: string[] = ['server', s.name, hostPort(s.address, s.ipv6, s.port)];
  if (hc) words.push('check');
  if (hc?.agent) words.push('agent-check');
  if (s.weight !== undefined) words.push('weight', String(s.weight));
  if (s.maxconn !== undefined) words.push('maxconn', String(s.maxconn));
  if (s.backup) words.push('backup');
  if (s.cookie !== undefined) words.push('cookie', s.cookie);
  // The PROXY protocol to the server; its checks must send it too, or it refuses them.
  if (s.sendProxy) words.push('send-proxy-v2', ...(hc ? ['check-send-proxy'] : []));
  if (s.tls) {
    words.push('ssl', 'verify', s.tls.verify);
    if (s.tls.caFile) words.push('ca-file', s.tls.caFile);
    if (s.tls.sni) words.push('sni', `str(${s.tls.sni})`);
    // `sni` covers traffic only: checks over TLS send no SNI unless told (check-sni).
    if (s.tls.sni && hc) words.push('check-sni', s.tls.sni);
  }
  return line(...words);
}

function renderBackend(be: BackendModel): string[] {
  const out = [`backend ${quoteWord(be.name)}`];
  if (be.mode === 'tcp') out.push(line('mode', 'tcp'));
  out.push(line('balance', be.balance));
  if (be.cookie) {
    const words = ['cookie', be.cookie.name, 'insert', 'indirect', 'nocache'];
    if (be.cookie.httpOnly) words.push('httponly');
    if (be.cookie.secure) words.push('secure');
    out.push(line(...words));
  }
  if (be.stickOnSource) {
    // type ipv6 holds IPv4 clients too (as mapped addresses): one table for dual-stack binds.
    const t = ['stick-table', 'type', 'ipv6', 'size', be.stickOnSource.size, 'expire', haproxyTime(be.stickOnSource.expireMs)];
    if (be.stickOnSource.peers) t.push('peers', be.stickOnSource.peers);
    out.push(line(...t));
    out.push(line('stick', 'on', 'src'));
  }
  const hc = be.healthCheck;
  if (hc) out.push(...renderHealthCheck(hc));
  for (const s of be.servers) out.push(renderServer(s, hc));
  return out;
}

/**
 * A word in double quotes with HAProxy's escapes: `\\`, `\"`, `\$` (no variable expansion),
 * and CR, LF and tab as `\r`, `\n`, `\t`. Used for bytes sent to a server, whose line
 * endings must reach it as real CR LF.
 */
function escapedWord(text: string): string {
  const body = text.replace(/[\\"$\r\n\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', $: '\\$', '\r': '\\r', '\n': '\\n', '\t': '\\t' } as Record<string, string>)[c]);
  return `"${body}"`;
}

/**
 * The check lines of a backend (HAProxy 2.2+ syntax, valid through 3.4), then `default-server`
 * with the timing (and the agent's port, interval and greeting).
 */
function renderHealthCheck(hc: HealthCheckModel): string[] {
  const out: string[] = [];
  switch (hc.kind) {
    case 'http': {
      out.push(line('option', 'httpchk'));
      // HTTP/1.1 needs a Host (servers answer 400 without one); without a host, HTTP/1.0.
      const send = ['http-check', 'send', 'meth', hc.method ?? 'GET', 'uri', hc.path ?? '/', 'ver', hc.host ? 'HTTP/1.1' : 'HTTP/1.0'];
      if (hc.host) send.push('hdr', 'Host', hc.host);
      out.push(line(...send));
      const e = hc.expect ?? { kind: 'status', value: '200-399' };
      out.push(line('http-check', 'expect', e.kind, e.value));
      break;
    }
    case 'smtp':
      out.push(hc.smtpDomain ? line('option', 'smtpchk', 'EHLO', hc.smtpDomain) : line('option', 'smtpchk'));
      break;
    case 'pgsql':
      out.push(line('option', 'pgsql-check', 'user', hc.user ?? ''));
      break;
    case 'mysql':
      out.push(line('option', 'mysql-check', 'user', hc.user ?? '', 'post-41'));
      break;
    case 'tcp-check':
      out.push(line('option', 'tcp-check'));
      for (const st of hc.steps ?? []) {
        if (st.kind === 'send') out.push(raw(`tcp-check send ${escapedWord(st.value)}`));
        else out.push(line('tcp-check', 'expect', st.kind === 'expect-string' ? 'string' : 'rstring', st.value));
      }
      break;
    default:
      break;
  }
  const ds = [line('default-server', 'inter', haproxyTime(hc.interMs), 'rise', hc.rise, 'fall', hc.fall)];
  if (hc.agent) {
    ds.push(` agent-port ${hc.agent.port} agent-inter ${haproxyTime(hc.agent.interMs)}`);
    if (hc.agent.send !== undefined) ds.push(` agent-send ${escapedWord(hc.agent.send)}`);
  }
  out.push(ds.join(''));
  return out;
}

function renderStats(s: StatsPageModel): string[] {
  const out = [`listen ${quoteWord(s.name)}`];
  for (const b of [...s.binds].sort((x, y) => x.port - y.port || Number(x.ipv6) - Number(y.ipv6) || cmp(x.address, y.address))) {
    out.push(line('bind', hostPort(b.address, b.ipv6, b.port)));
  }
  out.push(line('stats', 'enable'));
  out.push(line('stats', 'uri', s.uri));
  out.push(line('stats', 'refresh', haproxyTime(s.refreshMs)));
  out.push(line('stats', 'auth', `${s.user}:${s.password}`));
  if (s.admin) out.push(raw('stats admin if TRUE'));
  return out;
}
