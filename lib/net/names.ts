/** Checks of names that FreeBSD tools accept. */

/** A FreeBSD interface name: IFNAMSIZ is 16 with the NUL, so at most 15 characters. */
export const INTERFACE_NAME = /^[a-zA-Z][a-zA-Z0-9_.]{0,14}$/;
export const INTERFACE_NAME_ALLOWED = 'a FreeBSD interface name such as vtnet0, em0, vnet0, vlan100 or vtnet0.100 (letters, digits, _ and ., at most 15 characters, starting with a letter)';

/** The rc.conf spelling of an interface name (network.subr's ltr: . - / + become _). */
export function rcInterfaceName(name: string): string {
  return name.replace(/[.\-/+]/g, '_');
}

/** Problem with a hostname that must be a fully qualified domain name, or undefined. */
export function fqdnProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'hostname must be a string';
  if (name.length > 253) return 'hostname is longer than 253 characters';
  const labels = name.split('.');
  if (labels.length < 2) return 'hostname is not fully qualified (it needs a domain: host.example.net)';
  for (const l of labels) {
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(l)) return `hostname label "${l.slice(0, 70)}" is not valid`;
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return 'hostname ends in a numeric label';
  return undefined;
}

export const FQDN_ALLOWED = 'a fully qualified domain name: labels of letters, digits and inner hyphens (1–63 characters), separated by dots, e.g. haproxy01.example.net';
