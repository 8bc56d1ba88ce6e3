/** Task builders of the playbook (files, handlers, health checks). Internal. */
import { DeployFile, DeployHost, DeployModel, DeployValidator, validateCommand } from '../model';

/** @internal An Ansible task. */
export type Task = Record<string, unknown>;

/** @internal The key that carries an ansible-lint noqa comment. */
export const NOQA = '__noqa';

export function dirArgs(): Record<string, unknown> {
  return { path: '{{ item.path }}', state: 'directory', owner: 'root', group: 'wheel', mode: '{{ item.mode }}' };
}

export function copyArgs(host: DeployHost, f: DeployFile, live: boolean): Record<string, unknown> {
  const args: Record<string, unknown> = {
    src: `{{ playbook_dir }}/../${host.hostname}${f.path}`,
    dest: f.path,
    owner: 'root',
    group: 'wheel',
    mode: octal(f.mode),
  };
  if (live) {
    // rc(8) runs every file in /usr/local/etc/rc.d: a backup there would be a script too.
    if (!f.path.startsWith('/usr/local/etc/rc.d/')) args.backup = true;
    const validate = validateCommand(f.validator);
    if (validate !== undefined) args.validate = validate;
  }
  return args;
}

/** Tasks that handle a secret log nothing and show no diff. */
export function secretGuard(f: DeployFile, task: Task): Task {
  return secretGuardIf(f.secret, task);
}

export function secretGuardIf(secret: boolean, task: Task): Task {
  return secret ? { ...task, no_log: true, diff: false } : task;
}

/** A file mode as Ansible wants it: a quoted octal string such as '0644'. */
export function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

/** The handlers a changed file notifies. Registers them (once) in `handlers`. */
export function handlersFor(model: DeployModel, host: DeployHost, f: DeployFile, handlers: Map<string, Task[]>): string[] {
  const add = (name: string, tasks: Task[]): string[] => {
    if (!handlers.has(name)) handlers.set(name, tasks);
    return [name];
  };
  const kind: DeployValidator = f.validator;
  switch (kind) {
    case 'haproxy':
      return add('Reload haproxy', [{
        'name': 'Reload haproxy',
        'ansible.builtin.service': { name: 'haproxy', state: 'reloaded' },
      }]);
    case 'pf':
      return add(`Reload PF from ${f.path}`, [{
        'name': `Reload PF from ${f.path}`,
        'ansible.builtin.command': { cmd: `/sbin/pfctl -f ${f.path}` },
        'when': "cdkbsd_pf_info.stdout is search('Status: Enabled')",
        'changed_when': true,
      }]);
    case 'sysctl':
      return add('Apply sysctl.conf', [{
        'name': 'Apply sysctl.conf',
        'ansible.builtin.service': { name: 'sysctl', state: 'reloaded' },
      }]);
    case 'devd':
      if (host.vnetJail) return [];
      return add('Restart devd', [{
        'name': 'Restart devd',
        'ansible.builtin.service': { name: 'devd', state: 'restarted' },
      }]);
    case 'rc.conf': {
      const restarts = (host.restartOnRcConfChange ?? []).flatMap((svc) => add(`Restart ${svc}`, [{
        'name': `Restart ${svc}`,
        'ansible.builtin.service': { name: svc, state: 'restarted' },
      }]));
      if (model.allowNetworkRestart) {
        return add('Restart networking', [
          {
            // One detached shell: after `netif restart` the default route is gone until
            // `routing restart`, so the two must run together, whatever happens to the SSH session.
            'name': 'Restart networking',
            [NOQA]: 'command-instead-of-module',
            'ansible.builtin.shell': { cmd: '/usr/sbin/service netif restart && /usr/sbin/service routing restart' },
            'async': 60,
            'poll': 0,
            'changed_when': true,
          },
          {
            'name': 'Wait for the host to answer again',
            'ansible.builtin.wait_for_connection': { delay: 5, timeout: 120 },
            'listen': 'Restart networking',
          },
        ]).concat(restarts);
      }
      return add('Report rc.conf change', [{
        'name': 'Report rc.conf change',
        'ansible.builtin.debug': {
          msg: `${f.path} changed. Networking is not restarted over SSH: interface changes take effect at the next boot `
            + '(or run service netif restart && service routing restart from a console).',
        },
      }]).concat(restarts);
    }
    case 'loader':
      return add('Report loader.conf change', [{
        'name': 'Report loader.conf change',
        'ansible.builtin.debug': { msg: `${f.path} changed; it takes effect at the next boot.` },
      }]);
    case 'shell': {
      // A changed rc.d script or the program it supervises: restart that service.
      const service = f.path.startsWith('/usr/local/etc/rc.d/')
        ? f.path.slice('/usr/local/etc/rc.d/'.length)
        : f.path === '/usr/local/libexec/cdkbsd/carp-haproxy-watch' ? 'cdkbsd_carpwatch' : undefined;
      if (!service || !/^[A-Za-z0-9_]+$/.test(service)) return [];
      return add(`Restart ${service}`, [{
        'name': `Restart ${service}`,
        'ansible.builtin.service': { name: service, state: 'restarted' },
      }]);
    }
    case 'plain':
      if (f.path.startsWith('/usr/local/etc/syslog.d/') || f.path === '/etc/syslog.conf') {
        return add('Restart syslogd', [{ 'name': 'Restart syslogd', 'ansible.builtin.service': { name: 'syslogd', state: 'restarted' } }]);
      }
      if (f.path.startsWith('/usr/local/etc/newsyslog.conf.d/')) {
        // Creates the log files the new entries name (flag C), as rc.d/newsyslog does at boot.
        return add('Create missing log files', [{
          'name': 'Create missing log files',
          'ansible.builtin.command': { cmd: '/usr/sbin/newsyslog -CN' },
          'changed_when': true,
        }]);
      }
      return [];
  }
}

export function healthChecks(host: DeployHost, hasPf: boolean): Task[] {
  const tasks: Task[] = [];
  if (host.services.includes('haproxy')) {
    // service(8) onestatus in check mode: "changed" would mean haproxy needs starting, i.e. it is not running.
    tasks.push({
      'name': 'Check that haproxy runs (service haproxy onestatus)',
      'ansible.builtin.service': { name: 'haproxy', state: 'started' },
      'check_mode': true,
      'register': 'cdkbsd_haproxy_status',
      'failed_when': 'cdkbsd_haproxy_status is changed',
    });
    if (host.haproxyStatsSocket !== undefined) {
      tasks.push({
        'name': `Check the haproxy stats socket ${host.haproxyStatsSocket}`,
        'ansible.builtin.stat': { path: host.haproxyStatsSocket },
        'register': 'cdkbsd_stats_socket',
        'failed_when': 'not (cdkbsd_stats_socket.stat.exists and cdkbsd_stats_socket.stat.issock)',
      });
      // A socket file can outlive its process: ask the running HAProxy (FreeBSD's nc speaks -U).
      tasks.push({
        'name': 'Check that haproxy answers on its stats socket (show info)',
        'ansible.builtin.shell': { cmd: `echo 'show info' | /usr/bin/nc -N -U -w 3 ${host.haproxyStatsSocket}` },
        'register': 'cdkbsd_show_info',
        'changed_when': false,
        'failed_when': "cdkbsd_show_info.rc != 0 or cdkbsd_show_info.stdout is not search('^Name: HAProxy', multiline=True)",
      });
    }
  }
  for (const check of host.httpChecks ?? []) {
    tasks.push({
      'name': `Check ${check.url}`,
      'ansible.builtin.uri': { url: check.url, status_code: check.status, validate_certs: false },
    });
  }
  if (hasPf) {
    tasks.push({
      'name': 'Report that PF is not running',
      'ansible.builtin.debug': {
        msg: 'PF is not enabled: the new rules are installed and load when PF starts. PF is not started over SSH, '
          + 'since enabling it drops this session (no state); run service pf start from a console or reboot.',
      },
      'when': "cdkbsd_pf_info.stdout is not search('Status: Enabled')",
    });
  }
  return tasks;
}
