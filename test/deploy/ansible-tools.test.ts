/**
 * The rendered playbook and inventory, checked by Ansible's own tools: ansible-playbook
 * --syntax-check, ansible-inventory and ansible-lint (offline, `production` profile, no rule
 * skipped; the one task that needs a shell carries its own `# noqa` with the reason in its name).
 */
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, test } from 'vitest';
import { ExternalTools } from '../../lib/testing/tools';
import { DeployModel } from '../../lib/deploy/model';
import { referenceModel, run, writeDist, removeTempDirs } from './fixtures';

afterAll(removeTempDirs);

const skipPlaybook = ExternalTools.shouldSkip('ansible-playbook', 'syntax-check and run the generated playbook');
const skipLint = ExternalTools.shouldSkip('ansible-lint', 'lint the generated playbook');

const VARIANTS: Record<string, DeployModel> = {
  'reference (VNET jails, doas)': referenceModel(),
  'plain hosts, sudo, network restart allowed, a standalone host': referenceModel({
    become: 'sudo',
    allowNetworkRestart: true,
    remoteUser: 'admin',
    standalone: [{
      hostname: 'web.example.net',
      managementAddress: '2003:abcd:ef12:3460::10',
      vnetJail: false,
      files: [{ path: '/etc/rc.conf', mode: 0o644, secret: false, validator: 'rc.conf' }],
      services: [],
      packages: [],
      httpChecks: [{ url: 'http://127.0.0.1:8080/healthz', status: 200 }],
    }],
  }, false),
};

function output(r: { stdout: string; stderr: string }): string {
  return `${r.stdout}\n${r.stderr}`;
}

describe.skipIf(skipPlaybook)('ansible-playbook', () => {
  for (const [name, model] of Object.entries(VARIANTS)) {
    test(`--syntax-check passes: ${name}`, () => {
      const dist = writeDist(model);
      const r = run('ansible-playbook', ['--syntax-check', '-i', 'inventory.yml', 'site.yml'], path.join(dist, 'deploy'));
      expect(r.status, output(r)).toBe(0);
    });
  }

  test('ansible-inventory reads the groups, hosts and become settings', () => {
    const dist = writeDist(referenceModel());
    const r = run('ansible-inventory', ['-i', 'inventory.yml', '--list'], path.join(dist, 'deploy'));
    expect(r.status, output(r)).toBe(0);
    const inv = JSON.parse(r.stdout);
    expect(inv.carp.hosts).toEqual(['haproxy01.example.net', 'haproxy02.example.net']);
    expect(inv._meta.hostvars['haproxy02.example.net']).toEqual({
      ansible_become: true, ansible_become_method: 'community.general.doas', ansible_host: '10.1.60.202',
    });
  });

  test('a real run stops at the first failing host: the backup play fails, the master play never starts', () => {
    // GIVEN the reference playbook, run locally (no SSH; this machine is not FreeBSD, so the
    // backup's first pkg comparison fails). Start after the preflight, which would stop it earlier.
    const dist = writeDist(referenceModel());
    const r = run('ansible-playbook', [
      '-i', 'inventory.yml', 'site.yml',
      '-e', 'ansible_connection=local', '-e', 'ansible_become=false', '-e', 'ansible_python_interpreter=/usr/bin/python3',
      '--start-at-task', 'Compare packages (check mode)',
    ], path.join(dist, 'deploy'));
    const out = output(r);
    // THEN the run fails, haproxy02 (the backup) was attempted and haproxy01 was never touched.
    expect(r.status, out).not.toBe(0);
    expect(out).toMatch(/PLAY \[Roll out haproxy02\.example\.net/);
    expect(out).toMatch(/TASK \[Compare packages \(check mode\)\][^\n]*\n+fatal: \[haproxy02\.example\.net\]/);
    expect(out).not.toMatch(/PLAY \[Roll out haproxy01\.example\.net/);
    expect(out).toMatch(/haproxy02\.example\.net\s+:.*failed=1/);
    expect(out).not.toMatch(/^haproxy01\.example\.net\s+:/m);
  });

  test('a real run stops before touching anything when a host is not FreeBSD (preflight)', () => {
    const dist = writeDist(referenceModel());
    const r = run('ansible-playbook', [
      '-i', 'inventory.yml', 'site.yml',
      '-e', 'ansible_connection=local', '-e', 'ansible_become=false', '-e', 'ansible_python_interpreter=/usr/bin/python3',
    ], path.join(dist, 'deploy'));
    const out = output(r);
    expect(r.status, out).not.toBe(0);
    expect(out).toMatch(/PLAY \[Preflight/);
    expect(out).not.toMatch(/PLAY \[Roll out/);
  });
});

describe.skipIf(skipLint)('ansible-lint', () => {
  for (const [name, model] of Object.entries(VARIANTS)) {
    test(`passes offline with the production profile: ${name}`, () => {
      const dist = writeDist(model);
      const cwd = path.join(dist, 'deploy');
      expect(fs.existsSync(path.join(cwd, '.ansible-lint'))).toBe(false); // no rule skipped by config
      const r = run('ansible-lint', ['--offline', '--profile', 'production', '--nocolor', 'site.yml'], cwd);
      expect(r.status, output(r)).toBe(0);
    });
  }
});
