import { IConstruct } from 'constructs';
import { IpPrefix } from '../net/address';
import type { CarpCluster } from './carp-cluster';
import type { CarpVip } from './carp-vip';

/** @internal A problem between two clusters, reported by the one whose path sorts first. */
export interface CrossIssue { readonly message: string; readonly value: string; readonly allowed: string }

/**
 * Problems between clusters, computed once for the whole app in linear time: the same vhid on
 * one network segment (or one member interface) twice, and the same VIP address twice. Each is
 * reported by the cluster whose path sorts first, naming the other.
 */
export function crossClusterIssues(clusters: CarpCluster[]): Map<CarpCluster, CrossIssue[]> {
  const out = new Map<CarpCluster, CrossIssue[]>();
  const seen = new Set<string>();
  const add = (a: CarpVip, b: CarpVip, kind: string, issue: (first: CarpVip, other: CarpVip) => CrossIssue) => {
    if (a.cluster === b.cluster) return;
    const [first, other] = isBefore(a.cluster, b.cluster) ? [a, b] : [b, a];
    const key = `${kind}|${first.node.path}|${other.node.path}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.set(first.cluster, [...(out.get(first.cluster) ?? []), issue(first, other)]);
  };
  // A segment is a member's interface (same host, same interface name) or a network prefix on
  // it. Two clusters share a segment when one has a prefix containing an address of the other,
  // whatever the prefix lengths: each address is probed under every prefix length in use.
  const ownSegments = new Map<CarpCluster, Set<string>>();
  const probes = new Map<CarpCluster, Set<string>>();
  const lengths = new Map<string, Set<number>>();
  for (const c of clusters) {
    for (const m of c.targetHosts) {
      for (const a of m.findInterface(c.interfaceName)?.addresses ?? []) {
        lengths.set(a.family, (lengths.get(a.family) ?? new Set()).add(a.prefixLength));
      }
    }
  }
  for (const c of clusters) {
    const own = new Set<string>();
    const probe = new Set<string>();
    for (const m of c.targetHosts) {
      const ifKey = `if:${m.node.path}:${c.interfaceName}`;
      own.add(ifKey);
      probe.add(ifKey);
      for (const a of m.findInterface(c.interfaceName)?.addresses ?? []) {
        own.add(`net:${a.network.toString()}`);
        for (const len of lengths.get(a.family) ?? []) {
          if (len <= (a.address.isIpv4 ? 32 : 128)) probe.add(`net:${IpPrefix._fromParts(a.address._parsed, len).toString()}`);
        }
      }
    }
    ownSegments.set(c, own);
    probes.set(c, probe);
  }
  const bySegment = new Map<string, CarpVip[]>();
  for (const c of clusters) {
    for (const vip of c.vips) {
      for (const seg of ownSegments.get(c)!) bySegment.set(`${seg}|${vip.vhid}`, [...(bySegment.get(`${seg}|${vip.vhid}`) ?? []), vip]);
    }
  }
  const byAddress = new Map<string, CarpVip[]>();
  for (const c of clusters) {
    for (const vip of c.vips) {
      for (const seg of probes.get(c)!) {
        for (const other of bySegment.get(`${seg}|${vip.vhid}`) ?? []) {
          add(vip, other, 'vhid', (first, o) => ({
            message: `vhid ${first.vhid} is also used by ${o.node.path} on the same network segment (CARP's virtual MAC 00:00:5e:00:01:${first.vhid.toString(16).padStart(2, '0')} would clash)`,
            value: String(first.vhid),
            allowed: 'a vhid unique on the segment',
          }));
        }
      }
      for (const a of vip.addresses) {
        for (const other of byAddress.get(a.text) ?? []) {
          add(vip, other, `addr:${a.text}`, (_first, o) => ({ message: `VIP address ${a.text} is also used by ${o.node.path}`, value: a.text, allowed: 'each VIP address once' }));
        }
        byAddress.set(a.text, [...(byAddress.get(a.text) ?? []), vip]);
      }
    }
  }
  return out;
}

function isBefore(a: IConstruct, b: IConstruct): boolean {
  return a.node.path < b.node.path || (a.node.path === b.node.path && a !== b);
}
