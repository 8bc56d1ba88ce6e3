import { describe, expect, test } from 'vitest';
import { buildReferenceApp } from '../../examples/ha-reverse-proxy/main';
import {
  AcmeCa, AcmeCertificate, AcmeChallenge, AnsibleDeployment, App, CarpCluster, Haproxy, Secret, Testing, TsigAlgorithm,
} from '../../lib/index';

/** The main example with a wildcard certificate by ACME (DNS-01, RFC 2136) on both members, served by fe_web. */
function withAcme(domains = ['example.net', '*.example.net']): App {
  const app = buildReferenceApp(new App());
  const cluster = app.node.findChild('Carp') as CarpCluster;
  const cert = new AcmeCertificate(app, 'Wildcard', {
    target: cluster,
    domains,
    ca: AcmeCa.LETS_ENCRYPT_STAGING,
    challenge: AcmeChallenge.dnsRfc2136({
      server: '2003:abcd:ef12:3420::53', keyName: 'acme-update', algorithm: TsigAlgorithm.HMAC_SHA256,
      secret: Secret.fromLiteral('c2VjcmV0LXRzaWcta2V5LWZvci10ZXN0cw=='),
    }),
    acceptTermsOfService: true,
  });
  const haproxy = app.node.findChild('Haproxy') as Haproxy;
  const fe = haproxy.frontends.find((f) => f.name === 'fe_web')!;
  fe.certificates.push(cert.certificate); // served beside the certificate directory of the example
  return app;
}

describe('AcmeCertificate in the pipeline', () => {
  test('both members receive the client, hook, renew wrapper and cron, the secret files 0600; the deploy installs dehydrated and runs the placeholder before HAProxy starts', () => {
    const t = Testing.synth(withAcme());
    for (const h of ['haproxy01.example.net', 'haproxy02.example.net']) {
      const files = t.files(h).filter((f) => f.producer === 'Wildcard');
      expect(files.length).toBeGreaterThan(3);
      for (const f of files.filter((x) => x.secret)) expect(f.mode).toBe(0o600);
      expect(files.some((f) => f.secret)).toBe(true); // the TSIG key
      expect(t.rcConf(h).cron_enable).toBe('YES');
      expect(files.map((f) => f.content).join('\n')).not.toContain('c2VjcmV0LXRzaWcta2V5LWZvci10ZXN0cw==\n#'); // never in a comment
    }
    const site = t.rootFile('deploy/site.yml');
    expect(site).toMatch(/- dehydrated/);
    expect(site).toMatch(/- bind-tools/);
    const placeholder = site.indexOf('acme-example.net-renew placeholder');
    const start = site.indexOf('Start haproxy if it is not running');
    expect(placeholder).toBeGreaterThan(0);
    expect(placeholder).toBeLessThan(start);
    expect(site.indexOf('acme-example.net-renew cron')).toBeGreaterThan(start);
  });

  test('a frontend domain that no served ACME certificate covers is a warning naming it', () => {
    const t = Testing.synth(withAcme(['app.example.net']));
    const w = t.warnings.filter((x) => x.path === 'Wildcard');
    expect(w.map((x) => x.message)).toEqual(['Haproxy/fe_web routes domains that no certificate it serves covers: clients get a name mismatch']);
    expect(w[0].value).toBe('wiki.example.net');
    expect(Testing.synth(withAcme()).warnings.filter((x) => x.path === 'Wildcard')).toEqual([]);
  });

  test('without an AnsibleDeployment the certificate still synthesizes', () => {
    const app = withAcme();
    const deploy = app.node.findAll().find((c) => c instanceof AnsibleDeployment)!;
    app.node.tryRemoveChild(deploy.node.id);
    expect(Testing.synth(app).hasFile('haproxy01.example.net', '/etc/rc.conf')).toBe(true);
  });
});
