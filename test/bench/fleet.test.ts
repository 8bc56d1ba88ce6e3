/**
 * The benchmark fleet (bench/fleet.ts) stays a valid, realistic app as the library evolves, and
 * synthesis stays linear in the size of the tree: the number of whole-tree walks per synth does
 * not grow with the number of sites (a walk per host or per cluster made 1,000 sites take
 * 50–100 s instead of 3).
 */
import { Node } from 'constructs';
import { describe, expect, test } from 'vitest';
import { App, HaproxyCheck, Testing } from '../../lib/index';
import { SITE_SHAPE, buildFleet, siteOctets } from '../../bench/fleet';

const skipHaproxy = HaproxyCheck.shouldSkip();

function fleet(sites: number): App {
  return buildFleet(new App({ outdir: '/nonexistent/never-written' }), sites);
}

describe('bench fleet', () => {
  test('a 3-site fleet synthesizes without errors or warnings: 6 hosts with the same 7 files each', () => {
    const s = Testing.synth(fleet(3));
    expect(s.warnings).toEqual([]);
    expect(s.hostnames).toEqual([
      'lb1.site0000.example.net', 'lb1.site0001.example.net', 'lb1.site0002.example.net',
      'lb2.site0000.example.net', 'lb2.site0001.example.net', 'lb2.site0002.example.net',
    ]);
    for (const h of s.hostnames) {
      expect(s.files(h).map((f) => f.path)).toEqual([
        '/boot/loader.conf', '/etc/pf.conf', '/etc/rc.conf', '/etc/sysctl.conf', '/usr/local/etc/haproxy.conf',
        '/usr/local/etc/newsyslog.conf.d/cdkbsd-haproxy-log.conf', '/usr/local/etc/syslog.d/cdkbsd-haproxy-log.conf',
      ]);
    }
  });

  test('each site has the shape of issue 8: CARP pair with IPv4+IPv6 VIP, 20 backends × 4 servers, 10 host routes on the public frontend, 20 user pf rules', () => {
    const s = Testing.synth(fleet(2));
    const h = 'lb2.site0001.example.net';
    const rc = s.rcConf(h);
    expect(rc.ifconfig_vtnet0).toBe('inet 10.1.1.12/24');
    expect(rc.ifconfig_vtnet0_ipv6).toBe('inet6 fd00:1:1::12/64');
    expect(rc.ifconfig_vtnet0_alias0).toBe('inet vhid 1 advskew 100 pass benchfleetpass1 alias 10.1.1.10/32');
    expect(rc.ifconfig_vtnet0_alias1).toBe('inet6 vhid 1 advskew 100 pass benchfleetpass1 alias fd00:1:1::10/128');

    const conf = s.haproxyConf(h);
    const backends = conf.sectionsOf('backend');
    expect(backends).toHaveLength(SITE_SHAPE.backends);
    for (const b of backends) expect(b.find('server')).toHaveLength(SITE_SHAPE.serversPerBackend);
    const web = conf.section('frontend', 'web')!;
    expect(web.find('bind').map((d) => d.args[0]).sort()).toEqual(['10.1.1.10:443', '10.1.1.10:80', '[fd00:1:1::10]:443', '[fd00:1:1::10]:80']);
    expect(web.find('use_backend')).toHaveLength(SITE_SHAPE.routesPerFrontend);

    const pf = s.pfConf(h);
    const user = pf.rules.filter((r) => r.comment?.startsWith('site0001-pf/rule'));
    expect(user).toHaveLength(SITE_SHAPE.userRules);
    // Derived rules come first: CARP, ICMP, ICMPv6, SSH and the frontends' openings.
    expect(pf.rules.some((r) => r.protocols.includes('carp'))).toBe(true);
    expect(pf.rules.some((r) => r.toPorts.join(',') === '80,443')).toBe(true);
  });

  test('sites get distinct addresses (10.a.b.0/24, fd00:a:b::/64) up to 62,500 sites', () => {
    const seen = new Set<string>();
    for (const i of [0, 1, 249, 250, 251, 999, 62_499]) {
      const key = siteOctets(i).join('.');
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
    expect(siteOctets(999)).toEqual([4, 249]);
    expect(() => siteOctets(62_500)).toThrow(/out of range/);
  });

  test.skipIf(skipHaproxy)('a fleet member\'s haproxy.conf passes haproxy -c', () => {
    const s = Testing.synth(fleet(1));
    const r = HaproxyCheck.check(s.file('lb1.site0000.example.net', '/usr/local/etc/haproxy.conf'));
    expect(r.clean).toBe(true); // exit 0 and no [ALERT]/[WARNING] (3.x prints nothing on success)
    expect(r.ok).toBe(true);
  });
});

describe('synthesis scales linearly', () => {
  /** Whole-tree walks (`node.findAll()`) made by one in-memory synth of a fleet. */
  function treeWalks(sites: number): number {
    const app = fleet(sites);
    const findAll = Node.prototype.findAll;
    let calls = 0;
    Node.prototype.findAll = function counted(this: Node, ...args: Parameters<Node['findAll']>) {
      if (this.scope === undefined) calls++; // a walk from the root
      return findAll.apply(this, args);
    };
    try {
      Testing.synth(app);
    } finally {
      Node.prototype.findAll = findAll;
    }
    return calls;
  }

  test('the number of whole-tree walks per synth does not depend on the number of sites', () => {
    const small = treeWalks(2);
    const large = treeWalks(8);
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(12);
  });
});
