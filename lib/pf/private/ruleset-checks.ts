/**
 * The checks of a PfRuleset that look beyond its own props: interfaces on the hosts, tables of
 * the ruleset, neighbour discovery, the management allow-lists against the hosts' addresses, and
 * the openings other constructs contribute.
 *
 * Internal (not exported from lib/index.ts).
 */
import { IConstruct } from 'constructs';
import type { PlanSet } from '../../core/contribution';
import type { IReporter } from '../../core/diagnostics';
import type { FreeBsdHost } from '../../core/host';
import { IpAddress } from '../../net/address';
import { INTERFACE_NAME } from '../../net/names';
import type { PfRule } from '../pf-rule';
import { PfTranslation } from '../pf-translation';
import type { RulesetSpec } from './build';
import { DEFAULT_ICMP6_TYPES, ICMP6_ND_TYPES } from './icmp';
import { resolveManagement } from './management';
import { openingRules, ruleFor } from './openings';
import { interfaceOfAddress, prefixText } from './where';

function missingInterface(report: IReporter, what: string, name: string, host: FreeBsdHost): void {
  if (typeof name !== 'string' || !INTERFACE_NAME.test(name)) return; // reported as a bad name already
  report.error(`${what} ${name} does not exist on ${host.node.path}`, {
    value: name, allowed: `an interface of the host: ${host.interfaces.map((i) => i.name).join(', ') || 'none added'}`,
  });
}

/** Step 1, at the ruleset's path. */
export function checkTree(s: RulesetSpec, hosts: readonly FreeBsdHost[], report: IReporter): void {
  const p = s.props;
  for (const host of hosts) {
    if (!host.findInterface(s.externalInterface)) missingInterface(report, 'externalInterface', s.externalInterface, host);
    if (p.logInterface !== undefined && !host.findInterface(p.logInterface)) missingInterface(report, 'logInterface', p.logInterface, host);
    for (const m of s.management) {
      if (m.label !== 'sshFrom' && m.interfaceName !== undefined && !host.findInterface(m.interfaceName)) missingInterface(report, `${m.label}.interfaceName`, m.interfaceName, host);
    }
    for (const o of s.openingRules) {
      for (const n of o.interfaceNames ?? []) if (!host.findInterface(n)) missingInterface(report, `overrideOpening(${o.owner.node.path}) interface`, n, host);
    }
    if (host.hasIpv6 && (p.defaultBlockIn ?? true) && !passesNeighbourDiscovery(s)) {
      report.error(`${host.node.path} has IPv6 but no rule passes ICMPv6 neighbour discovery (neighbrsol, neighbradv): IPv6 stops working and a CARP takeover is never announced`, {
        value: (p.allowIcmp6 ?? true) ? `icmp6Types: ${(p.icmp6Types ?? []).join(', ')}` : 'allowIcmp6: false',
        allowed: 'allowIcmp6 with neighbrsol and neighbradv in icmp6Types, or a rule of your own passing them in',
      });
    }
  }
  checkOverloadTables(s, report);
}

/** Step 1, at a rule's or translation's path: its interfaces exist, its tables are the ruleset's. */
export function checkItem(ruleset: IConstruct, s: RulesetSpec, hosts: readonly FreeBsdHost[], item: PfRule | PfTranslation, report: IReporter): void {
  const what = item instanceof PfTranslation ? `${item.kind} interface` : 'Rule interface';
  for (const name of item._interfaces) {
    if (typeof name !== 'string') continue; // reported by the item
    for (const host of hosts) if (!host.findInterface(name)) missingInterface(report, what, name, host);
  }
  for (const t of item._tables) {
    if (t.node.scope === ruleset) continue;
    report.error(`Table <${t.tableName}> belongs to another ruleset (${t.node.scope?.node.path ?? 'none'}): this pf.conf has no table line for it, so the rule never matches`, {
      value: `<${t.tableName}> (${t.node.path})`,
      allowed: `a table of ${ruleset.node.path}${s.tables.length > 0 ? `: ${s.tables.map((x) => `<${x.tableName}>`).join(', ')}` : ' (ruleset.addTable)'}`,
    });
  }
}

/** An overload table that no rule blocks only collects addresses. */
function checkOverloadTables(s: RulesetSpec, report: IReporter): void {
  const overloads = new Set(s.rules.flatMap((r) => (r.props.state?._overloadTable ? [r.props.state._overloadTable] : [])));
  for (const t of overloads) {
    const blocked = s.rules.some((r) => r.action === 'block' && (r.props.from ?? []).some((a) => a._table === t));
    if (!blocked) {
      report.warning(`Overload table <${t.tableName}> is filled but no rule blocks it: offenders are only listed, never kept out`, {
        value: `<${t.tableName}>`, allowed: `a block rule with from: [PfAddress.table(${t.tableName})], usually quick`,
      });
    }
  }
}

function passesNeighbourDiscovery(s: RulesetSpec): boolean {
  const p = s.props;
  const covered = new Set<string>();
  if (p.allowIcmp6 ?? true) for (const t of p.icmp6Types ?? DEFAULT_ICMP6_TYPES) covered.add(t);
  for (const r of s.rules) for (const t of r._passesInIcmp6() ?? []) covered.add(t);
  return covered.has('*') || ICMP6_ND_TYPES.every((t) => covered.has(t));
}

/** Step 4: checks that need the plans (openings, the hosts' addresses). */
export function checkPlans(s: RulesetSpec, hosts: readonly FreeBsdHost[], plans: PlanSet, report: IReporter): void {
  const p = s.props;
  const port = p.sshPort ?? 22;
  const blocks = p.defaultBlockIn ?? true;
  // (An allow-list whose prefixes did not parse counts: the bad prefix is reported on its own.)
  const anySsh = s.management.length > 0 || s.rules.some((r) => r._passesInTcpPort(port));
  const openToAll = (h: FreeBsdHost) => (p.allowServices ?? true) && (plans.planOf(h)?.openings ?? []).some((o) => o.protocol === 'tcp' && o.from.length === 0 && !o.fromManagement && o.ports.includes(port));
  if (blocks && !anySsh && !hosts.some(openToAll)) {
    report.warning(`The default policy blocks everything inbound and no rule passes SSH (tcp port ${port}): loading this ruleset locks you out`, {
      value: 'no sshFrom, no management and no pass rule for the SSH port', allowed: 'sshFrom: [prefixes], management: [{ interfaceName, from }], or a rule passing tcp to the SSH port',
    });
  }
  const used = new Set<IConstruct>();
  for (const host of hosts) {
    const plan = plans.planOf(host);
    if (!plan) continue;
    const { resolved, unplaced } = resolveManagement(s.management, plan);
    for (const u of unplaced) {
      report.error(`${u.label} prefix ${prefixText(u.prefix)} is on no interface of ${host.node.path}: the interface its traffic arrives on cannot be derived`, {
        value: prefixText(u.prefix),
        allowed: `a prefix that overlaps an address of ${host.hostname} (${plan.interfaces.map((i) => `${i.name}: ${i.addresses.map(String).join(', ') || 'no address'}`).join('; ')}), or interfaceName on the entry`,
      });
    }
    // Deploy tools reach each host at its management address: SSH must pass there.
    const mgmt = IpAddress._tryParse(host.managementAddress);
    // Follow-ons of errors reported already: an interface missing on the host, a bad prefix.
    const misplaced = resolved.some((m) => !plan.interfaces.some((i) => i.name === m.interfaceName)) || s.management.some((m) => m.invalid) || unplaced.length > 0;
    if (blocks && anySsh && mgmt && !misplaced) {
      const where = interfaceOfAddress(plan, mgmt);
      const fam = mgmt.isIpv4 ? 'IPv4' : 'IPv6';
      const passes = resolved.some((m) => (where === undefined || m.interfaceName === where) && m.prefixes.some((x) => x.family === mgmt.family))
        || s.rules.some((r) => r._passesInTcpPort(port, where, mgmt.family)) || openToAll(host);
      if (!passes) {
        const hasFamily = s.management.some((m) => m.prefixes.some((x) => x.family === mgmt.family));
        const lists = resolved.map((m) => `${m.label} on ${m.interfaceName}`).join(', ') || 'none';
        report.warning(hasFamily
          ? `${host.node.path} is managed at ${mgmt.text} on ${where ?? 'no interface of its own'} (${fam}) but no SSH allow-list passes ${fam} there (${lists}): once PF is on, ssh (and the deploy playbook) to that address is blocked`
          : `${host.node.path} is managed at ${mgmt.text} (${fam}) but the SSH allow-lists have no ${fam} prefix: once PF is on, ssh (and the deploy playbook) to that address is blocked`, {
          value: host.managementAddress,
          allowed: `an allow-list entry with ${fam} prefixes on ${where ?? 'the interface the admins arrive on'} (management: [{ interfaceName, from }]), or a managementAddress the allow-lists reach`,
        });
      }
    }
    const spell = (n: string) => n;
    const { closed } = openingRules({ plan, allowServices: p.allowServices ?? true, rules: s.openingRules, management: resolved, spell });
    for (const c of closed) {
      if (c.opening.fromManagement && !ruleFor(c.opening.owner, s.openingRules)?.from) continue; // the stats page stays closed on purpose
      report.warning(`${c.opening.owner.node.path}: ${c.opening.purpose} gets no pass rule on ${host.node.path}: ${c.reason}`, {
        value: c.opening.to.join(', ') || 'self', allowed: 'sources of the family the service listens on',
      });
    }
    for (const o of plan.openings) if (o.protocol === 'tcp' || o.protocol === 'udp') for (const sc of o.owner.node.scopes) used.add(sc);
  }
  for (const r of s.openingRules) {
    if (used.has(r.owner)) continue;
    report.error(`${r.omit ? 'omitOpening' : 'overrideOpening'} names ${r.owner.node.path}, which opens nothing on the hosts of this ruleset`, {
      value: r.owner.node.path, allowed: `a construct that contributes openings here: ${[...new Set(hosts.flatMap((h) => (plans.planOf(h)?.openings ?? []).filter((o) => o.protocol === 'tcp' || o.protocol === 'udp').map((o) => o.owner.node.path)))].join(', ') || 'none'}`,
    });
  }
}
