/**
 * Pure renderers from the deploy model to an Ansible inventory and playbook.
 *
 * The playbook rolls a cluster out one member per play, least preferred member first and the
 * preferred master last. Each play: compares every file in check mode (nothing changes yet);
 * when something differs and the host is CARP MASTER, raises `net.inet.carp.demotion` and waits
 * until all its vhids are BACKUP; installs packages and files (each validated on the target by
 * the real tool, with a backup); reloads what changed; checks the services; lowers the demotion
 * by the same amount. Any failure stops the whole run.
 */
// yaml is loaded on first use: most synths of small apps never render a playbook.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yamlLib = (): typeof import('yaml') => require('yaml');
import {
  DeployCluster, DeployFile, DeployHost, DeployMember, DeployModel,
} from './model';


/** Renders `inventory.yml`. */
export function renderInventory(model: DeployModel): string {
  checkModel(model);
  const vars: Record<string, unknown> = {
    ansible_become: true,
    ansible_become_method: becomePlugin(model.become),
  };
  if (model.remoteUser !== undefined) vars.ansible_user = model.remoteUser;
  const children: Record<string, unknown> = {};
  for (const c of model.clusters) {
    const hosts: Record<string, unknown> = {};
    for (const m of c.members) hosts[m.hostname] = { ansible_host: m.managementAddress };
    children[c.name] = { hosts };
  }
  if (model.standalone.length > 0) {
    const hosts: Record<string, unknown> = {};
    for (const h of model.standalone) hosts[h.hostname] = { ansible_host: h.managementAddress };
    children.standalone = { hosts };
  }
  const inventory: Record<string, unknown> = { all: { vars, children } };
  return toYaml(model.header, inventory);
}

/** Renders `site.yml`. */
export function renderPlaybook(model: DeployModel): string {
  checkModel(model);
  const plays: Task[] = [preflightPlay(model)];
  for (const cluster of model.clusters) {
    const order = rolloutOrder(cluster);
    order.forEach((member, i) => plays.push(hostPlay(model, member, {
      cluster, step: i + 1, of: order.length, preferred: member === cluster.members[0],
    })));
  }
  for (const host of model.standalone) plays.push(hostPlay(model, host, undefined));
  return toYaml(model.header, plays);
}

/** The order members are updated in: least preferred first, the preferred master last. */
export function rolloutOrder(cluster: DeployCluster): DeployMember[] {
  return [...cluster.members].reverse();
}

/** The become plugin name for the inventory. */
function becomePlugin(become: DeployModel['become']): string {
  return become === 'doas' ? 'community.general.doas' : 'ansible.builtin.sudo';
}

function checkModel(model: DeployModel): void {
  if (!Number.isInteger(model.demotion) || model.demotion < 1 || model.demotion > 240) {
    throw new Error(`deploy model: demotion must be an integer 1-240, got ${model.demotion}`);
  }
  if (!Number.isInteger(model.failoverTimeoutSeconds) || model.failoverTimeoutSeconds < 2) {
    throw new Error(`deploy model: failoverTimeoutSeconds must be an integer >= 2, got ${model.failoverTimeoutSeconds}`);
  }
  const seen = new Set<string>();
  const hosts = [...model.clusters.flatMap((c) => c.members), ...model.standalone];
  for (const h of hosts) {
    if (seen.has(h.hostname)) throw new Error(`deploy model: host ${h.hostname} appears twice`);
    seen.add(h.hostname);
  }
  for (const c of model.clusters) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(c.name)) throw new Error(`deploy model: bad group name ${c.name}`);
  }
  for (const h of hosts) {
    for (const svc of h.restartOnRcConfChange ?? []) {
      if (!/^[a-z][a-z0-9_]*$/.test(svc) || ['netif', 'routing', 'sshd', 'pf'].includes(svc)) {
        throw new Error(`deploy model: ${h.hostname} may not restart ${svc} on an rc.conf change`);
      }
    }
  }
}

/**
 * Key that turns into an ansible-lint `# noqa` comment on the task's name line. For the few
 * tasks where the flagged form is the right one (the reason is in the task name).
 */
import { NOQA, Task, dirArgs, copyArgs, secretGuard, secretGuardIf, octal, handlersFor, healthChecks } from './private/tasks';

function toYaml(header: string, value: unknown): string {
  const { Document, isScalar, visit } = yamlLib();
  const doc = new Document(value);
  visit(doc, {
    Map(_key, map) {
      const noqa = map.get(NOQA);
      if (typeof noqa !== 'string') return;
      map.delete(NOQA);
      const name = map.get('name', true);
      if (isScalar(name)) name.comment = ` noqa: ${noqa}`;
    },
  });
  if (doc.directives) doc.directives.docStart = true;
  const body = doc.toString({ lineWidth: 150, indentSeq: true });
  return `${header}\n${body}`;
}

/** A first play over every host: all must answer and run FreeBSD before anything changes. */
function preflightPlay(model: DeployModel): Task {
  const hosts = [...model.clusters.flatMap((c) => c.members), ...model.standalone].map((h) => h.hostname);
  return {
    name: 'Preflight: every host answers and runs FreeBSD',
    hosts: hosts.join(':'),
    gather_facts: false,
    any_errors_fatal: true,
    max_fail_percentage: 0,
    tasks: [{
      'name': 'Check the operating system',
      'ansible.builtin.command': { cmd: '/usr/bin/uname -s' },
      'register': 'cdkbsd_uname',
      'changed_when': false,
      'failed_when': "cdkbsd_uname.stdout != 'FreeBSD'",
    }],
  };
}

interface ClusterPosition {
  readonly cluster: DeployCluster;
  readonly step: number;
  readonly of: number;
  readonly preferred: boolean;
}

/** One play that updates one host. `position` is set for cluster members. */
function hostPlay(model: DeployModel, host: DeployHost, position: ClusterPosition | undefined): Task {
  const member = position ? (host as DeployMember) : undefined;
  const files = host.files.filter((f) => !f.jailHost);
  const skipped = host.files.filter((f) => f.jailHost);
  const hasPf = files.some((f) => f.validator === 'pf') || host.services.includes('pf');
  const hasHaproxy = host.services.includes('haproxy');
  const tasks: Task[] = [];

  // 1. Compare, changing nothing: which files (and packages) differ?
  const checks: string[] = [];
  if (host.packages.length > 0) {
    tasks.push({
      'name': 'Compare packages (check mode)',
      'community.general.pkgng': { name: [...host.packages], state: 'present' },
      'check_mode': true,
      'register': 'cdkbsd_check_pkg',
    });
    checks.push('cdkbsd_check_pkg');
  }
  const compare = (group: DeployFile[], register: string, secret: boolean) => {
    if (group.length === 0) return;
    tasks.push(secretGuardIf(secret, {
      'name': secret ? 'Compare the files that carry secrets (check mode)' : 'Compare the files (check mode)',
      'ansible.builtin.copy': {
        src: `{{ playbook_dir }}/../${host.hostname}{{ item.path }}`,
        dest: '{{ item.path }}',
        owner: 'root',
        group: 'wheel',
        mode: '{{ item.mode }}',
      },
      'loop': group.map((f) => ({ path: f.path, mode: octal(f.mode) })),
      'loop_control': { label: '{{ item.path }}' },
      'check_mode': true,
      'register': register,
    }));
    checks.push(register);
  };
  const dirs = host.directories ?? [];
  if (dirs.length > 0) {
    tasks.push({
      'name': 'Compare directories (check mode)',
      'ansible.builtin.file': dirArgs(),
      'loop': dirs.map((d) => ({ path: d.path, mode: octal(d.mode) })),
      'loop_control': { label: '{{ item.path }}' },
      'check_mode': true,
      'register': 'cdkbsd_check_dirs',
    });
    checks.push('cdkbsd_check_dirs');
  }
  compare(files.filter((f) => !f.secret), 'cdkbsd_check_files', false);
  compare(files.filter((f) => f.secret), 'cdkbsd_check_secret_files', true);
  tasks.push({
    'name': 'Record whether this host has changes',
    'ansible.builtin.set_fact': {
      cdkbsd_pending: checks.length === 0 ? false : `{{ ${checks.map((c) => `${c}.changed`).join(' or ')} }}`,
    },
  });

  // 2. Move the VIPs away when this host is MASTER and about to change.
  if (member) {
    const ifname = member.carpInterface;
    tasks.push({
      'name': `Read the CARP state of ${ifname}`,
      'ansible.builtin.command': { cmd: `/sbin/ifconfig ${ifname}` },
      'register': 'cdkbsd_carp_before',
      'changed_when': false,
    });
    tasks.push({
      'name': 'Decide whether to demote this host (MASTER with changes)',
      'ansible.builtin.set_fact': {
        cdkbsd_demote: "{{ cdkbsd_pending and (cdkbsd_carp_before.stdout is search('carp: MASTER')) }}",
      },
    });
    tasks.push({
      name: 'Move the VIPs to another member',
      when: 'cdkbsd_demote | bool',
      block: [
        {
          'name': `Raise net.inet.carp.demotion by ${model.demotion}`,
          'ansible.builtin.command': { cmd: `/sbin/sysctl net.inet.carp.demotion=${model.demotion}` },
          'changed_when': true,
        },
        {
          'name': `Wait until every vhid on ${ifname} is BACKUP`,
          'ansible.builtin.command': { cmd: `/sbin/ifconfig ${ifname}` },
          'register': 'cdkbsd_carp_wait',
          'until': "cdkbsd_carp_wait.stdout is not search('carp: MASTER')",
          'retries': Math.ceil(model.failoverTimeoutSeconds / 2),
          'delay': 2,
          'changed_when': false,
        },
      ],
      rescue: [
        {
          'name': `Lower net.inet.carp.demotion by ${model.demotion} again (the VIPs did not move)`,
          'ansible.builtin.command': { cmd: `/sbin/sysctl net.inet.carp.demotion=-${model.demotion}` },
          'changed_when': true,
        },
        {
          'name': 'Stop the rollout',
          'ansible.builtin.fail': {
            msg: `No other member of ${position!.cluster.name} took over the VIPs within ${model.failoverTimeoutSeconds}s `
              + '(is it up, with net.inet.carp.preempt=1?). Nothing was changed on this host.',
          },
        },
      ],
    });
  }

  // 3. Kernel module, packages, files.
  if (member) {
    if (host.vnetJail) {
      tasks.push({
        'name': 'Leave the carp module to the jail host',
        'ansible.builtin.debug': {
          msg: `${host.hostname} is a VNET jail: the jail host loads carp (kldload carp, carp_load="YES" in its /boot/loader.conf).`,
        },
      });
    } else {
      tasks.push({
        'name': 'Check whether the carp module is loaded',
        'ansible.builtin.command': { cmd: '/sbin/kldstat -q -m carp' },
        'register': 'cdkbsd_kldstat_carp',
        'changed_when': false,
        'failed_when': false,
      });
      tasks.push({
        'name': 'Load the carp module',
        'ansible.builtin.command': { cmd: '/sbin/kldload carp' },
        'when': 'cdkbsd_kldstat_carp.rc != 0',
        'changed_when': true,
      });
    }
  }
  for (const f of skipped) {
    tasks.push({
      'name': `Leave ${f.path} to the jail host`,
      'ansible.builtin.debug': { msg: `${host.hostname} is a VNET jail: install dist/${host.hostname}${f.path} on the jail's host (see manifest.json).` },
    });
  }
  if (host.packages.length > 0) {
    tasks.push({
      'name': 'Install packages',
      'community.general.pkgng': { name: [...host.packages], state: 'present' },
    });
  }
  if (dirs.length > 0) {
    tasks.push({
      'name': 'Create directories',
      'ansible.builtin.file': dirArgs(),
      'loop': dirs.map((d) => ({ path: d.path, mode: octal(d.mode) })),
      'loop_control': { label: '{{ item.path }}' },
    });
  }
  const handlers = new Map<string, Task[]>();
  for (const f of files) {
    const notify = handlersFor(model, host, f, handlers);
    const task: Task = {
      name: `Install ${f.path} (validated on the host, with a backup)`,
      'ansible.builtin.copy': copyArgs(host, f, true),
    };
    if (notify.length > 0) task.notify = notify;
    tasks.push(secretGuard(f, task));
  }

  // 4. Start, reload what changed, check.
  for (const cmd of host.commands?.beforeServices ?? []) {
    tasks.push({
      'name': `Prepare before the services start: ${cmd}`,
      'ansible.builtin.command': { cmd },
      'changed_when': false,
    });
  }
  if (hasPf) {
    tasks.push({
      'name': 'Read the PF status',
      'ansible.builtin.command': { cmd: '/sbin/pfctl -s info' },
      'register': 'cdkbsd_pf_info',
      'changed_when': false,
      'failed_when': false,
    });
  }
  if (hasHaproxy) {
    tasks.push({
      'name': 'Start haproxy if it is not running',
      'ansible.builtin.service': { name: 'haproxy', state: 'started' },
    });
  }
  tasks.push({ 'name': 'Reload what changed', 'ansible.builtin.meta': 'flush_handlers' });
  tasks.push(...healthChecks(host, hasPf));
  (host.commands?.afterServices ?? []).forEach((cmd, i) => {
    // e.g. the first ACME issuance: its failure is shown, and cron retries; the rollout goes on.
    tasks.push({
      'name': `Run once the services run: ${cmd}`,
      'ansible.builtin.command': { cmd },
      'register': `cdkbsd_after_${i}`,
      'changed_when': false,
      'failed_when': false,
    });
    tasks.push({
      'name': `Report a failure of ${cmd} (not fatal: it is retried)`,
      'ansible.builtin.debug': { msg: `{{ cdkbsd_after_${i}.stderr | default('') }}` },
      'when': `cdkbsd_after_${i}.rc != 0`,
    });
  });

  // 5. Give the VIPs back.
  if (member) {
    tasks.push({
      'name': `Lower net.inet.carp.demotion by ${model.demotion} (services passed their checks)`,
      'ansible.builtin.command': { cmd: `/sbin/sysctl net.inet.carp.demotion=-${model.demotion}` },
      'when': 'cdkbsd_demote | bool',
      'changed_when': true,
    });
  }

  const name = position
    ? `Roll out ${host.hostname} (${position.cluster.name} ${position.step}/${position.of}, `
      + `${position.preferred ? 'preferred master, last' : 'backup'})`
    : `Roll out ${host.hostname} (standalone)`;
  const play: Task = {
    name,
    hosts: host.hostname,
    serial: 1,
    any_errors_fatal: true,
    max_fail_percentage: 0,
    gather_facts: false,
    become: true,
  };
  // Handlers run in the order listed: log files must exist before syslogd is restarted.
  const first = ['Create missing log files'];
  if (handlers.size > 0) play.handlers = [...handlers.entries()].sort(([a], [b]) => Number(!first.includes(a)) - Number(!first.includes(b))).flatMap(([, t]) => t);
  play.tasks = tasks;
  return play;
}

