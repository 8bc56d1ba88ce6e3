import { Construct, IConstruct } from 'constructs';
import { HostContribution, KeySetting, PlanSet, PlannedFile } from './contribution';
import { Diagnostics, IReporter } from './diagnostics';
import { BridgeInterface, BridgeInterfaceProps } from './bridge';
import { EpairInterface } from './epair';
import { NetworkInterface, NetworkInterfaceProps } from './interface';
import { LaggInterface, LaggInterfaceProps } from './lagg';
import type { HostFacts, HostPlan } from './plan';
import { networkKeys } from './private/rc-interfaces';
import { validateHostNetwork } from './private/network-checks';
import { KeyValueConf, KeyValueFormat } from './rc-conf';
import { StaticRoute, StaticRouteProps } from './routes';
import { VlanInterface, VlanInterfaceProps } from './vlan';
import { AddressFamily, IpAddress, parseZonedAddress } from '../net/address';
import { FQDN_ALLOWED, fqdnProblem } from '../net/names';
import { checkArg, checkArgs, checkInit, constructId } from './private/check-props';

/**
 * Something services can be put on: one host, or every member of a cluster.
 */
export interface ITargetHosts extends IConstruct {
  /** The hosts that receive the service's files. */
  readonly targetHosts: FreeBsdHost[];
}

/**
 * Properties of a FreeBSD host.
 */
export interface FreeBsdHostProps {
  /** The fully qualified hostname (rc.conf `hostname`, also the host's folder in the output). */
  readonly hostname: string;
  /**
   * The FreeBSD release the host runs, e.g. `14.3`.
   * @default '14.3'
   */
  readonly release?: string;
  /**
   * Whether the host is a VNET jail. Kernel modules (carp) are then loaded by the jail's host:
   * loader.conf is marked for the jail's host in the manifest.
   * @default false
   */
  readonly vnetJail?: boolean;
  /**
   * The address deploy tools use to reach the host (ssh).
   * @default - the IPv4 address of the first interface, else the hostname
   */
  readonly managementAddress?: string;
  /**
   * IPv4 default router (rc.conf `defaultrouter`).
   * @default - none
   */
  readonly defaultRouter?: string;
  /**
   * IPv6 default router (rc.conf `ipv6_defaultrouter`). A link-local router, as hosting
   * providers often give (`fe80::1`), is written with the interface it is reached on:
   * `fe80::1%vtnet0` (the interface must be one of the host's, with an IPv6 address).
   * @default - none
   */
  readonly ipv6DefaultRouter?: string;
  /**
   * Whether sshd runs (rc.conf `sshd_enable`). The synthesized rc.conf replaces the host's whole
   * file, so a host managed over ssh needs this; other local settings belong in
   * `rcConf.set(...)` or in /etc/rc.conf.local, which rc.d reads after /etc/rc.conf.
   * @default true
   */
  readonly sshd?: boolean;
}

/**
 * Options of a file a host receives.
 */
export interface FileOptions {
  /**
   * The file's mode.
   * @default 0o644 (0o600 when secret)
   */
  readonly mode?: number;
  /**
   * Whether the file carries a secret: it is written 0600 and marked in the manifest.
   * @default false
   */
  readonly secret?: boolean;
  /**
   * Who installs the file: the host itself, or (for a VNET jail) the jail's host.
   * @default FileTarget.HOST
   */
  readonly target?: FileTarget;
}

/** Which machine a file is meant for. */
export enum FileTarget {
  /** The host itself. */
  HOST = 'host',
  /** The jail's host, for a VNET jail (loader.conf, kernel modules, devd). */
  JAIL_HOST = 'jail-host',
}

const PATH_RE = /^\/(?:[A-Za-z0-9._+@-]+\/)*[A-Za-z0-9._+@-]+$/;

/** Problem with an absolute host path, or undefined. @internal */
export function hostPathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string' || !PATH_RE.test(path)) return 'path must be absolute and plain';
  if (path.split('/').some((s) => s === '.' || s === '..')) return 'path must not contain . or .. segments';
  return undefined;
}
/** @internal */
export const HOST_PATH_ALLOWED = 'an absolute path of letters, digits and . _ + @ - segments, e.g. /usr/local/etc/haproxy.conf';

/**
 * A FreeBSD host (a machine, a VM or a VNET jail). Every file it receives is registered through
 * its artifact API (`rcConf`, `sysctlConf`, `loaderConf`, `addFile`) and written under
 * `<outdir>/<hostname>/` at synth.
 *
 * @example
 * const host = new FreeBsdHost(app, 'Web1', { hostname: 'web1.example.net', defaultRouter: '192.0.2.1' });
 * host.addInterface('vtnet0', { ipv4: '192.0.2.11/24', ipv6: ['2001:db8::11/64'] });
 */
export class FreeBsdHost extends Construct implements ITargetHosts {
  /** Whether `x` is a FreeBsdHost (works across copies of this library). */
  public static isFreeBsdHost(x: unknown): x is FreeBsdHost {
    return typeof x === 'object' && x !== null && (x as any)[HOST_SYMBOL] === true;
  }

  /** The fully qualified hostname. */
  public readonly hostname: string;
  /** The FreeBSD release. */
  public readonly release: string;
  /** Whether the host is a VNET jail. */
  public readonly vnetJail: boolean;
  /** /etc/rc.conf. */
  public readonly rcConf: KeyValueConf;
  /** /etc/sysctl.conf. */
  public readonly sysctlConf: KeyValueConf;
  /** /boot/loader.conf (for a VNET jail: the jail host's). */
  public readonly loaderConf: KeyValueConf;
  /** The IPv4 default router, if any. */
  public readonly defaultRouter?: IpAddress;
  /** The IPv6 default router, if any (without its zone). */
  public readonly ipv6DefaultRouter?: IpAddress;
  /** The interface of a link-local IPv6 default router (`vtnet0` of `fe80::1%vtnet0`), if any. */
  public readonly ipv6DefaultRouterZone?: string;
  private readonly explicitManagementAddress?: string;
  private readonly sshd: boolean;
  private readonly ifaces: NetworkInterface[] = [];
  private readonly routeList: StaticRoute[] = [];
  private readonly files: Array<{ path: string; content: string; options: FileOptions }> = [];

  constructor(scope: Construct, id: string, props: FreeBsdHostProps) {
    super(scope, constructId(scope, id));
    checkInit(this, 'cdkbsd.FreeBsdHost', props);
    Object.defineProperty(this, HOST_SYMBOL, { value: true });
    this.hostname = props.hostname;
    const hp = fqdnProblem(props.hostname);
    if (hp) Diagnostics.error(this, hp, { value: String(props.hostname), allowed: FQDN_ALLOWED });
    this.release = props.release ?? '14.3';
    if (typeof this.release !== 'string' || !/^[0-9]{1,2}\.[0-9]$/.test(this.release)) {
      Diagnostics.error(this, 'FreeBSD release is not valid', { value: String(this.release), allowed: 'a release such as 14.3 or 15.0' });
    }
    this.vnetJail = props.vnetJail ?? false;
    this.rcConf = new KeyValueConf(KeyValueFormat.RC_CONF, this);
    this.sysctlConf = new KeyValueConf(KeyValueFormat.SYSCTL_CONF, this);
    this.loaderConf = new KeyValueConf(KeyValueFormat.LOADER_CONF, this);
    this.explicitManagementAddress = props.managementAddress;
    this.sshd = props.sshd ?? true;
    if (props.managementAddress !== undefined) {
      const ok = IpAddress._tryParse(props.managementAddress) || !fqdnProblem(props.managementAddress);
      if (!ok) Diagnostics.error(this, 'managementAddress is neither an IP address nor a hostname', { value: String(props.managementAddress), allowed: 'an IPv4/IPv6 address or a fully qualified hostname' });
    }
    if (props.defaultRouter !== undefined) {
      const r = Diagnostics.tryParse(this, 'defaultRouter', () => IpAddress.parse(props.defaultRouter!));
      if (r && r.family !== AddressFamily.IPV4) Diagnostics.error(this, 'defaultRouter must be an IPv4 address', { value: props.defaultRouter, allowed: 'an IPv4 address; use ipv6DefaultRouter for IPv6' });
      else this.defaultRouter = r;
    }
    if (props.ipv6DefaultRouter !== undefined) {
      const r = parseZonedAddress(props.ipv6DefaultRouter);
      if (!('address' in r)) Diagnostics.fromValueError(this, r, 'ipv6DefaultRouter');
      else if (r.address.family !== AddressFamily.IPV6) Diagnostics.error(this, 'ipv6DefaultRouter must be an IPv6 address', { value: props.ipv6DefaultRouter, allowed: 'an IPv6 address; use defaultRouter for IPv4' });
      else {
        this.ipv6DefaultRouter = r.address;
        this.ipv6DefaultRouterZone = r.zone;
      }
    }
    Diagnostics.addValidation(this, (report) => validateHostNetwork(this, report));
  }

  /** This host, as a target of services. */
  public get targetHosts(): FreeBsdHost[] {
    return [this];
  }

  /** The address deploy tools use to reach the host. */
  public get managementAddress(): string {
    if (this.explicitManagementAddress !== undefined) return this.explicitManagementAddress;
    const v4 = this.ifaces.find((i) => i.ipv4)?.ipv4;
    if (v4) return v4.address.text;
    const v6 = this.ifaces.find((i) => i.ipv6.length > 0)?.ipv6[0];
    return v6 ? v6.address.text : this.hostname;
  }

  /** The host's interfaces, in the order they were added. */
  public get interfaces(): NetworkInterface[] {
    return [...this.ifaces];
  }

  /**
   * Adds a network interface the kernel has at boot, with its addresses: a NIC, or an
   * interface handed to a VNET jail (`vnet0`, `epair0b`).
   * @param name the FreeBSD interface name (`vtnet0`, `em0`, `vnet0` …)
   */
  public addInterface(name: string, props: NetworkInterfaceProps = {}): NetworkInterface {
    return this.add(name, (scope) => new NetworkInterface(scope, name, props));
  }

  /**
   * Adds an 802.1Q VLAN on one of the host's interfaces, e.g.
   * `host.addVlan('igb0.100', { parent: 'igb0', vlanId: 100, ipv4: '10.1.100.2/24' })`.
   * @param name `<parent>.<vlanId>` (the FreeBSD convention), or a name of your own (`vlan100`, `dmz0`)
   */
  public addVlan(name: string, props: VlanInterfaceProps): VlanInterface {
    return this.add(name, (scope) => new VlanInterface(scope, name, props));
  }

  /**
   * Adds a link aggregation over physical interfaces of the host, e.g.
   * `host.addLagg('lagg0', { protocol: LaggProtocol.LACP, ports: ['igb0', 'igb1'], ipv4: '10.0.0.3/24' })`.
   * The ports are added with `addInterface` and carry no address.
   * @param name `lagg0`, `lagg1`, …
   */
  public addLagg(name: string, props: LaggInterfaceProps): LaggInterface {
    return this.add(name, (scope) => new LaggInterface(scope, name, props));
  }

  /**
   * Adds a bridge over interfaces of the host, e.g. `host.addBridge('bridge0', { members: ['igb1', 'epair0a'] })`.
   * @param name `bridge0`, `bridge1`, …
   */
  public addBridge(name: string, props: BridgeInterfaceProps = {}): BridgeInterface {
    return this.add(name, (scope) => new BridgeInterface(scope, name, props));
  }

  /**
   * Adds an epair whose `a` end (`<name>a`) is configured on this host with `props`. Its `b` end
   * (`<name>b`, the returned interface's `peerName`) is for a VNET jail.
   * @param name `epair0`, `epair1`, …
   */
  public addEpair(name: string, props: NetworkInterfaceProps = {}): EpairInterface {
    return this.add(`${name}a`, (scope) => new EpairInterface(scope, name, props));
  }

  /**
   * Adds a static route (rc.d/routing `static_routes` / `ipv6_static_routes`), e.g.
   * `host.addRoute('office', { destination: '10.2.0.0/16', gateway: '10.1.60.1' })`.
   * @param name the route's name in rc.conf (`route_<name>`): letters, digits and _
   */
  public addRoute(name: string, props: StaticRouteProps): StaticRoute {
    checkArg(this, 'cdkbsd.FreeBsdHost', 'addRoute', 0, name); // (the props: by the StaticRoute)
    const existing = this.routeList.find((r) => r.name === name);
    if (existing) {
      Diagnostics.error(this, 'Route name is used twice', { value: String(name), allowed: 'a name per route' });
      return existing;
    }
    let id = `route_${name}`;
    for (let n = 2; this.node.tryFindChild(id); n++) id = `route_${name}_${n}`;
    return new StaticRoute(this, id, name, props ?? ({} as StaticRouteProps));
  }

  /** The host's static routes, in the order they were added. */
  public get routes(): StaticRoute[] {
    return [...this.routeList];
  }

  private add<T extends NetworkInterface>(name: string, make: (scope: Construct) => T): T {
    const existing = this.ifaces.find((i) => i.name === name);
    if (existing || this.node.tryFindChild(String(name))) {
      Diagnostics.error(this, 'Interface is added twice', { value: String(name), allowed: 'each interface once' });
      const probe = make(new Construct(undefined as any, 'detached'));
      // The same kind again: the interface already added. Another kind: a detached one (not in
      // the tree, so it renders nothing) stands in.
      return existing && existing.constructor === probe.constructor ? (existing as T) : probe;
    }
    return make(this);
  }

  /** @internal An interface or route made with this host as its scope joins it (their constructors call this). */
  public _adopt(x: NetworkInterface | StaticRoute): void {
    if (x instanceof StaticRoute) {
      if (!this.routeList.includes(x)) this.routeList.push(x);
    } else if (!this.ifaces.includes(x)) {
      this.ifaces.push(x);
    }
  }


  /**
   * The interface called `name`.
   * @returns the interface, or undefined
   */
  public findInterface(name: string): NetworkInterface | undefined {
    return this.ifaces.find((i) => i.name === name);
  }

  /** Whether any interface has an IPv6 address. */
  public get hasIpv6(): boolean {
    return this.ifaces.some((i) => i.ipv6.length > 0) || this.ipv6DefaultRouter !== undefined;
  }

  /**
   * Adds a file with fixed content.
   * @param path absolute path on the host, e.g. `/usr/local/etc/myapp.conf`
   * @param content the whole content
   */
  public addFile(path: string, content: string, options: FileOptions = {}): void {
    checkArgs(this, 'cdkbsd.FreeBsdHost', 'addFile', arguments);
    if (typeof content !== 'string') {
      Diagnostics.error(this, `File content of ${String(path)} must be a string`, { value: String(content), allowed: 'a string' });
      return;
    }
    this.files.push({ path, content, options });
  }

  /** @internal What the plan knows of this host. */
  public _facts(): HostFacts {
    const interfaces = this.ifaces.map((i) => i._facts());
    return {
      hostname: this.hostname,
      release: this.release,
      vnetJail: this.vnetJail,
      managementAddress: this.managementAddress,
      constructPath: this.node.path,
      interfaces,
      hasIpv6: this.hasIpv6,
      routes: this.routeList.flatMap((r) => r._facts() ?? []),
    };
  }

  /**
   * @internal The host's own contribution: hostname, sshd, routers, the keys the user set and
   * the files the user added. (Interface lines are derived by the plan, once aliases are known.)
   */
  public _contribute(): HostContribution[] {
    const own: KeySetting[] = [{ key: 'hostname', value: this.hostname }];
    if (this.sshd) own.push({ key: 'sshd_enable', value: 'YES' });
    if (this.defaultRouter) own.push({ key: 'defaultrouter', value: this.defaultRouter.text });
    if (this.ipv6DefaultRouter) {
      own.push({ key: 'ipv6_defaultrouter', value: `${this.ipv6DefaultRouter.text}${this.ipv6DefaultRouterZone ? `%${this.ipv6DefaultRouterZone}` : ''}` });
    }
    const out: HostContribution[] = [{ host: this, owner: this, rcConf: own, services: this.sshd ? ['sshd'] : [] }];
    // cloned_interfaces, vlans_<parent>, create_args_<if>, static routes: each under its construct.
    for (const { owner, keys } of networkKeys(this, this.ifaces, this.routeList)) out.push({ host: this, owner, rcConf: keys });
    // The user's settings, under the owner they named (conflicts then name it).
    for (const [conf, field] of [[this.rcConf, 'rcConf'], [this.sysctlConf, 'sysctlConf'], [this.loaderConf, 'loaderConf']] as const) {
      for (const { owner, setting } of conf._settings()) out.push({ host: this, owner, [field]: [setting] });
    }
    const files: PlannedFile[] = this.files.map(({ path, content, options }) => {
      const secret = options.secret ?? false;
      return { path, owner: this, model: content, render: () => content, secret, mode: options.mode ?? (secret ? 0o600 : 0o644), target: options.target ?? FileTarget.HOST };
    });
    if (files.length > 0) out.push({ host: this, owner: this, files });
    return out;
  }

  /** @internal Checks over this host's finished plan (addresses that need others' contributions). */
  public _checkPlans(plans: PlanSet, report: IReporter): void {
    const plan = plans.planOf(this);
    if (plan) this.validateNetwork(plan, report);
  }

  private validateNetwork(plan: HostPlan, report: IReporter): void {
    for (const iface of this.ifaces) {
      if (iface.ipv6.length === 0 && (plan.aliases.get(iface.name) ?? []).some((c) => c.family === 'inet6')) {
        report.error(
          `Interface ${iface.name} carries an IPv6 CARP address but has no IPv6 address of its own: rc.d skips IPv6 aliases without ifconfig_${iface.rcName}_ipv6`,
          { value: iface.name, allowed: 'give the interface an IPv6 address (ipv6: [...]) in the prefix of the VIP' },
        );
      }
    }
    if (this.defaultRouter && !this.ifaces.some((i) => i.ipv4Addresses.some((a) => a.contains(this.defaultRouter!)))) {
      report.error('defaultRouter is not on-link: no interface has an IPv4 prefix containing it', { value: this.defaultRouter.text, allowed: 'an address inside the prefix of an interface' });
    }
    if (this.ipv6DefaultRouter && !this.ipv6DefaultRouter.isLinkLocal && !this.ifaces.some((i) => i.ipv6.some((a) => a.contains(this.ipv6DefaultRouter!)))) {
      report.error('ipv6DefaultRouter is not on-link: no interface has an IPv6 prefix containing it', { value: this.ipv6DefaultRouter.text, allowed: 'an address inside the prefix of an interface, or a link-local address with its interface (fe80::1%vtnet0)' });
    }
  }

}

const HOST_SYMBOL = Symbol.for('cdkbsd.FreeBsdHost');
