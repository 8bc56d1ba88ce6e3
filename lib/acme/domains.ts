import { Problem } from './private/sh';

/** Most names one certificate may carry (Let's Encrypt's limit, ZeroSSL's is lower on free plans). */
export const MAX_NAMES = 100;

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** @internal What is wrong with one certificate name (`app.example.net`, `*.example.net`). */
export function domainProblem(name: unknown): Problem | undefined {
  const allowed = 'a lower-case DNS name such as app.example.net, or a wildcard *.example.net (the * alone as the leftmost label)';
  if (typeof name !== 'string' || name === '') return { message: 'Certificate name must be a non-empty string', value: String(name), allowed };
  // eslint-disable-next-line no-control-regex
  if (/[^\x21-\x7e]/.test(name)) return { message: 'Certificate name must be ASCII (write an internationalized name in its xn-- form)', value: name, allowed };
  if (name !== name.toLowerCase()) return { message: 'Certificate name must be lower case', value: name, allowed: `${name.toLowerCase()}` };
  if (name.endsWith('.')) return { message: 'Certificate name must not end with a dot', value: name, allowed: name.replace(/\.+$/, '') };
  if (name.length > 253) return { message: 'Certificate name is longer than 253 characters', value: `${name.slice(0, 60)}…`, allowed };
  const labels = name.split('.');
  const wildcard = labels[0] === '*';
  if (labels.slice(wildcard ? 1 : 0).some((l) => l.includes('*')) || (!wildcard && name.includes('*'))) {
    return { message: 'A wildcard is allowed only as the whole leftmost label (*.example.net)', value: name, allowed };
  }
  const rest = wildcard ? labels.slice(1) : labels;
  if (rest.length < 2) return { message: wildcard ? 'A wildcard must cover a domain of at least two labels (*.example.net, not *.net)' : 'Certificate name must have at least two labels', value: name, allowed };
  for (const l of rest) {
    if (!LABEL.test(l)) return { message: `Certificate name has an invalid label "${l.slice(0, 64)}"`, value: name, allowed };
  }
  if (/^[0-9]+$/.test(rest[rest.length - 1])) return { message: 'Certificate name must be a DNS name, not an IP address', value: name, allowed };
  return undefined;
}

/** @internal Problems of a certificate's list of names. */
export function domainListProblems(names: unknown, dns: boolean): Problem[] {
  if (!Array.isArray(names) || names.length === 0) return [{ message: 'A certificate needs at least one domain', value: JSON.stringify(names ?? null), allowed: 'e.g. ["example.net", "*.example.net"]' }];
  const out: Problem[] = [];
  if (names.length > MAX_NAMES) out.push({ message: `A certificate carries at most ${MAX_NAMES} names`, value: String(names.length), allowed: `1–${MAX_NAMES} names` });
  const seen = new Set<string>();
  for (const n of names) {
    const p = domainProblem(n);
    if (p) { out.push(p); continue; }
    if (seen.has(n)) out.push({ message: 'Certificate name is listed twice', value: n, allowed: 'each name once' });
    seen.add(n);
    if (!dns && n.startsWith('*.')) out.push({ message: 'A wildcard name needs a DNS-01 challenge (HTTP-01 cannot prove a wildcard)', value: n, allowed: 'AcmeChallenge.dnsRfc2136(...) or AcmeChallenge.dnsHook(...)' });
  }
  return out;
}

/** Whether the certificate name `pattern` (exact or `*.` wildcard) covers the host name `domain`. */
function nameCovers(pattern: string, domain: string): boolean {
  if (pattern === domain) return true;
  if (!pattern.startsWith('*.')) return false;
  const base = pattern.slice(1); // ".example.net"
  if (!domain.endsWith(base)) return false;
  const left = domain.slice(0, domain.length - base.length);
  // One whole label, never a wildcard itself (RFC 6125: * matches exactly one label).
  return left.length > 0 && !left.includes('.') && left !== '*';
}

function norm(d: string): string {
  return String(d).toLowerCase().replace(/\.$/, '');
}

/**
 * Which names certificates cover, as TLS clients match them (RFC 6125): `*.example.net` covers
 * `app.example.net`, not `example.net` nor `a.b.example.net`. A frontend's wildcard domain is
 * covered only by the same wildcard.
 */
export class AcmeDomains {
  /** Whether `domain` is covered by one of `certificateNames`. */
  public static covers(certificateNames: string[], domain: string): boolean {
    const d = norm(domain);
    return certificateNames.some((n) => nameCovers(norm(n), d));
  }

  /** The `domains` not covered by any of `certificateNames`, in their order, each once. */
  public static uncovered(certificateNames: string[], domains: string[]): string[] {
    const out: string[] = [];
    for (const d of domains) {
      if (!AcmeDomains.covers(certificateNames, d) && !out.includes(d)) out.push(d);
    }
    return out;
  }

  private constructor() {}
}
