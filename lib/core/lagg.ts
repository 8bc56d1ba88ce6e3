import { Construct } from 'constructs';
import { Diagnostics } from './diagnostics';
import { InterfaceKind, NetworkInterface, NetworkInterfaceProps } from './interface';
import { checkInit } from './private/check-props';

/** The aggregation protocol of a lagg(4) interface (`laggproto`). */
export enum LaggProtocol {
  /** IEEE 802.1AX (802.3ad) LACP: negotiates with the switch, balances over the active ports. */
  LACP = 'lacp',
  /** Traffic through the first (master) port, and the next active port when it fails. */
  FAILOVER = 'failover',
  /** Static balancing by a hash of the headers, without negotiation. */
  LOADBALANCE = 'loadbalance',
  /** Outgoing traffic round-robin over the active ports. */
  ROUNDROBIN = 'roundrobin',
  /** Every packet on every port. */
  BROADCAST = 'broadcast',
  /** No traffic at all (the ports are attached, the lagg is disabled). */
  NONE = 'none',
}

const PROTOCOLS = Object.values(LaggProtocol) as string[];

/**
 * Properties of a lagg(4) interface.
 */
export interface LaggInterfaceProps extends NetworkInterfaceProps {
  /** The aggregation protocol. */
  readonly protocol: LaggProtocol;
  /**
   * The member ports, in order (for `FAILOVER` the first is the master): physical interfaces of
   * the same host without addresses of their own (each is brought up with `ifconfig_<port>="up"`).
   */
  readonly ports: string[];
}

/**
 * A link aggregation (lagg(4)): created from `cloned_interfaces`, configured with
 * `ifconfig_lagg0="inet 10.0.0.3/24 laggproto lacp laggport igb0 laggport igb1"`. Its ports are
 * brought up by their own `ifconfig_<port>="up"`. Create it with `host.addLagg(name, props)`.
 *
 * @example
 * host.addInterface('igb0');
 * host.addInterface('igb1');
 * host.addLagg('lagg0', { protocol: LaggProtocol.LACP, ports: ['igb0', 'igb1'], ipv4: '10.0.0.3/24' });
 */
export class LaggInterface extends NetworkInterface {
  /** The aggregation protocol. */
  public readonly protocol: LaggProtocol;
  /** The member ports, in order. */
  public readonly ports: string[];

  /**
   * Prefer `host.addLagg(name, props)`.
   * @param scope the FreeBsdHost
   * @param name the interface name, also the construct id
   */
  constructor(scope: Construct, name: string, props: LaggInterfaceProps) {
    super(scope, name, props);
    // The shape (keys, types, enum members) is judged by checkInit; what it passes, by us.
    const shapeOk = checkInit(this, 'cdkbsd.LaggInterface', props);
    this.protocol = props.protocol;
    this.ports = Array.isArray(props.ports) ? props.ports.filter((p) => typeof p === 'string') : [];
    if (typeof name === 'string' && !/^lagg[0-9]{1,5}$/.test(name)) {
      Diagnostics.error(this, 'A lagg interface is named lagg<N>', { value: name, allowed: 'lagg0, lagg1, …' });
    }
    if (shapeOk && !PROTOCOLS.includes(props.protocol as string)) {
      Diagnostics.error(this, 'lagg protocol is not valid', { value: String(props.protocol), allowed: `LaggProtocol: ${PROTOCOLS.join(', ')}` });
    }
    if (!Array.isArray(props.ports) || props.ports.length === 0 || this.ports.length !== props.ports.length) {
      Diagnostics.error(this, 'A lagg needs a list of member ports', { value: JSON.stringify(props.ports) ?? String(props.ports), allowed: "interface names of the host, e.g. ['igb0', 'igb1']" });
    }
    const seen = new Set<string>();
    for (const p of this.ports) {
      if (seen.has(p)) Diagnostics.error(this, 'A lagg port is listed twice', { value: p, allowed: 'each port once' });
      seen.add(p);
    }
  }

  /** What kind of interface this is: `InterfaceKind.LAGG`. */
  public get kind(): InterfaceKind {
    return InterfaceKind.LAGG;
  }

  /** @internal */
  public _dependsOn(): string[] {
    return [...this.ports];
  }

  /** @internal */
  public _ifconfigParams(): string[] {
    return ['laggproto', String(this.protocol), ...this.ports.flatMap((p) => ['laggport', p])];
  }
}
