import { Construct } from 'constructs';
import { FirewallOpening, HostContribution, KeySetting, PlanSet, PlannedFile } from '../core/contribution';
import { Diagnostics, IReporter, checkInt } from '../core/diagnostics';
import { FileTarget, FreeBsdHost, ITargetHosts } from '../core/host';
import { Secret } from '../core/secret';
import { AddressFamily } from '../net/address';
import { INTERFACE_NAME, INTERFACE_NAME_ALLOWED } from '../net/names';
import { CarpVip, CarpVipProps } from './carp-vip';
import { crossClusterIssues } from './cross-cluster';
import { CARP_DEVD_CONF_MODE, CARP_DEVD_CONF_PATH, CarpState, carpDevdProblems, renderCarpDevdConf } from './render-devd';
import { PASSWORD_ALLOWED, examinePassword } from './password';
import { checkArgs, checkInit, constructId } from '../core/private/check-props';

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
   * Whether a recovered preferred member takes its VIPs back (`net.inet.carp.preempt=1`). Also
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
   * Synchronize PF states between the members: rc.conf `pfsync_*` on every member, and an
   * opening that a `PfRuleset` on the members renders as `pass quick on <if> proto pfsync`.
   * This is the one place pfsync is configured.
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
   * Fixed arguments passed before the event arguments. Plain words only.
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
 * pfsync: PF state synchronisation between the members over a dedicated interface. pfsync is
 * not authenticated: use a crossover link or a dedicated VLAN, never the public interface.
 */
export interface CarpPfsyncProps {
  /** The dedicated interface (it must exist on every member, with an address). */
  readonly interfaceName: string;
  /**
   * Send updates to the other member's address on that interface (`pfsync_syncpeer`) instead of
   * multicast. Only for two members.
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
 *
 * @example
 * const carp = new CarpCluster(app, 'Carp', {
 *   members: [lb1, lb2], // lb1 is the preferred master
 *   interfaceName: 'vtnet0',
 *   password: Secret.fromEnv('CARP_PASSWORD'),
 * });
 * const vip = carp.addVip('Web', { vhid: 1, ipv4: ['192.0.2.50'], ipv6: ['2001:db8::50'] });
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
  /** The pfsync settings, if state synchronisation is on. */
  public readonly pfsync?: CarpPfsyncProps;
  private readonly skews: number[];
  private readonly vipList: CarpVip[] = [];

  constructor(scope: Construct, id: string, props: CarpClusterProps) {
    super(scope, constructId(scope, id));
    checkInit(this, 'cdkbsd.CarpCluster', props);
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
    if (props.stateChangeHook) {
      for (const p of carpDevdProblems(this.devdOptions())) {
        Diagnostics.error(this, `stateChangeHook ${p.message}`, { value: p.value, allowed: p.allowed });
      }
    }
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
    checkArgs(this, 'cdkbsd.CarpCluster', 'advskewOf', arguments);
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

  /** @internal What every member receives: CARP keys, aliases, pfsync, the devd hook, openings. */
  public _contribute(): HostContribution[] {
    const vhids = this.vipList.map((v) => v.vhid).join(', ');
    return this.targetHosts.map((m) => {
      const rcConf: KeySetting[] = [];
      const loaderConf: KeySetting[] = [{ key: 'carp_load', value: 'YES' }];
      const files: PlannedFile[] = [];
      const openings: FirewallOpening[] = [{
        owner: this, purpose: `CARP${vhids ? ` (vhid ${vhids})` : ''} must pass in and out`, protocol: 'carp',
        ports: [], to: [], from: [], interfaceName: this.interfaceName, bothWays: true,
      }];
      if (this.stateChangeHook) {
        const model = this.devdOptions();
        files.push({
          path: CARP_DEVD_CONF_PATH, mode: CARP_DEVD_CONF_MODE, secret: false, owner: this, model,
          target: m.vnetJail ? FileTarget.JAIL_HOST : FileTarget.HOST, render: () => renderCarpDevdConf(model),
        });
      }
      if (this.pfsync) {
        if (m.vnetJail) loaderConf.push({ key: 'pfsync_load', value: 'YES' }); // the jail cannot kldload it
        rcConf.push({ key: 'pfsync_enable', value: 'YES' }, { key: 'pfsync_syncdev', value: this.pfsync.interfaceName });
        const peer = this.pfsyncPeerOf(m);
        if (this.pfsync.unicast && peer) rcConf.push({ key: 'pfsync_syncpeer', value: peer });
        openings.push({
          owner: this, purpose: 'pfsync state synchronisation', protocol: 'pfsync', ports: [], to: [], from: [],
          interfaceName: this.pfsync.interfaceName, bothWays: true,
        });
      }
      return {
        host: m, owner: this, rcConf, loaderConf, files, openings,
        sysctlConf: [{ key: 'net.inet.carp.preempt', value: this.preempt ? '1' : '0' }],
        aliases: this.aliasesOf(m),
        services: this.pfsync ? ['pfsync'] : [],
      };
    });
  }

  /** The CARP alias lines of one member (the password resolved here, never shown elsewhere). */
  private aliasesOf(m: FreeBsdHost): HostContribution['aliases'] {
    const skew = this.skews[this.members.indexOf(m)];
    const pw = this.password && typeof this.password._resolve === 'function' ? this.password._resolve().value ?? '' : '';
    const base = this.advbase !== 1 ? ` advbase ${this.advbase}` : '';
    return this.vipList.flatMap((vip) => vip._configured.map((a, index) => {
      const af = a.address.family === AddressFamily.IPV4 ? 'inet' as const : 'inet6' as const;
      return {
        interfaceName: this.interfaceName,
        family: af,
        sortKey: [vip.vhid, af === 'inet' ? 0 : 1, index],
        address: a.address.text,
        owner: vip,
        secret: true,
        value: `${af} vhid ${vip.vhid}${base} advskew ${skew} pass ${pw} alias ${a.address.text}/${a.prefixLength}`,
      };
    }));
  }

  /** @internal Checks across clusters (vhids per segment, VIP addresses once), computed once per synth. */
  public _checkPlans(plans: PlanSet, r: IReporter): void {
    const all = plans.index('carp:crossClusterIssues', () => crossClusterIssues(
      plans.constructs.filter((c): c is CarpCluster => c instanceof CarpCluster)));
    for (const i of all.get(this) ?? []) r.error(i.message, { value: i.value, allowed: i.allowed });
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
    // One error per cause: a VIP outside the prefixes of several members names them all.
    const outside = new Map<string, { vip: CarpVip; a: string; members: string[]; allowed: Set<string>; family: string }>();
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
            const key = `${vip.node.path}|${a.text}`;
            const o = outside.get(key) ?? { vip, a: a.text, members: [], allowed: new Set<string>(), family: a.family };
            o.members.push(m.hostname);
            for (const x of own.filter((y) => y.family === a.family)) o.allowed.add(x.network.toString());
            outside.set(key, o);
          }
        }
      }
    }
    for (const o of outside.values()) {
      const who = o.members.length === 1 ? `member ${o.members[0]} has` : `members ${o.members.join(' and ')} have`;
      r.error(`VIP ${o.a} (${o.vip.node.path}) lies in no prefix that ${who} on ${this.interfaceName}`, {
        value: o.a, allowed: `an address inside ${[...o.allowed].join(' or ') || `a ${o.family} prefix of the interface (add one)`}`,
      });
    }
    const byVhid = new Map<number, CarpVip>();
    for (const vip of this.vipList) {
      const prev = byVhid.get(vip.vhid);
      if (prev) r.error(`vhid ${vip.vhid} is used by both ${prev.node.path} and ${vip.node.path} on ${this.interfaceName}`, { value: String(vip.vhid), allowed: 'one VIP per vhid; put several addresses on one VIP instead' });
      else byVhid.set(vip.vhid, vip);
    }
    // FreeBSD accepts one address in two vhids and silently moves it to the last one configured.
    const byAddress = new Map<string, CarpVip>();
    for (const vip of this.vipList) {
      for (const a of vip.addresses) {
        const prev = byAddress.get(a.text);
        if (prev && prev !== vip) r.error(`VIP address ${a.text} is in both vhid ${prev.vhid} (${prev.node.path}) and vhid ${vip.vhid} (${vip.node.path}): FreeBSD would silently move it to the last vhid configured`, { value: a.text, allowed: 'each address in one VIP' });
        else byAddress.set(a.text, vip);
      }
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
}
