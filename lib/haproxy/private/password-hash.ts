import { createHmac } from 'crypto';
import { encrypt } from 'unixcrypt';

/** The crypt(3) salt alphabet. */
const CRYPT64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * @internal A SHA-512 crypt hash (`$6$<salt>$<hash>`, 5000 rounds: glibc's and FreeBSD's
 * default) of `password`, for HAProxy's `user … password`. The output must be the same on every
 * synth, so the 16-character salt is derived, not random: an HMAC-SHA256 keyed with the password
 * over `context` (the construct path and the user name). Equal passwords of two users or two
 * routes get different salts; nobody can compute the salt without the password.
 */
export function sha512CryptHash(password: string, context: string): string {
  const mac = createHmac('sha256', password).update(`cdkbsd basic-auth salt\0${context}`).digest();
  let salt = '';
  for (let i = 0; i < 16; i++) salt += CRYPT64[mac[i] & 63];
  return encrypt(password, `$6$${salt}`);
}
