import { IConstruct } from 'constructs';
import { FreeBsdHost } from '../core/host';
import { constructsReaching } from '../core/lifecycle';
import { Haproxy } from '../haproxy/haproxy';
import { IpAddress } from '../net/address';
import { pfOpeningsFor } from './openings';
import { compareStrings as cmp } from '../core/private/compare';

/**
 * What services running on a host need open, derived from the constructs of the tree: HAProxy
 * frontends (their bind addresses and ports), HAProxy peers (between the members), and any
 * opening another service registered (`registerPfOpening`). Internal.
 */
export interface ServiceOpening {
  readonly owner: IConstruct;
  readonly description: string;
  readonly protocol: 'tcp' | 'udp';
  /** Sources (canonical); empty: any. */
  readonly from: string[];
  /** Destinations (canonical); empty: any. */
  readonly to: string[];
  /** Destination ports, sorted, unique. */
  readonly ports: number[];
  /** Only from the ruleset's management allow-list (`sshFrom`): `from` is then ignored. */
  readonly managementOnly?: boolean;
}

/** Every opening services on `host` need, in a deterministic order (by owner path). */
export function serviceOpeningsFor(host: FreeBsdHost): ServiceOpening[] {
  const out: ServiceOpening[] = [];
  for (const h of haproxiesOn(host)) {
    for (const f of h.frontends) {
      const binds = f._binds();
      const to = unique(binds.map((b) => b.address));
      const ports = sortedPorts(binds.map((b) => b.port));
      if (ports.length > 0) out.push({ owner: f, description: `HAProxy frontend ${f.name}`, protocol: 'tcp', from: [], to, ports });
    }
    const statsPort = h.managementStatsPort;
    const own = IpAddress._tryParse(host.managementAddress);
    if (statsPort !== undefined && own) {
      out.push({ owner: h, description: 'HAProxy stats page (from the management allow-list)', protocol: 'tcp', from: [], to: [own.text], ports: [statsPort], managementOnly: true });
    }
    const peersPort = h.peersPort;
    if (peersPort !== undefined) {
      const others = h.hosts.filter((x) => x !== host).map((x) => IpAddress._tryParse(x.managementAddress)).filter((a): a is IpAddress => a !== undefined);
      if (own && others.length > 0) {
        out.push({ owner: h, description: 'HAProxy peers (stick-table sync from the other members)', protocol: 'tcp', from: unique(others.map((a) => a.text)), to: [own.text], ports: [peersPort] });
      }
    }
  }
  for (const o of pfOpeningsFor(host)) {
    const ports = sortedPorts(o.ports());
    if (ports.length === 0) continue;
    out.push({ owner: o.owner, description: o.description, protocol: o.protocol, from: unique(o.sources ? o.sources() : []), to: unique(o.addresses()), ports });
  }
  return out.sort((a, b) => cmp(a.owner.node.path, b.owner.node.path) || cmp(a.description, b.description));
}

function haproxiesOn(host: FreeBsdHost): Haproxy[] {
  return constructsReaching<Haproxy, FreeBsdHost>(host, 'haproxy', (c) => (c instanceof Haproxy ? c.hosts : undefined));
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

function sortedPorts(ps: number[]): number[] {
  return [...new Set(ps.filter((p) => Number.isInteger(p) && p >= 1 && p <= 65535))].sort((a, b) => a - b);
}

