import * as ipaddr from 'ipaddr.js';
import { valueError, ValidationError } from '../core/errors';
import { INTERFACE_NAME, INTERFACE_NAME_ALLOWED } from './names';

/**
 * An address family, named as ifconfig and pf.conf name it.
 */
export enum AddressFamily {
  /** IPv4. */
  IPV4 = 'inet',
  /** IPv6. */
  IPV6 = 'inet6',
}

type Parsed = ipaddr.IPv4 | ipaddr.IPv6;

/** Dotted-quad IPv4 as ipaddr.js's `isValidFourPartDecimal` takes it: no leading zeros. */
const FOUR_PART = /^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})$/;

const IPV6_CHARS = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$/;

function parseBare(text: string): Parsed | undefined {
  if (typeof text !== 'string') return undefined;
  // The shape of a dotted quad is one regular expression; ipaddr's own IPv4 parser (which also
  // takes hex, octal and fewer parts) costs several. The octets are checked by ipaddr's constructor.
  const quad = FOUR_PART.exec(text);
  if (quad) {
    const octets = [Number(quad[1]), Number(quad[2]), Number(quad[3]), Number(quad[4])];
    return octets[0] > 255 || octets[1] > 255 || octets[2] > 255 || octets[3] > 255 ? undefined : new ipaddr.IPv4(octets);
  }
  // Only hex digits, colons and dots (an embedded IPv4) can be an IPv6 address: anything else
  // (a prefix's `/`, a zone's `%`, a name) is refused here, before ipaddr.js would throw on it.
  if (!IPV6_CHARS.test(text)) return undefined;
  try {
    return ipaddr.IPv6.parse(text); // one parse (isValid would run the parser a second time)
  } catch {
    return undefined;
  }
}

function familyOf(p: Parsed): AddressFamily {
  return p.kind() === 'ipv4' ? AddressFamily.IPV4 : AddressFamily.IPV6;
}

function sameBytes(a: Parsed, b: Parsed): boolean {
  const x = a.toByteArray();
  const y = b.toByteArray();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function canonical(p: Parsed): string {
  return p.kind() === 'ipv4' ? p.toString() : (p as ipaddr.IPv6).toRFC5952String();
}

/**
 * An IPv4 or IPv6 address, parsed once (with ipaddr.js) and kept in canonical form
 * (IPv6 in RFC 5952 form: lower case, `::` compression).
 */
export class IpAddress {
  /**
   * Parses an address such as `10.1.60.200` or `fd5e:d1c2:c9de:60::200`.
   * @throws ValidationError when the text is not an address
   */
  public static parse(text: string): IpAddress {
    const p = parseBare(text);
    if (!p) {
      throw valueError('Not an IP address', String(text), 'an IPv4 address in dotted-quad form (10.1.60.1) or an IPv6 address (2001:db8::1)');
    }
    return new IpAddress(p, p.kind() === 'ipv4' ? text : undefined);
  }

  /** @internal Parses, or returns undefined. */
  public static _tryParse(text: string): IpAddress | undefined {
    const p = parseBare(text);
    // A dotted quad that parsed is already canonical (no leading zeros): no need to print it again.
    return p ? new IpAddress(p, p.kind() === 'ipv4' ? text : undefined) : undefined;
  }

  /** @internal An address already parsed. */
  public static _of(parsed: Parsed): IpAddress {
    return new IpAddress(parsed);
  }

  /** The address family. */
  public readonly family: AddressFamily;
  /** The canonical text of the address. */
  public readonly text: string;
  /** @internal */
  public readonly _parsed: Parsed;

  private constructor(parsed: Parsed, text?: string) {
    this._parsed = parsed;
    this.family = familyOf(parsed);
    this.text = text ?? canonical(parsed);
  }

  /** Whether this is an IPv4 address. */
  public get isIpv4(): boolean {
    return this.family === AddressFamily.IPV4;
  }

  /** Whether this is an IPv6 link-local address (fe80::/10). */
  public get isLinkLocal(): boolean {
    return this._parsed.range() === 'linkLocal';
  }

  /** Whether both are the same address. */
  public sameAs(other: IpAddress): boolean {
    return this.text === other.text;
  }

  /** The address in brackets when IPv6 (`[fd00::1]`), as URLs and HAProxy binds write it. */
  public toUriString(): string {
    return this.isIpv4 ? this.text : `[${this.text}]`;
  }

  /** The canonical text. */
  public toString(): string {
    return this.text;
  }
}

function splitCidr(kind: string, text: string): [Parsed, number] | string {
  if (typeof text !== 'string') return `${kind} must be a string`;
  const slash = text.indexOf('/');
  if (slash < 0) return `${kind} needs a prefix length after "/"`;
  const addr = parseBare(text.slice(0, slash));
  if (!addr) return `${kind} has no valid address before "/"`;
  const lenText = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(lenText)) return `${kind} has no valid prefix length after "/"`;
  const len = Number(lenText);
  const max = addr.kind() === 'ipv4' ? 32 : 128;
  if (len > max) return `${kind} prefix length is out of range`;
  return [addr, len];
}

function allowedCidr(): string {
  return 'an address with a prefix length: IPv4 /0–/32 (10.1.60.201/24) or IPv6 /0–/128 (2001:db8::1/64)';
}

/**
 * An address on an interface with the length of its on-link prefix, such as `10.1.60.201/24`
 * (host bits set, unlike an `IpPrefix`).
 */
export class InterfaceAddress {
  /**
   * Parses `address/length`.
   * @throws ValidationError when the text is not an address with a prefix length
   */
  public static parse(text: string): InterfaceAddress {
    const r = splitCidr('Interface address', text);
    if (typeof r === 'string') throw valueError(r, String(text), allowedCidr());
    return new InterfaceAddress(IpAddress._of(r[0]), r[1]);
  }

  /** The address. */
  public readonly address: IpAddress;
  /** The prefix length. */
  public readonly prefixLength: number;

  private constructor(address: IpAddress, prefixLength: number) {
    this.address = address;
    this.prefixLength = prefixLength;
  }

  /** The address family. */
  public get family(): AddressFamily {
    return this.address.family;
  }

  /** The network this address lies in (host bits cleared). */
  public get network(): IpPrefix {
    return IpPrefix._fromParts(this.address._parsed, this.prefixLength);
  }

  /** Whether the on-link prefix of this address contains `ip`. */
  public contains(ip: IpAddress): boolean {
    return this.network.contains(ip);
  }

  /** `address/length`. */
  public toString(): string {
    return `${this.address.text}/${this.prefixLength}`;
  }
}

/**
 * A network prefix such as `2003:abcd:ef12:3420::/60`: the host bits must be zero.
 */
export class IpPrefix {
  /**
   * Parses `network/length`. A bare address is taken as a host prefix (/32 or /128).
   * @throws ValidationError when the text does not parse or has host bits set
   */
  public static parse(text: string): IpPrefix {
    const r = IpPrefix._check(text);
    if (r instanceof ValidationError) throw r;
    return r;
  }

  /** @internal */
  public static _check(text: string): IpPrefix | ValidationError {
    if (typeof text === 'string' && !text.includes('/')) {
      const a = parseBare(text);
      if (a) return new IpPrefix(a, a.kind() === 'ipv4' ? 32 : 128);
    }
    const r = splitCidr('Prefix', text);
    if (typeof r === 'string') return valueError(r, String(text), 'a network prefix (2001:db8::/32, 10.0.0.0/8) or a single address');
    const [addr, len] = r;
    const net = IpPrefix._fromParts(addr, len);
    if (!sameBytes(net._network, addr)) {
      return valueError(`Prefix has host bits set; did you mean "${net.toString()}"?`, String(text), 'a network prefix whose host bits are zero');
    }
    return net;
  }

  /** @internal The prefix of length `len` that contains `addr` (its host bits cleared). */
  public static _fromParts(addr: Parsed, len: number): IpPrefix {
    const bytes = addr.toByteArray();
    for (let i = 0, bits = len; i < bytes.length; i++, bits -= 8) {
      if (bits < 8) bytes[i] &= bits <= 0 ? 0 : (0xff << (8 - bits)) & 0xff;
    }
    return new IpPrefix(ipaddr.fromByteArray(bytes), len);
  }

  /** The prefix length. */
  public readonly prefixLength: number;
  /** @internal */
  public readonly _network: Parsed;

  /** The canonical text of the network address, computed once when first asked for. */
  private networkText?: string;

  private constructor(network: Parsed, prefixLength: number) {
    this._network = network;
    this.prefixLength = prefixLength;
  }

  /** The address family. */
  public get family(): AddressFamily {
    return familyOf(this._network);
  }

  /** The network address. */
  public get networkAddress(): string {
    return (this.networkText ??= canonical(this._network));
  }

  /** Whether the prefix contains `ip` (false across families). */
  public contains(ip: IpAddress): boolean {
    if (ip.family !== this.family) return false;
    return (ip._parsed as any).match(this._network, this.prefixLength);
  }

  /** `network/length`. */
  public toString(): string {
    return `${this.networkAddress}/${this.prefixLength}`;
  }
}

/** @internal A gateway as route(8) and rc.conf write it: an address, and for a link-local one its zone. */
export interface ZonedAddress {
  readonly address: IpAddress;
  /** The interface a link-local address is reached on (`fe80::1%vtnet0` → `vtnet0`). */
  readonly zone?: string;
}

/**
 * @internal Parses `address` or `address%zone` (the zone an interface name). Whether a zone is
 * needed, and whether it names an interface of the host, is for the caller to check.
 * @returns the address, or the ValidationError that says what is wrong
 */
export function parseZonedAddress(text: unknown): ZonedAddress | ValidationError {
  const allowed = 'an IPv4 address (10.1.60.1), an IPv6 address (2001:db8::1), or a link-local IPv6 address with its interface (fe80::1%vtnet0)';
  if (typeof text !== 'string') return valueError('Not an IP address', String(text), allowed);
  const pct = text.indexOf('%');
  const address = IpAddress._tryParse(pct < 0 ? text : text.slice(0, pct));
  if (!address) return valueError('Not an IP address', text, allowed);
  if (pct < 0) return { address };
  const zone = text.slice(pct + 1);
  if (address.isIpv4) return valueError('An IPv4 address has no zone', text, 'an IPv4 address without %');
  if (!INTERFACE_NAME.test(zone)) return valueError('The zone after % is not an interface name', text, `fe80::1%<interface>, the interface being ${INTERFACE_NAME_ALLOWED}`);
  if (!address.isLinkLocal) {
    return valueError('Only a link-local address (fe80::/10) takes a zone', text, `${address.text} without %${zone}, or a link-local address with its zone`);
  }
  return { address, zone };
}
