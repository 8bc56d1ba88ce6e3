import { Construct } from 'constructs';
import { Diagnostics } from './diagnostics';
import { InterfaceKind, NetworkInterface, NetworkInterfaceProps } from './interface';
import { checkInit } from './private/check-props';

/**
 * Properties of a bridge interface.
 */
export interface BridgeInterfaceProps extends NetworkInterfaceProps {
  /**
   * The member interfaces (`addm`): interfaces of the same host (physical, VLAN, lagg or the `a`
   * end of an epair). Addresses belong on the bridge, not on its members.
   * @default - no members (jail tooling may add epairs later)
   */
  readonly members?: string[];
}

/**
 * A bridge (if_bridge(4)): created from `cloned_interfaces`, configured with
 * `ifconfig_bridge0="addm em0 addm epair0a up"` (with an address first when it has one).
 * Create it with `host.addBridge(name, props)`.
 *
 * @example
 * const epair = host.addEpair('epair0');
 * host.addBridge('bridge0', { members: ['igb1', epair.name], ipv4: '10.1.80.1/24' });
 */
export class BridgeInterface extends NetworkInterface {
  /** The member interfaces. */
  public readonly members: string[];

  /**
   * Prefer `host.addBridge(name, props)`.
   * @param scope the FreeBsdHost
   * @param name the interface name, also the construct id
   */
  constructor(scope: Construct, name: string, props: BridgeInterfaceProps) {
    super(scope, name, props);
    checkInit(this, 'cdkbsd.BridgeInterface', props);
    const given = props.members ?? [];
    this.members = Array.isArray(given) ? given.filter((m) => typeof m === 'string') : [];
    if (typeof name === 'string' && !/^bridge[0-9]{1,5}$/.test(name)) {
      Diagnostics.error(this, 'A bridge interface is named bridge<N>', { value: name, allowed: 'bridge0, bridge1, …' });
    }
    if (!Array.isArray(given) || this.members.length !== given.length) {
      Diagnostics.error(this, 'bridge members must be a list of interface names', { value: JSON.stringify(given) ?? String(given), allowed: "interface names of the host, e.g. ['igb1', 'epair0a']" });
    }
    const seen = new Set<string>();
    for (const m of this.members) {
      if (m === name) Diagnostics.error(this, 'A bridge cannot be its own member', { value: m, allowed: 'other interfaces of the host' });
      if (seen.has(m)) Diagnostics.error(this, 'A bridge member is listed twice', { value: m, allowed: 'each member once' });
      seen.add(m);
    }
  }

  /** What kind of interface this is: `InterfaceKind.BRIDGE`. */
  public get kind(): InterfaceKind {
    return InterfaceKind.BRIDGE;
  }

  /** @internal */
  public _dependsOn(): string[] {
    return [...this.members];
  }

  /** @internal */
  public _ifconfigParams(): string[] {
    return this.members.flatMap((m) => ['addm', m]);
  }
}
