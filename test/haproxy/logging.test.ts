import { expect, test } from 'vitest';
import { Haproxy, Testing } from '../../lib/index';
import { referenceApp } from './reference';

const SYSLOG = '/usr/local/etc/syslog.d/cdkbsd-haproxy-log.conf';
const NEWSYSLOG = '/usr/local/etc/newsyslog.conf.d/cdkbsd-haproxy-log.conf';
const body = (text: string) => text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));

test("HAProxy's log reaches a file: a syslog.d selector for its facility and a newsyslog entry that creates and rotates it", () => {
  const { app, h1 } = referenceApp();
  const t = Testing.synth(app);
  expect(body(t.file(h1.hostname, SYSLOG))).toEqual(['local0.*\t/var/log/haproxy.log']);
  const [entry] = body(t.file(h1.hostname, NEWSYSLOG));
  const [file, owner, mode, count, size, when, flags] = entry.split(/\s+/);
  expect({ file, owner, mode, count, size, when }).toEqual({ file: '/var/log/haproxy.log', owner: 'root:wheel', mode: '640', count: '14', size: '*', when: '@T00' });
  expect(flags).toContain('C'); // create the file when missing (syslogd only writes to existing files)
});

test('two HAProxy services on one host share one pair of log files listing both facilities', () => {
  const { app, cluster, h1 } = referenceApp();
  const second = new Haproxy(app, 'Second', { target: cluster, configPath: '/usr/local/etc/haproxy-second.conf', logFacility: 'local1' });
  const be = second.addBackend('be_x');
  be.addServer('x1', { address: '10.1.70.40', port: 80 });
  second.addFrontend('fe_x', { addresses: ['0.0.0.0'], httpPort: 8081, plainHttp: true, httpsRedirect: false, defaultBackend: be });
  const t = Testing.synth(app);
  expect(body(t.file(h1.hostname, SYSLOG))).toEqual(['local0.*;local1.*\t/var/log/haproxy.log']);
});
