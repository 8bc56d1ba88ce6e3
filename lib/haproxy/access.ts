import { IConstruct } from 'constructs';
import { Diagnostics, IReporter } from '../core/diagnostics';
import { Secret } from '../core/secret';
import { AddressFamily, IpPrefix } from '../net/address';
import { SourceListModel, UserlistModel } from './model-routing';
import { sha512CryptHash } from './private/password-hash';

/** A user of a route's basic auth. */
export interface HaproxyBasicAuthUser {
  /** The user name: letters, digits, `.`, `_` and `-`, 1–64 characters. */
  readonly name: string;
  /**
   * The password. haproxy.conf holds only its SHA-512 crypt hash (`password $6$…`, never
   * `insecure-password`); the salt is derived from the password and the route's construct path,
   * so the same app gives the same file on every synth.
   */
  readonly password: Secret;
}

/**
 * HTTP basic auth on a route: a `userlist` with the users' password hashes, and a 401 with
 * `WWW-Authenticate` for requests of the route without valid credentials.
 *
 * Checking a SHA-512 crypt hash costs HAProxy about a millisecond of CPU per request of the
 * route: fine for an admin area, not for an API under heavy load.
 */
export interface HaproxyBasicAuthProps {
  /** The users allowed in (at least one). */
  readonly users: HaproxyBasicAuthUser[];
  /**
   * The realm browsers show in the login prompt (printable ASCII without `"` and `\`, 1–64
   * characters).
   * @default 'Restricted'
   */
  readonly realm?: string;
}

const USER = /^[A-Za-z0-9._-]{1,64}$/;
const REALM = /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

/** @internal Parses a list of source prefixes. Every bad one is reported on `scope`. */
export function parseSources(scope: IConstruct, what: string, list: unknown): IpPrefix[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    Diagnostics.error(scope, `${what} must be a list of prefixes`, { value: String(list), allowed: "a list such as ['10.0.0.0/8', '2001:db8::/32']" });
    return [];
  }
  const out: IpPrefix[] = [];
  for (const text of list) {
    const p = Diagnostics.tryParse(scope, what, () => IpPrefix.parse(text));
    if (p && !out.some((x) => x.toString() === p.toString())) out.push(p);
  }
  return out;
}

/** @internal A prefix as text: canonical, a host prefix (/32, /128) as the bare address. */
export function prefixText(p: IpPrefix): string {
  return p.prefixLength === (p.family === AddressFamily.IPV4 ? 32 : 128) ? p.networkAddress : p.toString();
}

/** @internal Allow and deny lists as model text (canonical prefixes), or undefined when both are empty. */
export function sourceModel(allow: IpPrefix[], deny: IpPrefix[]): SourceListModel | undefined {
  if (allow.length === 0 && deny.length === 0) return undefined;
  return { allow: allow.map(prefixText), deny: deny.map(prefixText) };
}

/** @internal Checks the shape of basic-auth props at construction (the secrets are read at synth). */
export function checkBasicAuth(scope: IConstruct, props: HaproxyBasicAuthProps, what: string): void {
  if (typeof props !== 'object' || props === null) {
    Diagnostics.error(scope, `${what} must be an object with users`, { value: String(props), allowed: "{ users: [{ name: 'admin', password: Secret.fromEnv('ADMIN_PW') }] }" });
    return;
  }
  const users = Array.isArray(props.users) ? props.users : [];
  if (users.length === 0) {
    Diagnostics.error(scope, `${what} needs at least one user`, { value: String(props.users), allowed: "users: [{ name: 'admin', password: Secret.fromEnv('ADMIN_PW') }]" });
  }
  const seen = new Set<string>();
  for (const u of users) {
    if (typeof u?.name !== 'string' || !USER.test(u.name)) {
      Diagnostics.error(scope, `${what} user name is not valid`, { value: String(u?.name), allowed: 'letters, digits, . _ - (1–64 characters)' });
    } else if (seen.has(u.name)) {
      Diagnostics.error(scope, `${what} names a user twice`, { value: u.name, allowed: 'each user once' });
    } else {
      seen.add(u.name);
    }
    if (!(u?.password instanceof Secret)) {
      Diagnostics.error(scope, `${what} password of ${String(u?.name)} must be a Secret`, { value: typeof u?.password, allowed: 'Secret.fromEnv / fromFile / fromLiteral' });
    }
  }
  if (props.realm !== undefined && (typeof props.realm !== 'string' || !REALM.test(props.realm))) {
    Diagnostics.error(scope, `${what} realm is not valid`, { value: String(props.realm), allowed: 'printable ASCII without " and \\, 1–64 characters' });
  }
}

/** @internal Reads the passwords at synth: a missing or empty one is an error (the value is never shown). */
export function checkBasicAuthSecrets(r: IReporter, props: HaproxyBasicAuthProps, what: string): void {
  for (const u of Array.isArray(props?.users) ? props.users : []) {
    if (!(u?.password instanceof Secret)) continue;
    const p = u.password._resolve();
    if (p.problem) r.error(`${what} password of ${u.name}: ${p.problem}`, { value: u.password.describe() });
    else if (p.value === '') r.error(`${what} password of ${u.name} is empty`, { value: u.password.describe(), allowed: 'a non-empty password' });
  }
}

/**
 * @internal The userlist of one route: each user with the SHA-512 crypt hash of its password.
 * @param context what makes the salts of this route's users unique (its construct path)
 */
export function userlistModel(name: string, props: HaproxyBasicAuthProps, context: string): UserlistModel {
  const users = (props.users ?? []).filter((u) => u?.password instanceof Secret && typeof u.name === 'string').map((u) => {
    const value = u.password._resolve().value ?? '';
    return { name: u.name, hash: value === '' ? '*' : sha512CryptHash(value, `${context}\0${u.name}`) };
  });
  return { name, users };
}
