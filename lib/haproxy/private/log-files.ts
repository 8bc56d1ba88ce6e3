import { IConstruct } from 'constructs';
import { PlannedFile } from '../../core/contribution';
import { FileTarget } from '../../core/host';

/** @internal The syslogd and newsyslog entries for HAProxy's log on one host. */
export function logFiles(owner: IConstruct, header: string, facilities: string[]): PlannedFile[] {
  const syslog = [
    header,
    `# HAProxy's log (facility ${facilities.join(', ')}), received on the socket syslogd opens in HAProxy's chroot.`,
    `${facilities.map((f) => `${f}.*`).join(';')}\t/var/log/haproxy.log`,
    '',
  ].join('\n');
  const newsyslog = [
    header,
    '# logfilename\t\t[owner:group]\tmode\tcount\tsize\twhen\tflags',
    '/var/log/haproxy.log\troot:wheel\t640\t14\t*\t@T00\tJC',
    '',
  ].join('\n');
  const file = (path: string, text: string): PlannedFile => ({ path, owner, model: facilities, mode: 0o644, secret: false, target: FileTarget.HOST, render: () => text });
  return [
    file('/usr/local/etc/syslog.d/cdkbsd-haproxy-log.conf', syslog),
    file('/usr/local/etc/newsyslog.conf.d/cdkbsd-haproxy-log.conf', newsyslog),
  ];
}
