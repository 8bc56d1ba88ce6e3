import { Construct, Node } from 'constructs';
import { describe, expect, test, vi } from 'vitest';
import { HostContribution, PlanSet } from '../../lib/core/contribution';
import { IReporter } from '../../lib/core/diagnostics';
import { HostPlan } from '../../lib/core/plan';
import { validateTree } from '../../lib/core/pipeline';
import { App, CarpCluster, Errors, FileTarget, FreeBsdHost, Secret, Testing } from '../../lib/index';

function host(app: App, id: string, n: number): FreeBsdHost {
  const h = new FreeBsdHost(app, id, { hostname: `${id.toLowerCase()}.example.org` });
  h.addInterface('vtnet0', { ipv4: `192.0.2.${n}/24` });
  return h;
}

/** A construct outside every domain: it only returns data, as docs/architecture.md says. */
class Setter extends Construct {
  constructor(scope: Construct, id: string, private readonly target: FreeBsdHost, private readonly key: string, private readonly value: string) {
    super(scope, id);
  }
  public _contribute(): HostContribution[] {
    return [{ host: this.target, owner: this, rcConf: [{ key: this.key, value: this.value }] }];
  }
}

function errorsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (!Errors.isValidationError(e)) throw e;
    return Errors.issuesOf(e).map((i) => `[${i.path}] ${i.message}`);
  }
  return [];
}

describe('the synthesis pipeline', () => {
  test('contributions of several constructs merge into one plan per host; the same value twice is fine', () => {
    const app = new App();
    const h = host(app, 'A', 11);
    new Setter(app, 'One', h, 'ntpd_enable', 'YES');
    new Setter(app, 'Two', h, 'ntpd_enable', 'YES');
    new Setter(app, 'Three', h, 'ntpd_flags', '-g');
    const rc = Testing.synth(app).rcConf('a.example.org');
    expect(rc.ntpd_enable).toBe('YES');
    expect(rc.ntpd_flags).toBe('-g');
    expect(rc.hostname).toBe('a.example.org');
    expect(rc.ifconfig_vtnet0).toBe('inet 192.0.2.11/24');
  });

  test('a key set to two values is one error naming both owners, with both values; nothing renders', () => {
    const app = new App();
    const h = host(app, 'A', 11);
    new Setter(app, 'One', h, 'ntpd_enable', 'YES');
    new Setter(app, 'Two', h, 'ntpd_enable', 'NO');
    expect(errorsOf(() => Testing.synth(app))).toEqual(['[A] rc.conf key ntpd_enable is set to different values by One and Two']);
    const issue = validateTree(app).find((i) => i.message.includes('ntpd_enable'))!;
    expect(issue.value).toBe('"YES" vs "NO"');
  });

  test('errors of every step come at once, sorted by construct path: props (step 1), plan conflicts (3), cross-checks (4)', () => {
    const app = new App();
    const a = host(app, 'A', 11);
    const b = host(app, 'B', 12);
    new FreeBsdHost(app, 'C', { hostname: 'not a hostname' });
    new Setter(app, 'One', a, 'x_enable', 'YES');
    new Setter(app, 'Two', a, 'x_enable', 'NO');
    const c = new CarpCluster(app, 'Carp', { members: [a, b], interfaceName: 'vtnet0', password: Secret.fromLiteral('K7q2Lm9Xv4Rt8Wn3Zp') });
    c.addVip('V', { vhid: 1, ipv4: ['198.51.100.7'] }); // in no member prefix (a tree-wide check)
    const errors = errorsOf(() => Testing.synth(app));
    expect(errors.map((e) => e.slice(0, e.indexOf(']') + 1))).toEqual(['[A]', '[C]', '[Carp]']); // one error per cause, naming both members
    expect(errors[2]).toContain('lies in no prefix');
  });

  test("a validation users add with the constructs' own node.addValidation is reported with its path", () => {
    const app = new App();
    const h = host(app, 'A', 11);
    h.node.addValidation({ validate: () => ['our naming policy wants lb- hostnames'] });
    expect(errorsOf(() => Testing.synth(app))).toEqual(['[A] our naming policy wants lb- hostnames']);
    // And cdkbsd's own checks answer node.validate() too, as one-line messages.
    const bad = new FreeBsdHost(app, 'B', { hostname: 'not a hostname' });
    expect(bad.node.validate()[0]).toMatch(/^\[B\] .*got: "not a hostname"/);
  });

  test('renderers read only the plan: a file of one construct sees what others contributed to its host', () => {
    const app = new App();
    const h = host(app, 'A', 11);
    new Setter(app, 'One', h, 'ntpd_enable', 'YES');
    class Report extends Construct {
      public _contribute(): HostContribution[] {
        return [{
          host: h, owner: this,
          files: [{ path: '/root/keys.txt', mode: 0o644, secret: false, target: FileTarget.HOST, owner: this, render: (plan: HostPlan) => plan.rcConf.map((k) => `${k.key} by ${k.owner.node.path}`).join('\n') + '\n' }],
        }];
      }
    }
    new Report(app, 'Report');
    const text = Testing.synth(app).file('a.example.org', '/root/keys.txt');
    expect(text.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(['ifconfig_vtnet0 by A/vtnet0', 'hostname by A', 'sshd_enable by A', 'ntpd_enable by One']);
  });

  test('cross-checks see every plan', () => {
    const app = new App();
    host(app, 'A', 11);
    host(app, 'B', 12);
    class Audit extends Construct {
      public _checkPlans(plans: PlanSet, report: IReporter): void {
        for (const p of plans.plans) if (!p.rcConf.some((k) => k.key === 'ntpd_enable')) report.warning(`${p.hostname} keeps no time`);
      }
    }
    new Audit(app, 'Audit');
    expect(Testing.synth(app).warnings.map((w) => `${w.path}: ${w.message}`)).toEqual(['Audit: a.example.org keeps no time', 'Audit: b.example.org keeps no time']);
  });

  test('nothing is kept between two synths: the same app gives the same bytes, and a tree changed in between is seen fresh', () => {
    const app = new App();
    const a = host(app, 'A', 11);
    const b = host(app, 'B', 12);
    const c = new CarpCluster(app, 'Carp', { members: [a, b], interfaceName: 'vtnet0', password: Secret.fromLiteral('K7q2Lm9Xv4Rt8Wn3Zp') });
    c.addVip('V1', { vhid: 1, ipv4: ['192.0.2.50'] });
    const first = Testing.synth(app).file('a.example.org', '/etc/rc.conf');
    expect(Testing.synth(app).file('a.example.org', '/etc/rc.conf')).toBe(first);
    c.addVip('V2', { vhid: 2, ipv4: ['192.0.2.51'] });
    const rc = Testing.synth(app).rcConf('a.example.org');
    expect(Object.keys(rc).filter((k) => k.startsWith('ifconfig_vtnet0_alias'))).toEqual(['ifconfig_vtnet0_alias0', 'ifconfig_vtnet0_alias1']);
    expect(rc.ifconfig_vtnet0_alias1).toContain('vhid 2');
  });

  test('the tree is walked once per synth (linear in its size)', () => {
    const app = new App();
    host(app, 'A', 11);
    host(app, 'B', 12);
    const spy = vi.spyOn(Node.prototype, 'findAll');
    try {
      Testing.synth(app);
      expect(spy.mock.calls.filter((call) => call.length === 0 || call[0] === undefined).length).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });

  test('a construct that fails while contributing, with nothing reported before, is an internal error naming its path', () => {
    const app = new App();
    host(app, 'A', 11);
    class Broken extends Construct {
      public _contribute(): HostContribution[] {
        throw new TypeError('x is undefined');
      }
    }
    new Broken(app, 'Broken');
    expect(() => Testing.synth(app)).toThrow("Internal error in construct at path 'Broken': x is undefined");
  });
});

describe('one mistake, one error', () => {
  test('a VIP whose only address is rejected is reported on the VIP, without a follow-on "Frontend binds nothing"', async () => {
    const { Haproxy } = await import('../../lib/haproxy/haproxy');
    const app = new App();
    const a = host(app, 'A', 11);
    const b = host(app, 'B', 12);
    const c = new CarpCluster(app, 'Carp', { members: [a, b], interfaceName: 'vtnet0', password: Secret.fromLiteral('K7q2Lm9Xv4Rt8Wn3Zp') });
    const vip = c.addVip('V', { vhid: 1, ipv4: ['192.0.2.500'] });
    const hp = new Haproxy(app, 'Proxy', { target: c });
    const be = hp.addBackend('be');
    be.addServer('s1', { address: '10.0.0.1', port: 80 });
    hp.addFrontend('fe', { vips: [vip], defaultBackend: be });
    const errors = errorsOf(() => Testing.synth(app));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\[Carp\/V\] VIP address in ipv4/);
  });
});

describe('where a construct was created', () => {
  test('an error names the file, line and column of the user code that created the construct', () => {
    const app = new App();
    const line = Number(new Error().stack!.split('\n')[1].match(/:(\d+):\d+\)?$/)![1]) + 1;
    new FreeBsdHost(app, 'Bad', { hostname: 'not a hostname' });
    const issue = validateTree(app).find((i) => i.path === 'Bad')!;
    expect(issue.source).toBe(`test/core/pipeline.test.ts:${line}:5`);
    expect(errorsOf(() => Testing.synth(app))[0]).toBeDefined();
    try {
      Testing.synth(app);
    } catch (e: any) {
      expect(e.message).toContain(` at test/core/pipeline.test.ts:${line}:5`);
    }
  });

  test('a tree-wide check reports where the construct it concerns was created (a VIP made by cluster.addVip)', () => {
    const app = new App();
    const a = host(app, 'A', 11);
    const b = host(app, 'B', 12);
    const c = new CarpCluster(app, 'Carp', { members: [a, b], interfaceName: 'vtnet0', password: Secret.fromLiteral('K7q2Lm9Xv4Rt8Wn3Zp') });
    const line = Number(new Error().stack!.split('\n')[1].match(/:(\d+):\d+\)?$/)![1]) - 1;
    c.addVip('V', { vhid: 1, ipv4: ['198.51.100.7'] });
    const issue = validateTree(app).find((i) => i.message.includes('lies in no prefix'))!;
    // The check belongs to the cluster: its location is the cluster's creation.
    expect(issue.source).toBe(`test/core/pipeline.test.ts:${line}:15`);
  });
});
