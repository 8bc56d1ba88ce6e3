/**
 * A single FreeBSD host with three networks, for the PF tests that need interfaces of their own:
 * vtnet0 public (192.0.2.10/24, 2001:db8:1::10/64), vtnet1 internal (10.0.0.1/24,
 * fd00:1::1/64), vtnet2 admin (10.9.0.1/24, the management address). And a service that
 * contributes openings as plain data (what HAProxy and others do), so that PF's rendering can be
 * tested on its own.
 */
import { Construct } from 'constructs';
import { App } from '../../lib/core/app';
import { FirewallOpening, HostContribution } from '../../lib/core/contribution';
import { FreeBsdHost } from '../../lib/core/host';
import { PfRuleset } from '../../lib/pf/pf-ruleset';
import { PfRulesetProps } from '../../lib/pf/ruleset-props';

export const GW = 'gw.example.net';

export interface Gateway {
  readonly app: App;
  readonly host: FreeBsdHost;
}

export function gateway(): Gateway {
  const app = new App({ outdir: '/nonexistent-cdkbsd-pf-test' });
  const host = new FreeBsdHost(app, 'Gw', { hostname: GW, managementAddress: '10.9.0.1' });
  host.addInterface('vtnet0', { ipv4: '192.0.2.10/24', ipv6: ['2001:db8:1::10/64'] });
  host.addInterface('vtnet1', { ipv4: '10.0.0.1/24', ipv6: ['fd00:1::1/64'] });
  host.addInterface('vtnet2', { ipv4: '10.9.0.1/24' });
  return { app, host };
}

/** The gateway's firewall: external vtnet0, admins on vtnet2 (10.9.0.0/24). */
export function gatewayRuleset(g: Gateway, overrides: Partial<PfRulesetProps> = {}): PfRuleset {
  return new PfRuleset(g.app, 'Firewall', {
    target: g.host,
    externalInterface: 'vtnet0',
    management: [{ interfaceName: 'vtnet2', from: ['10.9.0.0/24'] }],
    ...overrides,
  });
}

/** A construct that needs openings (given as partial FirewallOpenings: tcp 8080 to self by default). */
export class Service extends Construct {
  constructor(scope: Construct, id: string, private readonly host: FreeBsdHost, private readonly openings: Array<Partial<FirewallOpening>>) {
    super(scope, id);
  }

  public _contribute(): HostContribution[] {
    return [{
      host: this.host, owner: this,
      openings: this.openings.map((o, i) => ({ owner: this, purpose: `service ${i}`, protocol: 'tcp' as const, ports: [8080], to: [], from: [], ...o })),
    }];
  }
}
