// docs/pf.md shows pf.conf lines for its examples: built here as the page writes them, every line
// shown (comments aside, lines with … left out) must be in the synthesized file.
import * as fs from 'fs';
import * as path from 'path';
import { expect, test } from 'vitest';
import { App } from '../../lib/core/app';
import { FreeBsdHost } from '../../lib/core/host';
import { Duration } from '../../lib/net/duration';
import { PfRuleset } from '../../lib/pf/pf-ruleset';
import { PfAction, PfDirection, PfOverloadFlush, PfProtocol } from '../../lib/pf/types';
import { PfAddress, PfPort, PfState } from '../../lib/pf/values';
import { referenceRuleset, topology } from './fixture';
import { H1, synth } from './helpers';

const DOC = fs.readFileSync(path.join(__dirname, '../../docs/pf.md'), 'utf8');

/** The pf.conf lines the page shows (unlabelled code blocks), without comments. */
function shownLines(): string[] {
  const out: string[] = [];
  let fence: string | undefined; // the open block's language ('' for none)
  for (const line of DOC.split('\n')) {
    const f = /^```(\w*)$/.exec(line);
    if (f) {
      fence = fence === undefined ? f[1] : undefined;
      continue;
    }
    if (fence !== '') continue;
    const code = line.replace(/\s+#.*$/, '').trim();
    if (/^(pass|block|nat|rdr|binat|table|antispoof) /.test(code) && !code.includes('…')) out.push(code);
  }
  return out;
}

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim());
}

test('every pf.conf line docs/pf.md shows is what its example renders', () => {
  const rendered: string[] = [];

  // Management: sshFrom on $ext_if, an admin LAN on vtnet2, a network placed by its prefix.
  const app = new App({ outdir: '/nonexistent-cdkbsd-docs' });
  const host = new FreeBsdHost(app, 'Host', { hostname: 'fw.example.net', managementAddress: '10.9.0.1' });
  host.addInterface('vtnet0', { ipv4: '192.0.2.10/24', ipv6: ['2001:db8:1::10/64'] });
  host.addInterface('vtnet2', { ipv4: '10.9.0.1/24' });
  host.addInterface('vtnet3', { ipv4: '10.20.0.1/24' });
  const fw = new PfRuleset(app, 'Firewall', {
    target: host, externalInterface: 'vtnet0', sshFrom: ['2001:db8:100::/56'],
    management: [{ interfaceName: 'vtnet2', from: ['10.9.0.0/24'] }, { from: ['10.20.0.0/24'] }],
  });
  // The brute-force idiom.
  const bruteforce = fw.addTable('bruteforce', { persist: true, constant: false });
  fw.addRule('BlockBruteforce', { action: PfAction.BLOCK, direction: PfDirection.IN, quick: true, from: [PfAddress.table(bruteforce)] });
  fw.addRule('Ssh', {
    action: PfAction.PASS, direction: PfDirection.IN, interfaceName: 'vtnet0', protocols: [PfProtocol.TCP], toPorts: [PfPort.service('ssh')],
    state: PfState.keep({ maxSrcConn: 10, maxSrcConnRate: { connections: 3, per: Duration.seconds(30) }, overload: { table: bruteforce, flush: PfOverloadFlush.GLOBAL } }),
  });
  rendered.push(...lines(synth(app).file('fw.example.net', '/etc/pf.conf')));

  // Translation on the reference pair, and its web and peers rules.
  const t = topology();
  t.haproxy.enablePeers();
  const pair = referenceRuleset(t);
  pair.addNat('Lan', { interfaceName: 'vnet0', from: [PfAddress.prefix('10.0.0.0/24')], translateTo: PfAddress.vip(t.vip) });
  pair.addRdr('Game', {
    interfaceName: 'vnet0', protocols: [PfProtocol.TCP, PfProtocol.UDP], to: [PfAddress.vip(t.vip)],
    toPorts: [PfPort.range(27000, 27050)], redirectTo: PfAddress.prefix('10.0.0.5'), redirectPort: 37000,
  });
  pair.addBinat('Mail', { interfaceName: 'vnet0', from: PfAddress.prefix('10.0.0.25'), translateTo: PfAddress.prefix('192.0.2.25') });
  rendered.push(...lines(synth(t.app).file(H1, '/etc/pf.conf')));

  const shown = shownLines();
  expect(shown.length).toBeGreaterThanOrEqual(9);
  expect(shown.filter((l) => !rendered.includes(l))).toEqual([]);
});
