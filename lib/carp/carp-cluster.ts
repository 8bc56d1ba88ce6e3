import { Construct, IConstruct } from 'constructs';
import { App } from '../core/app';
import { Diagnostics, IReporter, checkInt } from '../core/diagnostics';
import { FreeBsdHost, ITargetHosts } from '../core/host';
import { addPrepare, allConstructs, synthMemo } from '../core/lifecycle';
import { Secret } from '../core/secret';
import { AddressFamily, IpPrefix } from '../net/address';
import { INTERFACE_NAME, INTERFACE_NAME_ALLOWED } from '../net/names';
import { CarpVip, CarpVipProps } from './carp-vip';
import { CARP_DEVD_CONF_MODE, CARP_DEVD_CONF_PATH, CarpState, carpDevdProblems, renderCarpDevdConf } from './render-devd';
import {
  WATCHER_FILE_MODE, WATCHER_RC_ENABLE_KEY, WATCHER_RC_SCRIPT_PATH, WATCHER_SCRIPT_PATH,
  renderWatcherRcScript, renderWatcherScript, watcherOptionProblems,
} from './watcher';
import { FileTarget } from '../core/host';
import { Duration } from '../net/duration';
import { PASSWORD_ALLOWED, examinePassword } from './password';

/**
 * Properties of a CARP cluster.
 */
export interface CarpClusterProps {
  /**
   * The member hosts in order of preference: the first is the preferred master.
   */
  readonly members: FreeBsdHost[];
  /** The interface the virtual addresses live on (it must exist on every member). */
  readonly interfaceName: string;
  /**
   * The CARP password, the same on every member. At most 19 characters count; a hyphen or
   * shell metacharacters break FreeBSD's rc.d and are rejected.
   */
  readonly password: Secret;
  /**
   * Advertisement base interval in seconds (1–255), the same on every member.
   * @default 1
   */
  readonly advbase?: number;
  /**
   * Whether a recovered preferred member takes its VIPs back (`net.inet.carp.preempt=1`); also
   * makes all vhids of a host fail over together.
   * @default true
   */
  readonly preempt?: boolean;
  /**
   * The advskew of each member, in the order of `members` (0–240, distinct, ascending).
   * @default - 0, 100, 200 … by position (spread below 200 for more than three members)
   */
  readonly advskews?: number[];
  /**
   * Log CARP state changes to syslog through devd and optionally run a command.
   * @default - no devd hook
   */
  readonly stateChangeHook?: CarpStateHookProps;
  /**
   * Demote a member's CARP while its HAProxy is down (service-aware failover).
   * @default - no watcher: CARP follows the link only
   */
  readonly haproxyWatch?: HaproxyWatchProps;
  /**
   * Synchronize PF states between the members (rc.conf `pfsync_*`; a `PfRuleset` on the
   * members passes `proto pfsync` on the interface).
   * @default - no pfsync
   */
  readonly pfsync?: CarpPfsyncProps;
}

/**
 * A devd(8) hook on CARP state changes: logs every MASTER/BACKUP transition of the cluster's
 * interface to syslog (tag `carp`) and, if given, runs a command with the event as its last two
 * arguments (`<vhid>@<interface> MASTER|BACKUP`). Rendered to /etc/devd/carp.conf (on a VNET
 * jail: for the jail's host, where devd runs).
 */
export interface CarpStateHookProps {
  /**
   * Absolute path of a command to run on each transition.
   * @default - only log
   */
  readonly command?: string;
  /**
   * Fixed arguments passed before the event arguments; plain words only.
   * @default - none
   */
  readonly arguments?: string[];
  /**
   * Also act on the INIT state (interface down, CARP disabled).
   * @default false
   */
  readonly includeInit?: boolean;
}

/**
 * Service-aware failover: a watcher on every member checks HAProxy (its process and its admin
 * stats socket) and raises `net.inet.carp.demotion` while HAProxy is down, so the VIPs move to
 * a member whose proxy works; it lowers the demotion again when HAProxy recovers. Runs under
 * daemon(8) as the rc.d service `cdkbsd_carpwatch`. Requires preempt.
 */
export interface HaproxyWatchProps {
  /**
   * Time between two checks (whole seconds).
   * @default Duration.seconds(2)
   */
  readonly interval?: Duration;
  /**
   * Consecutive failed checks before demoting.
   * @default 3
   */
  readonly fall?: number;
  /**
   * Consecutive good checks before the demotion is removed.
   * @default 5
   */
  readonly rise?: number;
  /**
   * Amount added to the demotion while HAProxy is down (1–240). 240 moves the VIPs to any
   * backup below the 240 cap.
   * @default 240
   */
  readonly demotion?: number;
}

/**
 * pfsync: PF state synchronisation between the members over a dedicated interface. pfsync is
 * not authenticated: use a crossover link or a dedicated VLAN, never the public interface.
 */
export interface CarpPfsyncProps {
  /** The dedicated interface (it must exist on every member, with an address). */
  readonly interfaceName: string;
  /**
   * Send updates to the other member's address on that interface (`pfsync_syncpeer`) instead of
   * multicast; only for two members.
   * @default false
   */
  readonly unicast?: boolean;
}

/** The highest advskew a backup may have and still take over from a fully demoted master. */
const BACKUP_SKEW_LIMIT = 240;

/**
 * A CARP cluster: member hosts sharing virtual IP addresses on one interface. It renders the
 * CARP alias lines of every member's rc.conf, `carp_load` in loader.conf and the CARP sysctls.
 * Services (`Haproxy`, `PfRuleset`) put on a cluster go to every member.
 */
export class CarpCluster extends Construct implements ITargetHosts {
  /** The members, in order of preference. */
  public readonly members: FreeBsdHost[];
  /** The interface the VIPs live on. */
  public readonly interfaceName: string;
  /** The advertisement base interval (seconds). */
  public readonly advbase: number;
  /** Whether preemption is on. */
  public readonly preempt: boolean;
  /** The CARP password. */
  public readonly password: Secret;
  /** The devd hook, if any. */
  public readonly stateChangeHook?: CarpStateHookProps;
  /** The HAProxy watcher options, if the watcher is on. */
  public readonly haproxyWatch?: HaproxyWatchProps;
  /** The pfsync settings, if state synchronisation is on. */
  public readonly pfsync?: CarpPfsyncProps;
  private readonly skews: number[];
  private readonly vipList: CarpVip[] = [];

  constructor(scope: Construct, id: string, props: CarpClusterProps) {
    super(scope, id);
    this.members = Array.isArray(props.members) ? [...props.members] : [];
    this.interfaceName = props.interfaceName;
    this.password = props.password;
    this.advbase = props.advbase ?? 1;
    this.preempt = props.preempt ?? true;

    if (this.members.length === 0) {
      Diagnostics.error(this, 'A CARP cluster needs member hosts', { value: String(props.members), allowed: 'two or more FreeBsdHost objects' });
    } else if (this.members.length === 1) {
      Diagnostics.warning(this, 'A CARP cluster with one member has nothing to fail over to', { value: this.members[0].hostname, allowed: 'two or more members' });
    }
    this.members.forEach((m, i) => {
      if (!FreeBsdHost.isFreeBsdHost(m)) {
        Diagnostics.error(this, `Member ${i} is not a FreeBsdHost`, { value: String(m), allowed: 'FreeBsdHost objects' });
      } else if (this.members.indexOf(m) !== i) {
        Diagnostics.error(this, 'A host is listed twice among the members', { value: m.hostname, allowed: 'each host once' });
      }
    });
    if (typeof props.interfaceName !== 'string' || !INTERFACE_NAME.test(props.interfaceName)) {
      Diagnostics.error(this, 'Interface name is not valid', { value: String(props.interfaceName), allowed: INTERFACE_NAME_ALLOWED });
    }
    if (!(props.password instanceof Secret) && !(typeof props.password === 'object' && props.password !== null && typeof (props.password as any)._resolve === 'function')) {
      Diagnostics.error(this, 'password must be a Secret (Secret.fromLiteral, fromEnv or fromFile)', { value: typeof props.password, allowed: 'a Secret' });
    }
    checkInt(this, 'advbase', this.advbase, 1, 255);
    this.skews = this.resolveSkews(props.advskews);
    this.stateChangeHook = props.stateChangeHook;
    this.haproxyWatch = props.haproxyWatch;
    if (props.stateChangeHook) {
      for (const p of carpDevdProblems(this.devdOptions())) {
        Diagnostics.error(this, `stateChangeHook ${p.message}`, { value: p.value, allowed: p.allowed });
      }
    }
    if (props.haproxyWatch) this.checkWatch(props.haproxyWatch);
    this.pfsync = props.pfsync;
    if (props.pfsync) {
      if (typeof props.pfsync.interfaceName !== 'string' || !INTERFACE_NAME.test(props.pfsync.interfaceName)) {
        Diagnostics.error(this, 'pfsync.interfaceName is not valid', { value: String(props.pfsync.interfaceName), allowed: INTERFACE_NAME_ALLOWED });
      } else if (props.pfsync.interfaceName === props.interfaceName) {
        Diagnostics.warning(this, 'pfsync runs on the public CARP interface: pfsync is not authenticated, anyone on that link can inject PF states', { value: props.pfsync.interfaceName, allowed: 'a dedicated link or VLAN' });
      }
      if (props.pfsync.unicast && this.members.length !== 2) {
        Diagnostics.error(this, 'pfsync.unicast needs exactly two members (one peer each)', { value: String(this.members.length), allowed: 'two members, or multicast (unicast: false)' });
      }
    }

    addPrepare(this, () => this.prepare());
    Diagnostics.addValidation(this, (r) => this.validateTree(r));
  }

  /** The hosts that receive services put on this cluster: the members. */
  public get targetHosts(): FreeBsdHost[] {
    return this.members.filter(FreeBsdHost.isFreeBsdHost);
  }

  /** The preferred master (the first member). */
  public get preferredMaster(): FreeBsdHost {
    return this.members[0];
  }

  /** The VIPs of this cluster, in the order added. */
  public get vips(): CarpVip[] {
    return [...this.vipList];
  }

  /**
   * The advskew of a member.
   * @throws Error when `host` is not a member
   */
  public advskewOf(host: FreeBsdHost): number {
    const i = this.members.indexOf(host);
    if (i < 0) throw new Error(`${host.node.path} is not a member of ${this.node.path}`);
    return this.skews[i];
  }

  /**
   * Adds a virtual host (vhid) with its addresses.
   */
  public addVip(id: string, props: CarpVipProps): CarpVip {
    const vip = new CarpVip(this, id, props);
    this.vipList.push(vip);
    return vip;
  }

  private resolveSkews(given: number[] | undefined): number[] {
    const n = this.members.length;
    if (given === undefined) {
      const step = n <= 3 ? 100 : Math.floor(200 / (n - 1));
      return this.members.map((_, i) => i * step);
    }
    if (!Array.isArray(given) || given.length !== n) {
      Diagnostics.error(this, 'advskews must give one value per member', { value: JSON.stringify(given), allowed: `${n} integers 0–240, in member order` });
      return this.members.map((_, i) => i * 100);
    }
    given.forEach((s, i) => checkInt(this, `advskew of member ${i}`, s, 0, 240));
    if (new Set(given).size !== given.length) {
      Diagnostics.error(this, 'advskews must be distinct: members with equal advskew tie in the election', { value: given.join(', '), allowed: 'distinct values, lowest for the preferred master' });
    }
    for (let i = 1; i < given.length; i++) {
      if (given[i] <= given[i - 1]) {
        Diagnostics.error(this, 'advskews must increase in member order (the first member is the preferred master)', { value: given.join(', '), allowed: 'ascending values, e.g. 0, 100' });
        break;
      }
    }
    return [...given];
  }

  private devdOptions() {
    const h = this.stateChangeHook ?? {};
    const states: CarpState[] = h.includeInit ? ['MASTER', 'BACKUP', 'INIT'] : ['MASTER', 'BACKUP'];
    return {
      producerPath: this.node.path,
      interfaces: [this.interfaceName],
      states,
      command: h.command !== undefined ? { path: h.command, args: h.arguments ?? [] } : undefined,
    };
  }

  private watchOptions() {
    const w = this.haproxyWatch ?? {};
    return {
      producerPath: this.node.path,
      interval: w.interval !== undefined ? w.interval.toSeconds() : undefined,
      fall: w.fall,
      rise: w.rise,
      demotion: w.demotion,
    };
  }

  private checkWatch(w: HaproxyWatchProps): void {
    if (w.interval !== undefined && !(w.interval instanceof Duration)) {
      Diagnostics.error(this, 'haproxyWatch.interval must be a Duration', { value: String(w.interval), allowed: 'Duration.seconds(n)' });
      return;
    }
    for (const p of watcherOptionProblems(this.watchOptions())) {
      const msg = p.field === 'interval' ? 'haproxyWatch.interval must be whole seconds from 1 to 3600' : `haproxyWatch.${p.message}`;
      Diagnostics.error(this, msg, { value: p.field === 'interval' ? `${p.value}s` : p.value, allowed: p.allowed });
    }
    if (!this.preempt) {
      Diagnostics.error(this, 'haproxyWatch needs preempt: without it a demoted master keeps its VIPs', { value: 'preempt: false', allowed: 'preempt: true (the default)' });
    }
    if (w.fall === 1) {
      Diagnostics.warning(this, 'haproxyWatch.fall 1 demotes on a single failed check; a reload (haproxy -sf) can fail one check', { value: '1', allowed: '2 or more' });
    }
  }

  private prepare(): void {
    for (const m of this.targetHosts) {
      if (this.stateChangeHook) {
        m._addRenderedFile(this, CARP_DEVD_CONF_PATH, () => renderCarpDevdConf(this.devdOptions()), {
          mode: CARP_DEVD_CONF_MODE,
          target: m.vnetJail ? FileTarget.JAIL_HOST : FileTarget.HOST,
        });
      }
      if (this.pfsync) {
        if (m.vnetJail) m.loaderConf.set('pfsync_load', 'YES', this); // the jail cannot kldload it
        m.rcConf.set('pfsync_enable', 'YES', this);
        m.rcConf.set('pfsync_syncdev', this.pfsync.interfaceName, this);
        const peer = this.pfsyncPeerOf(m);
        if (this.pfsync.unicast && peer) m.rcConf.set('pfsync_syncpeer', peer, this);
      }
      if (this.haproxyWatch) {
        m._addRenderedFile(this, WATCHER_SCRIPT_PATH, () => renderWatcherScript(this.watchOptions()), { mode: WATCHER_FILE_MODE });
        m._addRenderedFile(this, WATCHER_RC_SCRIPT_PATH, () => renderWatcherRcScript({ producerPath: this.node.path }), { mode: WATCHER_FILE_MODE });
        m.rcConf.set(WATCHER_RC_ENABLE_KEY, 'YES', this);
      }
      m.loaderConf.set('carp_load', 'YES', this);
      m.sysctlConf.set('net.inet.carp.preempt', this.preempt ? '1' : '0', this);
      const iface = m.findInterface(this.interfaceName);
      if (!iface) continue;
      const skew = this.skews[this.members.indexOf(m)];
      for (const vip of this.vipList) {
        vip._configured.forEach((a, index) => {
          const af = a.address.family;
          iface._addAlias({
            owner: vip,
            sortKey: [vip.vhid, af === AddressFamily.IPV4 ? 0 : 1, index],
            family: af,
            secret: true,
            value: () => {
              const pw = this.password._resolve().value ?? '';
              const base = this.advbase !== 1 ? ` advbase ${this.advbase}` : '';
              return `${af} vhid ${vip.vhid}${base} advskew ${skew} pass ${pw} alias ${a.address.text}/${a.prefixLength}`;
            },
          });
        });
      }
    }
  }

  /** The other member's IPv4 address on the pfsync interface (unicast pfsync). */
  private pfsyncPeerOf(m: FreeBsdHost): string | undefined {
    if (!this.pfsync || this.members.length !== 2) return undefined;
    const other = this.members.find((x) => x !== m);
    return other?.findInterface(this.pfsync.interfaceName)?.ipv4?.address.text;
  }

  private validateTree(r: IReporter): void {
    this.validatePassword(r);
    if (this.pfsync) {
      for (const m of this.targetHosts) {
        const i = m.findInterface(this.pfsync.interfaceName);
        if (!i) {
          r.error(`Member ${m.node.path} has no pfsync interface ${this.pfsync.interfaceName}`, { value: this.pfsync.interfaceName, allowed: `an interface of ${m.hostname}: ${m.interfaces.map((x) => x.name).join(', ') || '(none)'}` });
        } else if (this.pfsync.unicast && !this.pfsyncPeerOf(this.members.find((x) => x !== m)!)) {
          r.error(`pfsync.unicast needs an IPv4 address on ${this.pfsync.interfaceName} of ${m.hostname} (pfsync_syncpeer is IPv4)`, { value: this.pfsync.interfaceName, allowed: 'an interface with an IPv4 address' });
        }
      }
    }
    for (const m of this.targetHosts) {
      const iface = m.findInterface(this.interfaceName);
      if (!iface) {
        r.error(`Member ${m.node.path} has no interface ${this.interfaceName}`, { value: this.interfaceName, allowed: `an interface of ${m.hostname}: ${m.interfaces.map((i) => i.name).join(', ') || '(none)'}` });
        continue;
      }
      for (const vip of this.vipList) {
        for (const a of vip.addresses) {
          const own = iface.addresses;
          if (own.some((x) => x.address.sameAs(a))) {
            r.error(`VIP ${a.text} (${vip.node.path}) is the own address of member ${m.hostname}`, { value: a.text, allowed: 'an address no member has as its own' });
          } else if (!own.some((x) => x.family === a.family && x.contains(a))) {
            r.error(
              `VIP ${a.text} (${vip.node.path}) lies in no prefix that member ${m.hostname} has on ${this.interfaceName}`,
              { value: a.text, allowed: `an address inside ${own.filter((x) => x.family === a.family).map((x) => x.network.toString()).join(' or ') || `a ${a.family} prefix of the interface (add one)`}` },
            );
          }
        }
      }
    }
    const byVhid = new Map<number, CarpVip>();
    for (const vip of this.vipList) {
      const prev = byVhid.get(vip.vhid);
      if (prev) r.error(`vhid ${vip.vhid} is used by both ${prev.node.path} and ${vip.node.path} on ${this.interfaceName}`, { value: String(vip.vhid), allowed: 'one VIP per vhid; put several addresses on one VIP instead' });
      else byVhid.set(vip.vhid, vip);
    }
    this.skews.forEach((s, i) => {
      if (i > 0 && s >= BACKUP_SKEW_LIMIT) {
        r.error(`Backup ${this.members[i]?.hostname} has advskew ${s}: a demoted master saturates at 240 and ties with it, so the VIPs never move`, { value: String(s), allowed: 'a backup advskew below 240 (e.g. 100)' });
      } else if (i > 0 && s > 200) {
        r.warning(`Backup ${this.members[i]?.hostname} has advskew ${s}, close to the 240 cap of demotion`, { value: String(s), allowed: 'at most 200' });
      }
    });
    if (!this.preempt && this.vipList.length > 1) {
      r.warning('Preempt is off with several VIPs: they may end up on different members, and a repaired preferred master never takes them back', { value: 'preempt: false', allowed: 'preempt: true' });
    }
    this.validateAcrossClusters(r);
    if (this.haproxyWatch && !allConstructs(this.node.root).some((c) => (c as any).target === this && typeof (c as any).addFrontend === 'function')) {
      r.error('haproxyWatch is on but no Haproxy runs on this cluster', { value: 'haproxyWatch', allowed: 'new Haproxy(scope, id, { target: cluster, … })' });
    }
  }

  private validatePassword(r: IReporter): void {
    if (!this.password || typeof (this.password as any)._resolve !== 'function') return;
    const res = this.password._resolve();
    if (res.problem !== undefined || res.value === undefined) {
      r.error(`CARP password cannot be read: ${res.problem}`, { value: this.password.describe(), allowed: 'a set environment variable or a readable, non-empty file' });
      return;
    }
    const f = examinePassword(res.value);
    if (f.errors.length > 0) {
      r.error(`CARP password is rejected: ${f.errors.join('; and ')}`, { value: '<redacted>', allowed: PASSWORD_ALLOWED });
    }
    for (const w of f.warnings) r.warning(`CARP password: ${w}`, { value: '<redacted>' });
  }

  /** vhids unique per segment; a member in one cluster per interface+vhid; VIP addresses unique. */
  private validateAcrossClusters(r: IReporter): void {
    const app = this.node.root;
    if (!App.isApp(app)) return;
    const all = synthMemo(app, 'carp:crossClusterIssues', () => crossClusterIssues(allConstructs(app).filter((c): c is CarpCluster => c instanceof CarpCluster)));
    for (const i of all.get(this) ?? []) r.error(i.message, { value: i.value, allowed: i.allowed });
  }
}

interface CrossIssue { readonly message: string; readonly value: string; readonly allowed: string }

/**
 * Problems between clusters, computed once for the whole app in linear time: the same vhid on
 * one network segment (or one member interface) twice, and the same VIP address twice. Each is
 * reported by the cluster whose path sorts first, naming the other.
 */
function crossClusterIssues(clusters: CarpCluster[]): Map<CarpCluster, CrossIssue[]> {
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
