import { Construct } from 'constructs';
import { Diagnostics } from './diagnostics';
import { checkInit, constructId } from './private/check-props';
import { AddressFamily, IpAddress, IpPrefix, parseZonedAddress } from '../net/address';
import { INTERFACE_NAME, INTERFACE_NAME_ALLOWED } from '../net/names';

/**
 * Properties of a static route.
 */
export interface StaticRouteProps {
  /**
   * The destination network, e.g. `10.2.0.0/16` or `fd00:2::/48`; a bare address is a host
   * route. The default route is set with the host's `defaultRouter` / `ipv6DefaultRouter`.
   */
  readonly destination: string;
  /**
   * The next hop, on-link on one of the host's interfaces. A link-local IPv6 gateway is written
   * with its interface: `fe80::1%vtnet0`.
   * @default - none: give `interfaceName`
   */
  readonly gateway?: string;
  /**
   * Send the traffic straight out of this interface (`route add -net … -interface <if>`), for a
   * network that is on-link there without an address of the host in it.
   * @default - none: give `gateway`
   */
  readonly interfaceName?: string;
}

/** @internal What the plan knows of a static route. */
export interface RouteFacts {
  /** The rc.conf name (`route_<name>` / `ipv6_route_<name>`). */
  readonly name: string;
  readonly family: AddressFamily;
  readonly destination: IpPrefix;
  readonly gateway?: IpAddress;
  readonly zone?: string;
  /** `-interface` routes: the interface. */
  readonly interfaceName?: string;
}

/** A route name becomes part of an rc.conf variable name. */
export const ROUTE_NAME = /^[A-Za-z0-9][A-Za-z0-9_]{0,39}$/;

/**
 * A static route of a host, rendered for rc.d/routing: `static_routes="office"` with
 * `route_office="-net 10.2.0.0/16 10.1.60.1"`, or for IPv6 `ipv6_static_routes` with
 * `ipv6_route_<name>`. Create it with `host.addRoute(name, props)`.
 *
 * @example
 * host.addRoute('office', { destination: '10.2.0.0/16', gateway: '10.1.60.1' });
 * host.addRoute('ula', { destination: 'fd00:2::/48', gateway: 'fe80::1%vtnet0' });
 */
export class StaticRoute extends Construct {
  /** The route's name in rc.conf. */
  public readonly name: string;
  /** The destination network (undefined when it did not parse, which is reported). */
  public readonly destination?: IpPrefix;
  /** The gateway address, if any (without its zone). */
  public readonly gateway?: IpAddress;
  /** The zone of a link-local gateway (`vtnet0` of `fe80::1%vtnet0`). */
  public readonly gatewayZone?: string;
  /** The interface of an interface route, if any. */
  public readonly interfaceName?: string;

  /**
   * Prefer `host.addRoute(name, props)`, which also reports a name used twice.
   * @param scope the FreeBsdHost
   * @param id the construct id (`host.addRoute` uses `route_<name>`)
   * @param name the route's name in rc.conf (`route_<name>`)
   */
  constructor(scope: Construct, id: string, name: string, props: StaticRouteProps) {
    super(scope, constructId(scope, id));
    checkInit(this, 'cdkbsd.StaticRoute', props);
    this.name = name;
    if (typeof name !== 'string' || !ROUTE_NAME.test(name)) {
      Diagnostics.error(this, 'Route name is not valid: it becomes part of rc.conf route_<name>', { value: String(name), allowed: 'letters, digits and _ (at most 40), starting with a letter or digit, e.g. office or net10_2' });
    }
    if (typeof props.destination === 'string' && /^default$/i.test(props.destination.trim())) {
      Diagnostics.error(this, 'The default route is not a static route', { value: props.destination, allowed: 'defaultRouter / ipv6DefaultRouter of the host' });
    } else {
      const d = IpPrefix._check(props.destination);
      if (d instanceof IpPrefix) this.destination = d;
      else Diagnostics.fromValueError(this, d, 'destination');
    }
    if (props.gateway !== undefined && props.interfaceName !== undefined) {
      Diagnostics.error(this, 'A route goes either via a gateway or out of an interface, not both', { value: `gateway ${props.gateway}, interfaceName ${props.interfaceName}`, allowed: 'gateway or interfaceName' });
    } else if (props.gateway === undefined && props.interfaceName === undefined) {
      Diagnostics.error(this, 'A route needs a gateway or an interface', { value: String(props.destination), allowed: "gateway: '10.1.60.1' (or 'fe80::1%vtnet0'), or interfaceName: 'igb1'" });
    }
    if (props.gateway !== undefined) {
      const g = parseZonedAddress(props.gateway);
      if ('address' in g) {
        this.gateway = g.address;
        this.gatewayZone = g.zone;
        if (this.destination && g.address.family !== this.destination.family) {
          Diagnostics.error(this, `The gateway is ${g.address.isIpv4 ? 'IPv4' : 'IPv6'} but the destination is not`, { value: String(props.gateway), allowed: `an ${this.destination.family === AddressFamily.IPV4 ? 'IPv4' : 'IPv6'} gateway for ${this.destination.toString()}` });
        }
      } else {
        Diagnostics.fromValueError(this, g, 'gateway');
      }
    }
    if (props.interfaceName !== undefined) {
      if (typeof props.interfaceName !== 'string' || !INTERFACE_NAME.test(props.interfaceName)) {
        Diagnostics.error(this, 'interfaceName is not valid', { value: String(props.interfaceName), allowed: INTERFACE_NAME_ALLOWED });
      } else {
        this.interfaceName = props.interfaceName;
      }
    }
    const host = scope as unknown as { _adopt?: (r: StaticRoute) => void };
    if (typeof host._adopt === 'function') host._adopt(this);
  }

  /** The address family of the route (undefined when the destination did not parse). */
  public get family(): AddressFamily | undefined {
    return this.destination?.family;
  }

  /** @internal The route's facts (undefined when its props did not parse). */
  public _facts(): RouteFacts | undefined {
    if (!this.destination) return undefined;
    return { name: this.name, family: this.destination.family, destination: this.destination, gateway: this.gateway, zone: this.gatewayZone, interfaceName: this.interfaceName };
  }

  /** @internal The route(8) arguments rc.d/routing runs after `route add` (`-inet6` is added by rc.d). */
  public _routeArgs(): string | undefined {
    const d = this.destination;
    if (!d) return undefined;
    const host = d.prefixLength === (d.family === AddressFamily.IPV4 ? 32 : 128);
    const dest = host ? `-host ${d.networkAddress}` : `-net ${d.toString()}`;
    if (this.interfaceName) return `${dest} -interface ${this.interfaceName}`;
    if (this.gateway) return `${dest} ${this.gateway.text}${this.gatewayZone ? `%${this.gatewayZone}` : ''}`;
    return undefined;
  }
}
