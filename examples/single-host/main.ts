/**
 * The smallest useful setup: one FreeBSD host (a VM on vtnet0) running HAProxy in front of one
 * web app, behind PF. No CARP: services are put on the host itself (`target: host`).
 *
 *   npx synth examples/single-host/main.ts --out dist-single
 */
import { AnsibleDeployment, App, BecomeMethod, Certificate, FreeBsdHost, Haproxy, HealthCheck, PfRuleset, TopologyDiagram } from '../../lib/index';

export function buildSingleHostApp(app: App = new App()): App {
  const host = new FreeBsdHost(app, 'Web', {
    hostname: 'web.example.org',
    release: '14.3',
    defaultRouter: '192.0.2.1',
    ipv6DefaultRouter: '2001:db8:10::1',
  });
  host.addInterface('vtnet0', { ipv4: '192.0.2.20/24', ipv6: ['2001:db8:10::20/64'] });
  host.rcConf.set('ntpd_enable', 'YES');

  const haproxy = new Haproxy(app, 'Haproxy', { target: host });
  const blog = haproxy.addBackend('be_blog', { healthCheck: HealthCheck.http('/health') });
  blog.addServer('blog1', { address: '127.0.0.1', port: 8080 });
  haproxy.addFrontend('fe_web', {
    addresses: ['192.0.2.20', '2001:db8:10::20'],
    certificates: [Certificate.fromFile('/usr/local/etc/ssl/web.example.org.pem')],
    defaultBackend: blog,
  });

  new PfRuleset(app, 'Firewall', {
    target: host,
    externalInterface: 'vtnet0',
    sshFrom: ['192.0.2.0/24', '2001:db8:10::/64'],
  });

  new AnsibleDeployment(app, 'Deploy', { become: BecomeMethod.SUDO });
  new TopologyDiagram(app, 'Topology');
  return app;
}

if (require.main === module || process.env.CDKBSD_CLI === '1') {
  buildSingleHostApp().synth();
}
