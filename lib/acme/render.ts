/**
 * Pure renderers of an ACME certificate's files: model in, files out (internal: not exported
 * from lib/index.ts). The client is dehydrated (FreeBSD security/dehydrated); why, and how the
 * files work together, is in docs/certificates.md.
 */
import { generatedHeader } from '../core/private/header';
import { AcmeFile, AcmeModel } from './model';
import { shq } from './private/sh';
import { renderHook } from './render-hook';
import { renderRenew } from './render-renew';

/** Modes of the files. */
export const ACME_MODES = { script: 0o755, secret: 0o600, plain: 0o644 } as const;

/**
 * Every file one host receives for one ACME certificate, in a stable order. Files that carry a
 * secret (dehydrated's config with EAB credentials, the TSIG key, the DNS hook's environment)
 * are 0600 and marked `secret`.
 */
export function renderAcmeFiles(model: AcmeModel): AcmeFile[] {
  const p = model.paths;
  const files: AcmeFile[] = [
    { path: p.config, mode: ACME_MODES.secret, secret: model.eab !== undefined, content: renderDehydratedConfig(model) },
    { path: p.domainsTxt, mode: ACME_MODES.plain, secret: false, content: renderDomainsTxt(model) },
    { path: p.hook, mode: ACME_MODES.script, secret: false, content: renderHook(model) },
    { path: p.renew, mode: ACME_MODES.script, secret: false, content: renderRenew(model) },
    { path: p.cron, mode: ACME_MODES.plain, secret: false, content: renderCron(model) },
    { path: p.newsyslog, mode: ACME_MODES.plain, secret: false, content: renderNewsyslog(model) },
  ];
  const c = model.challenge;
  if (c.kind === 'dns-rfc2136') files.push({ path: p.tsigKey, mode: ACME_MODES.secret, secret: true, content: renderTsigKey(model) });
  if (c.kind === 'dns-hook') files.push({ path: p.hookEnv, mode: ACME_MODES.secret, secret: c.env.length > 0, content: renderHookEnv(model) });
  if (c.kind === 'http-01') files.push({ path: p.http01Map, mode: ACME_MODES.plain, secret: false, content: `${generatedHeader(model.producer)}\n# HTTP-01 tokens: filled and emptied by ${p.hook} over HAProxy's runtime API.\n` });
  return files;
}

/** dehydrated's config (sourced by bash: every value one single-quoted word). */
export function renderDehydratedConfig(m: AcmeModel): string {
  const p = m.paths;
  const kv: Array<[string, string]> = [
    ['CA', m.directoryUrl],
    ['CHALLENGETYPE', m.challenge.kind === 'http-01' ? 'http-01' : 'dns-01'],
    ['BASEDIR', p.stateDir],
    ['DOMAINS_TXT', p.domainsTxt],
    ['WELLKNOWN', `${p.stateDir}/well-known`],
    ['HOOK', p.hook],
    // Every challenge in one call: one wait for DNS propagation, one set of updates.
    ['HOOK_CHAIN', 'yes'],
    ['KEY_ALGO', m.key.algo],
    ['KEYSIZE', String(m.key.size)],
    ['RENEW_DAYS', String(m.renewDays)],
    // A new key with every certificate: a key that leaked stops working at the next renewal.
    ['PRIVATE_KEY_RENEW', 'yes'],
    ['OCSP_FETCH', m.ocsp ? 'yes' : 'no'],
    // Refetch when the stapled response is 3 days old (CAs sign them for about 7 days).
    ['OCSP_DAYS', '3'],
    ['LOCKFILE', `${p.stateDir}/lock`],
  ];
  if (m.email) kv.push(['CONTACT_EMAIL', m.email]);
  const lines = [generatedHeader(m.producer), `# dehydrated configuration of the ACME certificate ${m.name} (${m.caLabel}).`];
  for (const [k, v] of kv) lines.push(`${k}=${shq(v)}`);
  if (m.eab) {
    lines.push('# External account binding (secret: this file is 0600).');
    lines.push(`EAB_KID=${shq(m.eab.keyId)}`);
    lines.push(`EAB_HMAC_KEY=${shq(m.eab.hmacKey)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** dehydrated's domains.txt: the names on one line, then `> alias` (the certificate's name). */
export function renderDomainsTxt(m: AcmeModel): string {
  return `${generatedHeader(m.producer)}\n${m.domains.join(' ')} > ${m.name}\n`;
}

/** nsupdate's key file (named.conf `key` statement). */
export function renderTsigKey(m: AcmeModel): string {
  const c = m.challenge;
  if (c.kind !== 'dns-rfc2136') throw new Error('not an RFC 2136 challenge');
  return `# ${generatedHeader(m.producer).slice(2)}\nkey "${c.keyName}" {\n\talgorithm ${c.algorithm};\n\tsecret "${c.secret}";\n};\n`;
}

/** The DNS hook's environment: `NAME='value'` lines, exported to the hook program only. */
export function renderHookEnv(m: AcmeModel): string {
  const c = m.challenge;
  if (c.kind !== 'dns-hook') throw new Error('not a DNS hook challenge');
  return `${generatedHeader(m.producer)}\n${c.env.map((e) => `${e.name}=${shq(e.value)}`).join('\n')}${c.env.length ? '\n' : ''}`;
}

/** The cron entry (FreeBSD's cron reads /usr/local/etc/cron.d/, system crontab format). */
export function renderCron(m: AcmeModel): string {
  return [
    generatedHeader(m.producer),
    `# Renews the ACME certificate ${m.name} twice a day when it is due (dehydrated --cron); the time`,
    '# is spread by host and certificate, so members of a pair never renew at the same moment.',
    'SHELL=/bin/sh',
    'PATH=/etc:/bin:/sbin:/usr/bin:/usr/sbin:/usr/local/bin:/usr/local/sbin',
    `${m.cron.minute}\t${m.cron.hours.join(',')}\t*\t*\t*\troot\t${m.paths.renew} cron`,
    '',
  ].join('\n');
}

/** newsyslog(8) rotation of the log: 7 files of at most 100 kB, compressed. */
export function renderNewsyslog(m: AcmeModel): string {
  return `${generatedHeader(m.producer)}\n# logfilename\t[owner:group]\tmode\tcount\tsize\twhen\tflags\n${m.paths.log}\troot:wheel\t600\t7\t100\t*\tJC\n`;
}
