#!/usr/bin/env node
/**
 * Writes API.md: jsii-docgen's reference of the compiled assembly (.jsii), preceded by a table
 * of contents grouped by domain (hosts, CARP, HAProxy, PF, failover, deploy, diagram, testing),
 * in the order a reader needs them. The domain of a type is the lib/ folder it is declared in.
 *
 *   node scripts/api-md.js [out]      # default: API.md (run after jsii, e.g. by `npm run build`)
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');

/** Domains in reading order: lib/ folder → heading and one line on what it holds. */
const DOMAINS = [
  ['core', 'Hosts and the app', 'App, FreeBsdHost, interfaces, key/value files, secrets, validation results'],
  ['net', 'Addresses and durations', 'Value classes for IP addresses, prefixes and durations'],
  ['carp', 'CARP', 'Clusters of hosts sharing virtual IPs, devd hooks, pfsync'],
  ['haproxy', 'HAProxy', 'The reverse proxy: frontends, routes, backends, servers, health checks, TLS, certificates'],
  ['acme', 'Certificates by ACME', 'Certificates that renew themselves'],
  ['pf', 'PF', 'The firewall: rulesets, rules, tables, addresses, ports, states'],
  ['failover', 'Service-aware failover', 'CARP demotion while a service is down'],
  ['deploy', 'Deploy', 'The Ansible rollout'],
  ['diagram', 'Diagram', 'The topology picture'],
  ['testing', 'Testing', 'Testing.synth and the parsed views of rc.conf, haproxy.conf and pf.conf'],
];

const KIND = (t) => (t.kind === 'class' ? (isConstruct(t) ? 'construct' : 'class') : t.kind === 'enum' ? 'enum' : t.datatype ? 'struct' : 'interface');
let types = {};
function isConstruct(t) {
  for (let b = t; b; b = types[b.base]) if (b.base === 'constructs.Construct') return true;
  return false;
}

function summary(t) {
  return (t.docs?.summary ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function main() {
  const out = path.resolve(process.argv[2] ?? path.join(root, 'API.md'));
  const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf8'));
  types = assembly.types;
  const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-docgen-')), 'API.md');
  execFileSync(path.join(root, 'node_modules/.bin/jsii-docgen'), ['-o', tmp], { cwd: root, stdio: 'pipe', env: { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' } });
  const reference = fs.readFileSync(tmp, 'utf8').replace(/^# API Reference[^\n]*\n/, '');
  fs.rmSync(path.dirname(tmp), { recursive: true, force: true });

  const byDomain = new Map(DOMAINS.map(([d]) => [d, []]));
  for (const [fqn, t] of Object.entries(types)) {
    const folder = (t.locationInModule?.filename ?? '').split('/')[1] ?? 'core';
    if (!byDomain.has(folder)) byDomain.set(folder, []);
    byDomain.get(folder).push({ fqn, t });
  }
  const order = { construct: 0, class: 1, struct: 2, enum: 3, interface: 4 };
  const lines = [
    '# API Reference <a name="API Reference" id="api-reference"></a>',
    '',
    'Every construct, value class, props struct and enum of cdkbsd, generated from the sources by',
    'jsii-docgen (`npm run build`). The contents below group them by domain; the reference after it',
    'lists them by kind, each with its props, methods and an example. Start with the constructs',
    '(`App`, `FreeBsdHost`, `CarpCluster`, `Haproxy`, `PfRuleset`): the structs are their props.',
    '',
    '## Contents by domain',
    '',
  ];
  const headings = new Map(DOMAINS.map(([d, h, what]) => [d, { h, what }]));
  for (const [domain, list] of byDomain) {
    if (list.length === 0) continue;
    const { h, what } = headings.get(domain) ?? { h: domain, what: '' };
    lines.push(`### ${h}`, '', `${what}.`, '', '| Type | Kind | Summary |', '| --- | --- | --- |');
    list.sort((a, b) => order[KIND(a.t)] - order[KIND(b.t)] || a.t.name.localeCompare(b.t.name));
    for (const { fqn, t } of list) lines.push(`| [${t.name}](#${fqn}) | ${KIND(t)} | ${summary(t)} |`);
    lines.push('');
  }
  fs.writeFileSync(out, `${lines.join('\n')}\n${reference.startsWith('\n') ? '' : '\n'}${reference}`);
}

main();
