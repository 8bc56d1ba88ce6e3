/** Checks of a CARP password against what FreeBSD's ifconfig and rc.d do with it. */

/** ifconfig copies the password with strlcpy into CARP_KEY_LEN (20) bytes: 19 count. */
export const CARP_KEY_MAX = 19;

export const PASSWORD_ALLOWED =
  `1–${CARP_KEY_MAX} characters of A–Z a–z 0–9 . _ + = , : @ % ^ (no hyphen, no spaces or shell metacharacters), and not one of the words inet, inet6, link, ether`;

export interface PasswordFindings {
  /** Reasons the password breaks rc.d or ifconfig (errors). */
  readonly errors: string[];
  /** Risks that are legal (warnings). */
  readonly warnings: string[];
}

/**
 * Examines a CARP password. Messages never contain the password.
 */
export function examinePassword(pw: string): PasswordFindings {
  const errors: string[] = [];
  const warnings: string[] = [];
  const bytes = Buffer.byteLength(pw, 'utf8');
  if (pw.length === 0) errors.push('it is empty');
  if (pw.includes('-')) {
    errors.push(
      "it contains a hyphen: FreeBSD's rc.d (network.subr, ifalias_af_common_handler) treats an alias value matching 'inet *[0-9a-fA-F]-*' as an address range and recurses on it without end, so the CARP aliases are never configured at boot",
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(pw)) errors.push('it contains whitespace or a control character: rc.d splits the alias value into words');
  else if (/[$`\\"';&|<>(){}*?\[\]!~#]/.test(pw)) errors.push('it contains a shell metacharacter: rc.d passes the alias value through eval');
  else if (/[^A-Za-z0-9._+=,:@%^-]/.test(pw)) errors.push('it contains a character outside the safe set');
  if (['inet', 'inet6', 'link', 'ether'].includes(pw)) errors.push('it is one of the words inet, inet6, link, ether, which rc.d reads as the start of a new address');
  if (bytes > CARP_KEY_MAX) {
    const msg = `it is ${bytes} bytes long but ifconfig keeps only the first ${CARP_KEY_MAX} (strlcpy into the 20-byte CARP key), so the effective password is ${CARP_KEY_MAX} characters`;
    if (errors.length > 0) errors.push(msg);
    else warnings.push(msg);
  }
  if (errors.length === 0 && bytes < 8) warnings.push(`it is short (${bytes} characters); use 12–19 random characters`);
  return { errors, warnings };
}
