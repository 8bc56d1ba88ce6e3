import { Construct } from 'constructs';
import { Diagnostics } from './diagnostics';
import { InterfaceKind, NetworkInterface, NetworkInterfaceProps } from './interface';

/**
 * An epair(4) on a jail's host: a virtual cable whose `a` end (`epair0a`, this construct) stays
 * on the host, often as a bridge member, and whose `b` end (`epair0b`) is handed to a VNET jail
 * (jail.conf `vnet.interface = "epair0b"`), where it is an interface of the jail's own
 * `FreeBsdHost` (`jail.addInterface(epair.peerName, …)`). rc.d creates the pair from
 * `cloned_interfaces="epair0"`. Create it with `host.addEpair('epair0', props)`.
 *
 * @example
 * const epair = jailHost.addEpair('epair0', { ipv4: '10.3.0.1/30' });
 * const jail = new FreeBsdHost(app, 'Jail', { hostname: 'jail.example.net', vnetJail: true, defaultRouter: '10.3.0.1' });
 * jail.addInterface(epair.peerName, { ipv4: '10.3.0.2/30' });
 */
export class EpairInterface extends NetworkInterface {
  /** The pair's name, as created (`epair0`). */
  public readonly pairName: string;
  /** The other end's name (`epair0b`), for the VNET jail. */
  public readonly peerName: string;

  /**
   * Prefer `host.addEpair(pairName, props)`.
   * @param scope the FreeBsdHost
   * @param pairName `epair0`, `epair1`, …: the interface is `<pairName>a`
   */
  constructor(scope: Construct, pairName: string, props: NetworkInterfaceProps) {
    super(scope, `${pairName}a`, props);
    this.pairName = pairName;
    this.peerName = `${pairName}b`;
    if (typeof pairName !== 'string' || !/^epair[0-9]{1,5}$/.test(pairName)) {
      Diagnostics.error(this, 'An epair is named epair<N> (its ends are epair<N>a and epair<N>b)', { value: String(pairName), allowed: 'epair0, epair1, …' });
    }
  }

  /** What kind of interface this is: `InterfaceKind.EPAIR`. */
  public get kind(): InterfaceKind {
    return InterfaceKind.EPAIR;
  }
}
