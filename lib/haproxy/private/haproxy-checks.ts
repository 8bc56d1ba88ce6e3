import { IConstruct } from 'constructs';
import { IReporter } from '../../core/diagnostics';
import { FreeBsdHost } from '../../core/host';
import { CarpCluster } from '../../carp/carp-cluster';
import { HaproxyBackend } from '../backend';
import { HaproxyFrontend } from '../frontend';
import { BackendModel } from '../model';
import { MODE_CLASH_ALLOWED, ProxyMode, backendModeProblem } from '../tcp';

/*
 * Tree-wide checks of a Haproxy that compare its frontends and backends with each other
 * (called by haproxy.ts, each reported with the path of the construct it is about).
 */

/** @internal `address:port`, IPv6 in brackets: the key of a listener. */
export function listenerKey(b: { readonly address: string; readonly ipv6: boolean; readonly port: number }): string {
  return b.ipv6 ? `[${b.address}]:${b.port}` : `${b.address}:${b.port}`;
}

/** @internal Checks of one frontend against its HAProxy (backends, VIPs, listeners of earlier frontends). */
export function checkFrontend(haproxy: IConstruct & { readonly target?: IConstruct }, hosts: FreeBsdHost[], frontends: HaproxyFrontend[], f: HaproxyFrontend, r: IReporter): void {
  for (const b of f.backends) {
    if (b.node.scope !== haproxy) {
      r.error(`Frontend routes to ${b.node.path}, a backend of another HAProxy`, { value: b.node.path, allowed: `backends of ${haproxy.node.path} (haproxy.addBackend)` });
    }
  }
  for (const vip of f.vips) {
    if (!(vip.cluster instanceof CarpCluster) || hosts.some((h) => !vip.cluster.members.includes(h))) {
      r.error(`Frontend binds VIP ${vip.node.path} of another cluster (${vip.cluster?.node?.path})`, { value: vip.node.path, allowed: `VIPs of the cluster this HAProxy runs on (${haproxy.target?.node?.path})` });
    }
  }
  // No two frontends on the same address and port: the later one reports.
  const mine = new Set(f._binds().map(listenerKey));
  for (const other of frontends.slice(0, frontends.indexOf(f))) {
    for (const b of other._binds()) {
      const key = listenerKey(b);
      if (!mine.has(key)) continue;
      if (other.mode !== f.mode) {
        r.error(`Frontend binds ${key}, which ${other.node.path} binds already (an HTTP and a TCP frontend cannot share an address and port)`, { value: key, allowed: MODE_CLASH_ALLOWED });
      } else {
        r.error(`Frontend binds ${key}, which ${other.node.path} binds already`, { value: key, allowed: 'each address and port in one frontend' });
      }
    }
  }
}

/** @internal A backend must be used, by frontends of one mode. */
export function checkBackendUse(b: HaproxyBackend, frontends: HaproxyFrontend[], r: IReporter): void {
  const users = frontends.filter((f) => f._usesBackend(b));
  if (users.length === 0) {
    r.error('Backend is not used by any frontend', { value: b.name, allowed: 'a route or default backend of a frontend pointing to it, or remove it' });
    return;
  }
  const p = backendModeProblem(b, users);
  if (p) r.error(p.message, { value: p.value, allowed: p.allowed });
}

/** @internal Proxy names (frontends, backends, stats page, metrics) are unique. */
export function checkUniqueNames(all: Array<{ name: string; path: string }>, r: IReporter): void {
  const seen = new Map<string, string>();
  for (const x of all) {
    const prev = seen.get(x.name);
    if (prev) r.error(`Proxy name ${x.name} is used by both ${prev} and ${x.path}`, { value: x.name, allowed: 'unique names among frontends, backends, the stats page and the metrics' });
    else seen.set(x.name, x.path);
  }
}

/** @internal The backends' models with the mode of the frontends that use them. */
export function withModes(models: BackendModel[], backends: HaproxyBackend[], frontends: HaproxyFrontend[]): BackendModel[] {
  return models.map((m, i) => (frontends.some((f) => f.mode === ProxyMode.TCP && f._usesBackend(backends[i])) ? Object.assign({}, m, { mode: 'tcp' as const }) : m));
}
