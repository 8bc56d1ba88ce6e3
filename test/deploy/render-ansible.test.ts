import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { renderInventory, renderPlaybook, rolloutOrder } from '../../lib/deploy/render-ansible';
import { validateCommand, validatorForPath } from '../../lib/deploy/model';
import { HEADER, flatTasks, plays, referenceModel } from './fixtures';

const HOST1 = 'haproxy01.example.net';
const HOST2 = 'haproxy02.example.net';

function hostPlay(model = referenceModel(), hostname: string) {
  const p = plays(model).find((x) => x.hosts === hostname);
  if (!p) throw new Error(`no play for ${hostname}`);
  return p;
}

function named(tasks: Record<string, any>[], prefix: string) {
  const found = tasks.filter((t) => String(t.name).startsWith(prefix));
  if (found.length === 0) throw new Error(`no task named "${prefix}…" in: ${tasks.map((t) => t.name).join(' | ')}`);
  return found;
}

describe('inventory', () => {
  test('lists every host with its management address, grouped by cluster, with doas as become method', () => {
    const inv = parse(renderInventory(referenceModel()));
    expect(inv.all.vars).toEqual({ ansible_become: true, ansible_become_method: 'community.general.doas' });
    expect(inv.all.children).toEqual({
      carp: { hosts: { [HOST1]: { ansible_host: '10.1.60.201' }, [HOST2]: { ansible_host: '10.1.60.202' } } },
    });
  });

  test('uses sudo and the remote user when configured; standalone hosts get their own group', () => {
    const model = referenceModel({
      become: 'sudo',
      remoteUser: 'admin',
      standalone: [{ hostname: 'web.example.net', managementAddress: 'web.example.net', vnetJail: false, files: [], services: [], packages: [] }],
    });
    const inv = parse(renderInventory(model));
    expect(inv.all.vars).toEqual({ ansible_become: true, ansible_become_method: 'ansible.builtin.sudo', ansible_user: 'admin' });
    expect(inv.all.children.standalone).toEqual({ hosts: { 'web.example.net': { ansible_host: 'web.example.net' } } });
  });

  test('starts with the generated-file header and a document start', () => {
    const text = renderInventory(referenceModel());
    expect(text.split('\n').slice(0, 2)).toEqual([HEADER, '---']);
  });
});

describe('playbook order and failure policy', () => {
  test('a preflight play over every host runs first and stops everything on any failure', () => {
    const [pre] = plays(referenceModel());
    expect(pre.hosts.split(':').sort()).toEqual([HOST1, HOST2]);
    expect(pre.any_errors_fatal).toBe(true);
    expect(pre.max_fail_percentage).toBe(0);
    expect(pre.tasks[0]['ansible.builtin.command'].cmd).toBe('/usr/bin/uname -s');
    expect(pre.tasks[0].failed_when).toBe("cdkbsd_uname.stdout != 'FreeBSD'");
  });

  test('members are rolled out one play each: the backup first, the preferred master last', () => {
    const ps = plays(referenceModel()).slice(1);
    expect(ps.map((p) => p.hosts)).toEqual([HOST2, HOST1]);
    expect(ps[0].name).toMatch(/backup/);
    expect(ps[1].name).toMatch(/preferred master, last/);
  });

  test('with three members the least preferred goes first and the preferred master last', () => {
    const base = referenceModel();
    const m = base.clusters[0].members;
    const third = { ...m[1], hostname: 'haproxy03.example.net', managementAddress: '10.1.60.203' };
    const model = referenceModel({ clusters: [{ name: 'carp', members: [m[0], m[1], third] }] });
    expect(rolloutOrder(model.clusters[0]).map((x) => x.hostname)).toEqual(['haproxy03.example.net', HOST2, HOST1]);
    expect(plays(model).slice(1).map((p) => p.hosts)).toEqual(['haproxy03.example.net', HOST2, HOST1]);
  });

  test('every host play runs serially and stops the rollout at the first failure', () => {
    for (const p of plays(referenceModel()).slice(1)) {
      expect(p.serial).toBe(1);
      expect(p.any_errors_fatal).toBe(true);
      expect(p.max_fail_percentage).toBe(0);
      expect(p.become).toBe(true);
    }
  });

  test('standalone hosts are rolled out after the clusters', () => {
    const model = referenceModel({
      standalone: [{ hostname: 'web.example.net', managementAddress: '10.1.70.5', vnetJail: false, files: [], services: [], packages: [] }],
    });
    expect(plays(model).map((p) => p.hosts).slice(1)).toEqual([HOST2, HOST1, 'web.example.net']);
  });

  test('rejects a model with a host twice or a demotion out of 1-240', () => {
    const base = referenceModel();
    const dup = referenceModel({ standalone: [base.clusters[0].members[0]] });
    expect(() => renderPlaybook(dup)).toThrow(/haproxy01.example.net appears twice/);
    expect(() => renderPlaybook(referenceModel({ demotion: 0 }))).toThrow(/demotion must be an integer 1-240/);
    expect(() => renderPlaybook(referenceModel({ demotion: 241 }))).toThrow(/demotion/);
  });
});

describe('CARP demotion', () => {
  test('a MASTER with changes is demoted by 240, waits for BACKUP on every vhid, and is restored by the same amount last', () => {
    const p = hostPlay(undefined, HOST1);
    const tasks: Record<string, any>[] = p.tasks;
    const all = flatTasks(tasks);

    const state = named(all, 'Read the CARP state of vnet0')[0];
    expect(state['ansible.builtin.command'].cmd).toBe('/sbin/ifconfig vnet0');
    expect(state.changed_when).toBe(false);

    const decide = named(all, 'Decide whether to demote')[0];
    expect(decide['ansible.builtin.set_fact'].cdkbsd_demote)
      .toBe("{{ cdkbsd_pending and (cdkbsd_carp_before.stdout is search('carp: MASTER')) }}");

    const block = named(tasks, 'Move the VIPs')[0];
    expect(block.when).toBe('cdkbsd_demote | bool');
    const [raise, wait] = block.block;
    expect(raise['ansible.builtin.command'].cmd).toBe('/sbin/sysctl net.inet.carp.demotion=240');
    expect(wait['ansible.builtin.command'].cmd).toBe('/sbin/ifconfig vnet0');
    expect(wait.until).toBe("cdkbsd_carp_wait.stdout is not search('carp: MASTER')");
    expect(wait.retries * wait.delay).toBe(60);
    // The rescue gives the VIPs back when nobody took over, then stops.
    expect(block.rescue[0]['ansible.builtin.command'].cmd).toBe('/sbin/sysctl net.inet.carp.demotion=-240');
    expect(block.rescue[1]['ansible.builtin.fail']).toBeDefined();

    const restore = tasks[tasks.length - 1];
    expect(restore['ansible.builtin.command'].cmd).toBe('/sbin/sysctl net.inet.carp.demotion=-240');
    expect(restore.when).toBe('cdkbsd_demote | bool');
    // Restored only after the health checks.
    const idx = (t: any) => tasks.indexOf(t);
    expect(idx(named(tasks, 'Check that haproxy runs')[0])).toBeLessThan(idx(restore));
    expect(idx(named(tasks, 'Reload what changed')[0])).toBeLessThan(idx(restore));
  });

  test('raise and restore use the configured demotion, adding then subtracting the same amount', () => {
    const all = flatTasks(hostPlay(referenceModel({ demotion: 50 }), HOST2).tasks);
    const cmds = all.map((t) => t['ansible.builtin.command']?.cmd).filter((c) => String(c).includes('carp.demotion'));
    const amounts = cmds.map((c) => Number(String(c).split('=')[1]));
    // raise, rescue restore, final restore
    expect(amounts).toEqual([50, -50, -50]);
  });

  test('nothing is touched before the demotion: only check-mode comparisons and reads come first', () => {
    const tasks: Record<string, any>[] = hostPlay(undefined, HOST1).tasks;
    const before = tasks.slice(0, tasks.findIndex((t) => String(t.name).startsWith('Move the VIPs')));
    for (const t of before) {
      const readOnly = t.check_mode === true || t.changed_when === false || 'ansible.builtin.set_fact' in t;
      expect(readOnly, `task "${t.name}" before the demotion must not change anything`).toBe(true);
    }
    const pending = named(tasks, 'Record whether this host has changes')[0]['ansible.builtin.set_fact'].cdkbsd_pending;
    expect(pending).toBe('{{ cdkbsd_check_pkg.changed or cdkbsd_check_dirs.changed or cdkbsd_check_files.changed or cdkbsd_check_secret_files.changed }}');
  });
});

describe('files: validation on the target, backup, secrets', () => {
  const EXPECTED_VALIDATE: Record<string, string | undefined> = {
    '/etc/pf.conf': '/sbin/pfctl -nf %s',
    '/etc/rc.conf': '/bin/sh -n %s',
    '/etc/sysctl.conf': "/usr/bin/awk '!/^[[:space:]]*(#|$)/ && !/^[A-Za-z0-9_.%-]+=[^[:space:]#]+[[:space:]]*(#.*)?$/ { bad = 1 } END { exit bad }' %s",
    '/usr/local/etc/haproxy.conf': '/usr/local/sbin/haproxy -c -f %s',
  };

  test('the sysctl.conf check is real: it accepts what rc.d/sysctl reads and rejects what it would mangle', () => {
    const cmd = EXPECTED_VALIDATE['/etc/sysctl.conf']!;
    const run = (text: string) => {
      const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-sysctl-')), 'sysctl.conf');
      fs.writeFileSync(f, text);
      return spawnSync('/bin/sh', ['-c', cmd.replace('/usr/bin/awk', 'awk').replace('%s', `'${f}'`)]).status;
    };
    expect(run('# comment\nnet.inet.carp.preempt=1\nkern.ipc.somaxconn=1024  # note\n\n')).toBe(0);
    expect(run('net.inet.carp.preempt=1\nkern.hostname=two words\n')).toBe(1);
    expect(run('not an assignment\n')).toBe(1);
  });

  test('a script in /usr/local/etc/rc.d is installed without a backup next to it (rc would run the backup too)', () => {
    const model = referenceModel();
    const host = model.clusters[0].members[1];
    (host.files as any[]).push({ path: '/usr/local/etc/rc.d/cdkbsd_carpwatch', mode: 0o755, secret: false, validator: 'shell' });
    const play = hostPlay(model, host.hostname) as any;
    const copy = flatTasks(play.tasks).find((t: any) => t['ansible.builtin.copy']?.dest === '/usr/local/etc/rc.d/cdkbsd_carpwatch' && t.name.startsWith('Install'));
    expect(copy['ansible.builtin.copy'].backup).toBeUndefined();
    expect(copy.notify).toEqual(['Restart cdkbsd_carpwatch']);
    expect(play.handlers.map((h: any) => h.name)).toContain('Restart cdkbsd_carpwatch');
  });

  test('each file is installed from dist/<host>/<path>, validated by the real FreeBSD tool, backed up, owned by root', () => {
    const tasks = flatTasks(hostPlay(undefined, HOST2).tasks).filter((t) => String(t.name).startsWith('Install /'));
    const byDest = Object.fromEntries(tasks.map((t) => [t['ansible.builtin.copy'].dest, t['ansible.builtin.copy']]));
    expect(Object.keys(byDest).sort()).toEqual(Object.keys(EXPECTED_VALIDATE).sort());
    for (const [dest, validate] of Object.entries(EXPECTED_VALIDATE)) {
      const copy = byDest[dest];
      expect(copy.src).toBe(`{{ playbook_dir }}/../${HOST2}${dest}`);
      expect(copy.validate).toBe(validate);
      expect(copy.backup).toBe(true);
      expect(copy.owner).toBe('root');
      expect(copy.group).toBe('wheel');
    }
    expect(byDest['/etc/rc.conf'].mode).toBe('0600');
    expect(byDest['/usr/local/etc/haproxy.conf'].mode).toBe('0644');
  });

  test('files meant for the VNET jail host are not installed in the jail, and say so', () => {
    const all = flatTasks(hostPlay(undefined, HOST1).tasks);
    expect(all.some((t) => t['ansible.builtin.copy']?.dest === '/boot/loader.conf' && !t.check_mode)).toBe(false);
    const note = named(all, 'Leave /boot/loader.conf to the jail host')[0];
    expect(note['ansible.builtin.debug'].msg).toMatch(/install dist\/haproxy01.example.net\/boot\/loader.conf on the jail's host/);
  });

  test('every task handling a secret-carrying file has no_log and no diff; the others keep their logs', () => {
    const all = flatTasks(hostPlay(undefined, HOST1).tasks);
    const secretTasks = all.filter((t) => {
      const copy = t['ansible.builtin.copy'];
      if (!copy) return false;
      if (copy.dest === '/etc/rc.conf') return true;
      return Array.isArray(t.loop) && t.loop.some((i: any) => i.path === '/etc/rc.conf');
    });
    expect(secretTasks.length).toBe(2); // the check-mode comparison and the install
    for (const t of secretTasks) {
      expect(t.no_log, t.name).toBe(true);
      expect(t.diff, t.name).toBe(false);
    }
    const haproxy = all.find((t) => t['ansible.builtin.copy']?.dest === '/usr/local/etc/haproxy.conf')!;
    expect(haproxy.no_log).toBeUndefined();
  });

  test('validators map from FreeBSD paths to the real tools', () => {
    expect(validatorForPath('/usr/local/etc/haproxy.conf')).toBe('haproxy');
    expect(validatorForPath('/etc/pf.conf')).toBe('pf');
    expect(validatorForPath('/etc/rc.conf')).toBe('rc.conf');
    expect(validatorForPath('/etc/sysctl.conf')).toBe('sysctl');
    expect(validatorForPath('/boot/loader.conf')).toBe('loader');
    expect(validatorForPath('/etc/devd/carp.conf')).toBe('devd');
    expect(validatorForPath('/usr/local/etc/rc.d/cdkbsd_carpwatch')).toBe('shell');
    expect(validateCommand('shell')).toBe('/bin/sh -n %s');
    expect(validatorForPath('/usr/local/etc/ssl/site.pem')).toBe('plain');
    expect(validateCommand('devd')).toBeUndefined();
    expect(validateCommand('plain')).toBeUndefined();
  });
});

describe('services, modules, networking', () => {
  test('haproxy is installed with pkg, started if stopped, reloaded gracefully on change and checked', () => {
    const p = hostPlay(undefined, HOST2);
    const all = flatTasks(p.tasks);
    expect(named(all, 'Install packages')[0]['community.general.pkgng']).toEqual({ name: ['haproxy'], state: 'present' });
    expect(named(all, 'Start haproxy')[0]['ansible.builtin.service']).toEqual({ name: 'haproxy', state: 'started' });
    const handler = p.handlers.find((h: any) => h.name === 'Reload haproxy');
    expect(handler['ansible.builtin.service']).toEqual({ name: 'haproxy', state: 'reloaded' });
    const install = all.find((t) => t['ansible.builtin.copy']?.dest === '/usr/local/etc/haproxy.conf' && !t.check_mode)!;
    expect(install.notify).toEqual(['Reload haproxy']);
    const check = named(all, 'Check that haproxy runs')[0];
    expect(check.check_mode).toBe(true);
    expect(check.failed_when).toBe('cdkbsd_haproxy_status is changed');
    const sock = named(all, 'Check the haproxy stats socket')[0];
    expect(sock['ansible.builtin.stat'].path).toBe('/var/run/haproxy.sock');
  });

  test('PF rules are reloaded with pfctl -f only while PF runs; sysctls are reapplied on change', () => {
    const p = hostPlay(undefined, HOST2);
    const pf = p.handlers.find((h: any) => h.name === 'Reload PF from /etc/pf.conf');
    expect(pf['ansible.builtin.command'].cmd).toBe('/sbin/pfctl -f /etc/pf.conf');
    expect(pf.when).toBe("cdkbsd_pf_info.stdout is search('Status: Enabled')");
    const sysctl = p.handlers.find((h: any) => h.name === 'Apply sysctl.conf');
    expect(sysctl['ansible.builtin.service']).toEqual({ name: 'sysctl', state: 'reloaded' });
  });

  test('carp is loaded with kldload only when kldstat does not find it; a VNET jail leaves it to its host', () => {
    const host = flatTasks(hostPlay(referenceModel({}, false), HOST1).tasks);
    const stat = named(host, 'Check whether the carp module is loaded')[0];
    expect(stat['ansible.builtin.command'].cmd).toBe('/sbin/kldstat -q -m carp');
    expect(stat.failed_when).toBe(false);
    const load = named(host, 'Load the carp module')[0];
    expect(load['ansible.builtin.command'].cmd).toBe('/sbin/kldload carp');
    expect(load.when).toBe('cdkbsd_kldstat_carp.rc != 0');

    const jail = flatTasks(hostPlay(referenceModel({}, true), HOST1).tasks);
    expect(jail.some((t) => String(t['ansible.builtin.command']?.cmd).includes('kldload'))).toBe(false);
    expect(named(jail, 'Leave the carp module to the jail host')[0]['ansible.builtin.debug'].msg).toMatch(/VNET jail/);
  });

  test('directories (the HAProxy chroot) are created before the files; services reading rc.conf at start are restarted on change', () => {
    const p = hostPlay(undefined, HOST2);
    const tasks: Record<string, any>[] = p.tasks;
    const create = named(tasks, 'Create directories')[0];
    expect(create['ansible.builtin.file']).toMatchObject({ state: 'directory', owner: 'root', group: 'wheel' });
    expect(create.loop).toEqual([{ path: '/var/haproxy', mode: '0755' }, { path: '/var/haproxy/var/run', mode: '0755' }]);
    expect(tasks.indexOf(create)).toBeLessThan(tasks.findIndex((t) => String(t.name).startsWith('Install /')));
    const rc = tasks.find((t) => t['ansible.builtin.copy']?.dest === '/etc/rc.conf' && !t.check_mode)!;
    expect(rc.notify).toEqual(['Report rc.conf change', 'Restart syslogd']);
    expect(p.handlers.find((h: any) => h.name === 'Restart syslogd')['ansible.builtin.service']).toEqual({ name: 'syslogd', state: 'restarted' });
    const bad = referenceModel();
    const m = { ...bad.clusters[0].members[0], restartOnRcConfChange: ['netif'] };
    expect(() => renderPlaybook(referenceModel({ clusters: [{ name: 'carp', members: [m] }] }))).toThrow(/may not restart netif/);
  });

  test('networking is never restarted unless allowed; then netif and routing restart together, detached', () => {
    for (const p of plays(referenceModel())) {
      for (const t of [...flatTasks(p.tasks), ...flatTasks(p.handlers)]) {
        const run = JSON.stringify([t['ansible.builtin.command'], t['ansible.builtin.shell'], t['ansible.builtin.service']]);
        expect(run, t.name).not.toMatch(/netif|routing/);
      }
    }
    const rc = hostPlay(undefined, HOST2).handlers.find((h: any) => h.name === 'Report rc.conf change');
    expect(rc['ansible.builtin.debug']).toBeDefined();

    const allowed = hostPlay(referenceModel({ allowNetworkRestart: true }), HOST2);
    const restart = allowed.handlers.filter((h: any) => h.name === 'Restart networking' || h.listen === 'Restart networking');
    expect(restart[0]['ansible.builtin.shell'].cmd).toBe('/usr/sbin/service netif restart && /usr/sbin/service routing restart');
    expect(restart[0].async).toBeGreaterThan(0);
    expect(restart[0].poll).toBe(0);
    expect(restart[1]['ansible.builtin.wait_for_connection']).toBeDefined();
  });

  test('idempotent by construction: every command task declares changed_when, changes only come from modules', () => {
    for (const p of plays(referenceModel({ allowNetworkRestart: true }, false))) {
      for (const t of [...flatTasks(p.tasks), ...flatTasks(p.handlers)]) {
        if ('ansible.builtin.command' in t || 'ansible.builtin.shell' in t) {
          expect('changed_when' in t, `${t.name} needs changed_when`).toBe(true);
        }
      }
    }
    // The only commands that report a change are the ones that change state, and they are guarded.
    const host = flatTasks(hostPlay(referenceModel({}, false), HOST1).tasks);
    const changing = host.filter((t) => t.changed_when === true).map((t) => t.name);
    expect(changing).toEqual([
      'Raise net.inet.carp.demotion by 240',
      'Lower net.inet.carp.demotion by 240 again (the VIPs did not move)',
      'Load the carp module',
      'Lower net.inet.carp.demotion by 240 (services passed their checks)',
    ]);
  });

  test('the same model renders the same bytes', () => {
    expect(renderPlaybook(referenceModel())).toBe(renderPlaybook(referenceModel()));
    expect(renderInventory(referenceModel())).toBe(renderInventory(referenceModel()));
  });
});
