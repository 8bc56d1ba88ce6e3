/** HAProxy's rule for proxy, server and ACL names (`invalid_char`): letters, digits, - _ . : */
export const HAPROXY_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
export const HAPROXY_NAME_ALLOWED = 'letters, digits, -, _, . and : (1–64 characters), e.g. be_app';

/** A DNS name or a wildcard `*.example.net`. Lower-cased. */
const LABEL = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';
export const DOMAIN = new RegExp(`^(\\*\\.)?(${LABEL}\\.)+${LABEL}$`);
export const DOMAIN_ALLOWED = 'a domain name such as app.example.net, or a wildcard such as *.example.net (any name ending in .example.net)';

/** Whether `n` is an integer port 1–65535. */
export function isPort(n: unknown): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}
