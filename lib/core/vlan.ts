import { Construct } from 'constructs';
import { checkInt, Diagnostics } from './diagnostics';
import { InterfaceKind, NetworkInterface, NetworkInterfaceProps } from './interface';
import { checkInit } from './private/check-props';

/**
 * Properties of an 802.1Q VLAN interface.
 */
export interface VlanInterfaceProps extends NetworkInterfaceProps {
  /** The interface the VLAN is tagged on: a physical interface or a lagg of the same host. */
  readonly parent: string;
  /** The VLAN tag, 1–4094. */
  readonly vlanId: number;
}

/**
 * An 802.1Q VLAN on a parent interface. rc.d creates it when it brings the parent up, from
 * `vlans_<parent>`: a VLAN named `<parent>.<vlanId>` (`igb0.100`, the FreeBSD convention) is
 * `vlans_igb0="100"`; any other name (`vlan100`, `dmz0`) is listed by name with
 * `create_args_<name>="vlan <vlanId>"`. A parent without an address of its own is brought up
 * with `ifconfig_<parent>="up"`. Create it with `host.addVlan(name, props)`.
 *
 * @example
 * host.addInterface('igb0');
 * host.addVlan('igb0.100', { parent: 'igb0', vlanId: 100, ipv4: '10.1.100.2/24', ipv6: ['2001:db8:100::2/64'] });
 */
export class VlanInterface extends NetworkInterface {
  /** The parent interface's name. */
  public readonly parent: string;
  /** The VLAN tag. */
  public readonly vlanId: number;

  /**
   * Prefer `host.addVlan(name, props)`.
   * @param scope the FreeBsdHost
   * @param name the interface name, also the construct id
   */
  constructor(scope: Construct, name: string, props: VlanInterfaceProps) {
    super(scope, name, props);
    checkInit(this, 'cdkbsd.VlanInterface', props);
    this.parent = props.parent;
    this.vlanId = props.vlanId;
    checkInt(this, 'vlanId', props.vlanId, 1, 4094);
    if (typeof props.parent !== 'string' || props.parent === '') {
      Diagnostics.error(this, 'VLAN parent must be an interface name', { value: String(props.parent), allowed: 'the name of a physical interface or lagg of the host, e.g. igb0' });
    } else if (typeof name === 'string' && name.includes('.')) {
      const expected = `${props.parent}.${props.vlanId}`;
      if (name !== expected) {
        Diagnostics.error(this, `A dotted VLAN name says <parent>.<tag>: ${name} does not match parent ${props.parent} and vlanId ${props.vlanId}`, { value: name, allowed: `${expected}, or a name without a dot (vlan${props.vlanId}, dmz0)` });
      }
    }
  }

  /** Whether rc.d names the VLAN itself (`<parent>.<tag>`): listed in `vlans_<parent>` by its tag. */
  public get conventionalName(): boolean {
    return this.name === `${this.parent}.${this.vlanId}`;
  }

  /** What kind of interface this is: `InterfaceKind.VLAN`. */
  public get kind(): InterfaceKind {
    return InterfaceKind.VLAN;
  }

  /** @internal */
  public _dependsOn(): string[] {
    return typeof this.parent === 'string' ? [this.parent] : [];
  }
}
