/**
 * Management allow-lists (`sshFrom`, `management`): per host, on which interface each prefix's
 * traffic arrives, and the SSH pass rules.
 *
 * Internal (not exported from lib/index.ts).
 */
import type { HostPlan } from '../../core/plan';
import { AddressFamily, IpPrefix } from '../../net/address';
import type { PfRuleModel } from '../model';
import { interfaceOfPrefix, prefixText } from './where';

/** One allow-list as given: `sshFrom` (the external interface) or `management[i]`. */
export interface ManagementEntry {
  /** `sshFrom` or `management[0]` … (named in comments and errors). */
  readonly label: string;
  /** Given, or undefined: derived per prefix. */
  readonly interfaceName?: string;
  readonly prefixes: IpPrefix[];
  /** Whether a prefix did not parse (reported, follow-on warnings are left out). */
  readonly invalid?: boolean;
}

/** One allow-list on one interface of one host. */
export interface ResolvedManagement {
  readonly label: string;
  readonly interfaceName: string;
  readonly prefixes: IpPrefix[];
}

/** A prefix of an entry without interface that lies on no interface of the host. */
export interface UnplacedPrefix {
  readonly label: string;
  readonly prefix: IpPrefix;
}

/** The allow-lists of one host, each on its interface (a derived entry may span several). */
export function resolveManagement(entries: readonly ManagementEntry[], plan: HostPlan): { resolved: ResolvedManagement[]; unplaced: UnplacedPrefix[] } {
  const resolved: ResolvedManagement[] = [];
  const unplaced: UnplacedPrefix[] = [];
  for (const e of entries) {
    if (e.prefixes.length === 0) continue;
    if (e.interfaceName !== undefined) {
      resolved.push({ label: e.label, interfaceName: e.interfaceName, prefixes: e.prefixes });
      continue;
    }
    const byIf = new Map<string, IpPrefix[]>();
    for (const p of e.prefixes) {
      const name = interfaceOfPrefix(plan, p);
      if (name === undefined) unplaced.push({ label: e.label, prefix: p });
      else byIf.set(name, [...(byIf.get(name) ?? []), p]);
    }
    for (const [name, prefixes] of byIf) resolved.push({ label: e.label, interfaceName: name, prefixes });
  }
  return { resolved, unplaced };
}

/** The SSH pass rules: one per allow-list and interface, to `self` on a host that routes. */
export function sshRules(resolved: readonly ResolvedManagement[], path: string, port: number, toSelf: boolean, spell: (name: string) => string): PfRuleModel[] {
  return resolved.map((m) => {
    const fams = new Set(m.prefixes.map((x) => x.family));
    return {
      action: 'pass', direction: 'in', log: false, quick: false, interfaces: [spell(m.interfaceName)],
      af: fams.size === 1 ? ([...fams][0] as AddressFamily) : undefined,
      protocols: ['tcp'], from: m.prefixes.map(prefixText), fromPorts: [], to: toSelf ? ['self'] : [], toPorts: [{ from: port }],
      icmpTypes: [], icmp6Types: [],
      comment: m.label === 'sshFrom' ? `${path}: SSH allow-list` : `${path}: SSH allow-list (${m.label})`,
    };
  });
}
