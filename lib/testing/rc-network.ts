import { readShellVars } from './parse-rc-conf';

/*
 * A model of FreeBSD's network start-up at boot, written from the sources of
 * libexec/rc/rc.d/netif, libexec/rc/rc.d/routing and libexec/rc/network.subr (function names
 * below are theirs): which `ifconfig` and `route` commands rc.d runs, in order, for an rc.conf.
 *
 *   netif start   clone_up (cloned_interfaces, create_args_<if>)  →  ifnet_rename (ifconfig_<if>_name)
 *                 →  for each interface of list_net_interfaces: ifn_start
 *                      ifconfig_up   inet6 ifdisabled, ifconfig_<if>, ifconfig_<if>_ipv6, descr, up
 *                      ipv4_up       ifconfig_<if>_aliasN starting with inet (list_vars, numeric order)
 *                      ipv6_up       … starting with inet6 (only when ifconfig_<if>_ipv6 is set)
 *                      childif_create  vlans_<if>, then ifn_start of each VLAN
 *   routing start static_inet (static_routes, then defaultrouter), static_inet6 (the built-in
 *                 reject routes, ipv6_static_routes, then ipv6_defaultrouter)
 *
 * Assumed: a kernel with INET and INET6, one FIB (net.fibs=1), no /etc/start_if.<if> scripts,
 * and /etc/defaults/rc.conf's values for what rc.conf does not set. The routing and netif
 * `options` (sysctls) and the kldload of if_vlan are left out. Anything else rc.d would do
 * with the file that the model does not cover (DHCP is covered; WLANs, address ranges, values
 * the shell would re-read through `eval`) throws, so a test never passes on a guess.
 */

/** The lines of /etc/defaults/rc.conf the network start-up reads. */
const DEFAULTS = `network_interfaces="auto"
cloned_interfaces=""
gif_interfaces=""
ipv6_network_interfaces="auto"
ipv6_activate_all_interfaces="NO"
ipv6_defaultrouter="NO"
ipv6_static_routes=""
ipv6_gateway_enable="NO"
ipv6_cpe_wanif="NO"
ipv6_default_interface="NO"
defaultrouter="NO"
static_routes=""
synchronous_dhclient="NO"
rtsol_flags=""
`;

/**
 * What FreeBSD's rc.d would do with a host's rc.conf at boot (netif and routing).
 */
export interface RcNetworkBoot {
  /** The commands, in order, as `ifconfig igb0 inet 10.0.0.1/24`, `route add default 10.0.0.254`. */
  readonly commands: string[];
  /** What rc.d would print with `warn` (obsolete or malformed settings, missing routes). */
  readonly warnings: string[];
  /** Commands that would fail: an interface that does not exist, a clone that cannot be made. */
  readonly failures: string[];
}

const CLONERS = /^(lagg|bridge|vlan|epair|tap|tun|gif|gre|lo|wg|vxlan|carp|pflog|pfsync|enc|stf|disc|edsc|ipsec|me|ovpn|geneve)[0-9]+$/;
const NOAFIF = /^(pflog|pfsync|usbus|an|ath|ipw|ipfw|iwi|iwn|ral|wi|wl|wpi)[0-9]/;
const AF_WORDS = ['inet', 'inet6', 'link', 'ether'];

/** network.subr's ltr with _punct=".-/+". */
const ltr = (s: string) => s.replace(/[.\-/+]/g, '_');
/** Unquoted expansion: field splitting on blanks. */
const words = (s: string | undefined) => (s ?? '').split(/[ \t\n]+/).filter((w) => w !== '');
const yes = (v: string | undefined) => /^(yes|true|on|1)$/i.test(v ?? '');

/** A shell glob (only `*` and `[…]` as rc.d's patterns use them) as an anchored regex. */
function glob(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '[') {
      const end = pattern.indexOf(']', i);
      re += pattern.slice(i, end + 1).replace('[!', '[^');
      i = end;
    } else re += c.replace(/[\\^$.|?+(){}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

class Boot {
  readonly commands: string[] = [];
  readonly warnings: string[] = [];
  readonly failures: string[] = [];
  /** `ifconfig -l`, in attach order. */
  private readonly ifs: string[];
  /** Variables a script sets for itself (route__default, …), over rc.conf's. */
  private readonly local = new Map<string, string>();

  constructor(private readonly vars: Record<string, string>, kernel: string[]) {
    this.ifs = [...kernel.filter((i) => i !== 'lo0'), 'lo0'];
    for (const k of Object.keys(vars)) {
      if (/^wlans_/.test(k) && vars[k] !== '') this.unsupported(k, 'wlan(4) interfaces');
    }
    if (words(vars.gif_interfaces).length > 0) this.unsupported('gif_interfaces', 'gif tunnels');
    if (words(vars.autobridge_interfaces).length > 0) this.unsupported('autobridge_interfaces', 'rc.d/bridge');
  }

  private unsupported(what: string, why: string): never {
    throw new Error(`rc.d model: ${what} needs ${why}, which the model does not cover`);
  }

  private v(name: string): string | undefined {
    return this.local.has(name) ? this.local.get(name) : this.vars[name];
  }

  /** get_if_var: `${<prefix><ltr(if)><suffix>-default}`, echoed (blanks squeezed). */
  private getIfVar(ifn: string, template: string, dflt = ''): string {
    const [prefix, suffix] = [template.slice(0, template.indexOf('IF')), template.slice(template.lastIndexOf('IF') + 2)];
    return words(this.v(`${prefix}${ltr(ifn)}${suffix}`) ?? dflt).join(' ');
  }

  /** A value the shell re-reads (`eval`): the model only follows plain words. */
  private plain(what: string, tokens: string[]): string[] {
    for (const t of tokens) {
      if (/[;&|<>()$`\\"'*?[\]{}]/.test(t) || /^[#~]/.test(t)) this.unsupported(`${what} (${t})`, 'the shell to re-read it through eval');
    }
    return tokens;
  }

  private run(argv: string[]): void {
    this.commands.push(argv.map((a) => (a === '' || /[\s"]/.test(a) ? JSON.stringify(a) : a)).join(' '));
  }

  private exists(i: string): boolean {
    return this.ifs.includes(i);
  }

  /** `ifconfig <args>`: records it, keeps the interface list, notes what would fail. */
  private ifconfig(args: string[]): void {
    this.run(['ifconfig', ...args]);
    const [ifn, op, arg] = args;
    if (op === 'create') {
      const dotted = /^(.+)\.([0-9]+)$/.exec(ifn);
      if (this.exists(ifn)) this.failures.push(`ifconfig ${ifn} create: File exists`);
      else if (!CLONERS.test(ifn) && !(dotted && this.exists(dotted[1]))) this.failures.push(`ifconfig ${ifn} create: no such cloner (Invalid argument)`);
      else if (/^epair[0-9]+$/.test(ifn)) this.ifs.push(`${ifn}a`, `${ifn}b`);
      else this.ifs.push(ifn);
    } else if (!this.exists(ifn)) {
      this.failures.push(`ifconfig ${args.join(' ')}: interface ${ifn} does not exist`);
      return;
    } else if (op === 'name') {
      this.ifs[this.ifs.indexOf(ifn)] = arg;
    }
    for (let k = 1; k < args.length - 1; k++) {
      if (['laggport', 'addm', 'vlandev'].includes(args[k]) && !this.exists(args[k + 1])) {
        this.failures.push(`ifconfig ${args.join(' ')}: ${args[k]} ${args[k + 1]}: interface does not exist`);
      }
    }
  }

  /** `ifconfig vlan create …`: the kernel names it vlan<N>, the lowest free unit. */
  private vlanCreate(args: string[]): string {
    this.run(['ifconfig', 'vlan', 'create', ...args]);
    let n = 0;
    while (this.exists(`vlan${n}`)) n++;
    this.ifs.push(`vlan${n}`);
    return `vlan${n}`;
  }

  boot(): void {
    this.cloneUp();
    for (const i of [...this.ifs]) {
      const to = this.getIfVar(i, 'ifconfig_IF_name');
      if (to) this.ifconfig([i, 'name', to]);
    }
    for (const i of this.listNetInterfaces()) this.ifnStart(i);
    this.staticInet();
    this.staticInet6();
  }

  private cloneUp(): void {
    for (const spec of words(this.v('cloned_interfaces'))) {
      const ifn = spec.split(':')[0];
      const args = this.plain(`create_args_${ltr(ifn)}`, words(this.getIfVar(ifn, 'create_args_IF')));
      if (glob('epair[0-9]*').test(ifn)) {
        if (this.exists(`${ifn}a`) || this.exists(`${ifn}b`)) continue;
      } else if (this.exists(ifn)) continue;
      this.ifconfig([ifn, 'create', ...args]);
    }
  }

  private listNetInterfaces(): string[] {
    if (/^auto$/i.test(this.v('network_interfaces') ?? '')) {
      const list = this.ifs.filter((i) => this.autoif(i));
      return [...list.filter((i) => i === 'lo0'), ...list.filter((i) => i !== 'lo0')];
    }
    const list = [...words(this.v('network_interfaces')), ...words(this.v('cloned_interfaces'))]
      .flatMap((i) => (glob('epair[0-9]*').test(i) ? [`${i}a`, `${i}b`] : [i]));
    return list.includes('lo0') ? list : ['lo0', ...list];
  }

  private rawArgs(ifn: string, af?: string): string[] {
    return words(this.getIfVar(ifn, `ifconfig_IF${af ? `_${af}` : ''}`, this.v('ifconfig_DEFAULT') ?? ''));
  }

  /** ifconfig_getargs: the arguments without the pseudo-words (DHCP, NOAUTO, WPA, vnet <jail> …). */
  private ifconfigArgs(ifn: string, af?: string): string[] {
    const out: string[] = [];
    let vnet = false;
    for (const a of this.rawArgs(ifn, af)) {
      if (vnet) vnet = false;
      else if (/^(dhcp|noauto|nosyncdhcp|syncdhcp|wpa|hostap)$/i.test(a)) continue;
      else if (a === 'vnet') vnet = true;
      else out.push(a);
    }
    return out;
  }

  private has(ifn: string, re: RegExp, af?: string): boolean {
    return this.rawArgs(ifn, af).some((a) => re.test(a));
  }

  private autoif(ifn: string): boolean {
    return !this.has(ifn, /^noauto$/i);
  }

  private ipv6if(ifn: string): boolean {
    if (ifn === 'lo0') return true;
    const list = this.v('ipv6_network_interfaces') ?? '';
    const listed = list === ifn || list.startsWith(`${ifn} `) || list.endsWith(` ${ifn}`) || list.includes(` ${ifn} `);
    if (!listed && !/^auto$/i.test(list)) return false;
    return this.rawArgs(ifn, 'ipv6').length > 0 || this.getIfVar(ifn, 'ipv6_prefix_IF') !== '' || this.getIfVar(ifn, 'ipv6_ifconfig_IF') !== '';
  }

  private ipv6Autoconf(ifn: string): boolean {
    if (/^(lo|stf|lp|sl)[0-9]/.test(ifn) || NOAFIF.test(ifn) || !this.ipv6if(ifn)) return false;
    if (yes(this.v('ipv6_gateway_enable')) || this.getIfVar(ifn, 'ipv6_prefix_IF') !== '') return false;
    if (yes(this.v('ipv6_enable'))) return !/^bridge[0-9]/.test(ifn);
    return this.has(ifn, /^accept_rtadv$/, 'ipv6') || words(this.getIfVar(ifn, 'ipv6_ifconfig_IF')).includes('accept_rtadv');
  }

  private dhcpif(ifn: string): boolean {
    if (/^(lo|stf|lp|sl)[0-9]/.test(ifn) || NOAFIF.test(ifn)) return false;
    return this.has(ifn, /^(dhcp|nosyncdhcp|syncdhcp)$/i);
  }

  private ifnStart(ifn: string): void {
    this.ifconfigUp(ifn);
    if (!NOAFIF.test(ifn)) {
      if (ifn === 'lo0' && this.getIfVar(ifn, 'ifconfig_IF') === '') this.ifconfig(['lo0', 'inet', '127.0.0.1/8', 'alias']);
      this.ifalias(ifn, 'inet', 'alias');
      if (this.ipv6if(ifn)) {
        this.ifalias(ifn, 'inet6', 'alias');
        for (let j of words(this.getIfVar(ifn, 'ipv6_prefix_IF'))) {
          const plen = j.includes('/') ? j.slice(j.indexOf('/') + 1) : '64';
          j = j.replace(/\/.*$/, '').replace(/::[^]*$/, '').replace(/:$/, '');
          this.ifconfig([ifn, 'inet6', `${j}::`, 'prefixlen', plen, 'eui64', 'alias']);
          if (yes(this.v('ipv6_gateway_enable'))) this.ifconfig([ifn, 'inet6', `${j}::`, 'prefixlen', plen, 'alias', 'anycast']);
        }
      }
    }
    this.childifCreate(ifn);
  }

  private ifconfigUp(ifn: string): void {
    let cfg = ifn === 'lo0';
    const af = !NOAFIF.test(ifn);
    if (af) {
      const opts = yes(this.v('ipv6_activate_all_interfaces')) ? ['-ifdisabled'] : ifn !== 'lo0' ? ['ifdisabled'] : [];
      if (yes(this.v('ipv6_enable')) && !/^bridge[0-9]/.test(ifn) && !yes(this.v('ipv6_gateway_enable'))) opts.push('accept_rtadv');
      if (this.v('ipv6_cpe_wanif') === ifn) opts.push('-no_radr', 'accept_rtadv');
      if (opts.length > 0) this.ifconfig([ifn, 'inet6', ...opts]);
    }
    const args = this.ifconfigArgs(ifn);
    if (args.length > 0) {
      this.ifconfig([ifn, ...this.plain(`ifconfig_${ltr(ifn)}`, args)]);
      cfg = true;
    }
    if (af) {
      let a6 = this.ifconfigArgs(ifn, 'ipv6');
      if (a6.length > 0) {
        if (glob(':*').test(a6.join(' ')) || glob('[0-9a-fA-F]*:*').test(a6.join(' '))) {
          this.warnings.push(`$ifconfig_${ifn}_ipv6 needs leading "inet6" keyword for an IPv6 address.`);
          a6 = ['inet6', ...a6];
        }
        this.ifconfig([ifn, 'inet6', '-ifdisabled']);
        this.ifconfig([ifn, ...this.plain(`ifconfig_${ltr(ifn)}_ipv6`, a6)]);
        cfg = true;
      }
      if (this.getIfVar(ifn, 'ipv6_prefix_IF') !== '') {
        this.ifconfig([ifn, 'inet6', '-ifdisabled']);
        cfg = true;
      }
      const old = words(this.getIfVar(ifn, 'ipv6_ifconfig_IF'));
      if (old.length > 0) {
        this.warnings.push(`$ipv6_ifconfig_${ifn} is obsolete.  Use ifconfig_${ifn}_ipv6 instead.`);
        this.ifconfig([ifn, 'inet6', '-ifdisabled']);
        this.ifconfig([ifn, 'inet6', ...this.plain(`ipv6_ifconfig_${ltr(ifn)}`, old)]);
        cfg = true;
      }
    }
    this.ifalias(ifn, 'link', 'alias');
    this.ifalias(ifn, 'ether', 'alias');
    const descr = this.getIfVar(ifn, 'ifconfig_IF_descr');
    if (descr !== '') this.ifconfig([ifn, 'description', descr]);
    if (this.has(ifn, /^wpa$/i)) {
      this.run(['/etc/rc.d/wpa_supplicant', 'start', ifn]);
      cfg = true;
    } else if (this.has(ifn, /^hostap$/i)) {
      this.run(['/etc/rc.d/hostapd', 'start', ifn]);
      cfg = true;
    } else if (cfg) this.ifconfig([ifn, 'up']);
    if (af && this.ipv6Autoconf(ifn)) {
      this.ifconfig([ifn, 'inet6', 'accept_rtadv', 'up']);
      this.run(['/sbin/rtsol', ...words(this.v('rtsol_flags')), ifn]);
      cfg = true;
    }
    if (this.dhcpif(ifn)) {
      if (!cfg) this.ifconfig([ifn, 'up']);
      const sync = this.has(ifn, /^nosyncdhcp$/i) ? false : this.has(ifn, /^syncdhcp$/i) || yes(this.v('synchronous_dhclient'));
      if (sync) this.run(['/etc/rc.d/dhclient', 'start', ifn]);
    }
  }

  /** ifalias_af_common: the aliases of one family, in the order rc.d finds them. */
  private ifalias(ifn: string, af: string, action: string): void {
    const vif = ltr(ifn);
    const aliasn: string[] = [];
    const listed = (prefix: string) => Object.keys(this.vars)
      .filter((k) => /^[A-Za-z0-9_]+$/.test(k) && glob(`${prefix}[0-9]*`).test(k))
      .map((k) => ({ k, n: Number(/^[0-9]*/.exec(k.slice(prefix.length))![0] || 0) }))
      .sort((a, b) => a.n - b.n || (a.k < b.k ? -1 : 1))
      .map((x) => x.k);
    for (const name of listed(`ifconfig_${vif}_alias`)) {
      const val = this.vars[name];
      const iaf = AF_WORDS.find((w) => val.startsWith(`${w} `)) ?? '';
      const subject = `${af}:${action}:${iaf}:${val}`;
      if (glob(`${af}:*:${af}:*`).test(subject)) aliasn.push(...words(val));
      else if (glob(`${af}:*::`).test(subject)) break;
      else if (glob('inet:alias::*').test(subject)) {
        aliasn.push('inet', ...words(val));
        this.warnings.push(`$${name} needs leading "inet" keyword for an IPv4 address.`);
      }
    }
    if (af === 'inet6') {
      for (const name of listed(`ipv6_ifconfig_${vif}_alias`)) {
        const val = this.vars[name];
        if (val === '') break;
        if (action === 'alias') {
          aliasn.push('inet6', ...words(val));
          this.warnings.push(`$${name} is obsolete.  Use ifconfig_${vif}_aliasN instead.`);
        }
      }
    }
    for (const a of words(this.getIfVar(ifn, 'ipv4_addrs_IF'))) aliasn.push('inet', a);
    let tmp = '';
    for (const c of [...words(this.getIfVar(ifn, 'ifconfig_IF_aliases')), ...aliasn]) {
      if (AF_WORDS.includes(c)) {
        if (tmp.startsWith(`${af} `)) this.aliasHandler(ifn, af, action, this.plain(`the aliases of ${ifn}`, words(tmp)));
        tmp = c;
      } else tmp = `${tmp} ${c}`;
    }
    if (tmp.startsWith(`${af} `)) this.aliasHandler(ifn, af, action, this.plain(`the aliases of ${ifn}`, words(tmp)));
  }

  /** ifalias_af_common_handler: one `ifconfig <if> <af> … <action>` per address. */
  private aliasHandler(ifn: string, af: string, action: string, args: string[]): void {
    if ((af === 'link' || af === 'ether') && action === '-alias') return;
    let tmp = '';
    const flush = () => {
      if (glob(`${af} *[0-9a-fA-F]-*`).test(tmp)) this.unsupported(`the alias "${tmp}" of ${ifn}`, 'address range expansion (a hex digit before "-")');
      if (tmp.startsWith(`${af} `)) this.ifconfig([ifn, ...words(tmp), action]);
    };
    for (const c of args) {
      if (c === af) {
        flush();
        tmp = af;
      } else tmp = `${tmp} ${c}`;
    }
    flush();
  }

  private childifCreate(ifn: string): void {
    for (const child of words(this.getIfVar(ifn, 'vlans_IF'))) {
      let name = child;
      if (/^[1-9][0-9]*$/.test(child)) {
        name = `${ifn}.${child}`;
        this.ifconfig([name, 'create', ...this.plain(`create_args_${ltr(name)}`, words(this.getIfVar(name, 'create_args_IF')))]);
      } else {
        const args = ['vlandev', ifn, ...this.plain(`create_args_${ltr(child)}`, words(this.getIfVar(child, 'create_args_IF')))];
        if (/^vlan[0-9][0-9]*$/.test(child)) this.ifconfig([child, 'create', ...args]);
        else this.ifconfig([this.vlanCreate(args), 'name', child]);
      }
      if (this.autoif(name)) this.ifnStart(name);
    }
  }

  private route(list: string[], varPrefix: string, extra: string[]): void {
    for (const i of list) {
      const name = i.includes(':') ? i.slice(0, i.lastIndexOf(':')) : i;
      const args = words(this.getIfVar(name, `${varPrefix}IF`));
      if (args.length > 0) this.run(['route', 'add', ...extra, ...this.plain(`${varPrefix}${ltr(name)}`, args)]);
      else this.warnings.push(`route_${name} not found${varPrefix === 'route_' ? '.' : ''}`);
    }
  }

  /** rc.d/routing static_inet add (one FIB). */
  private staticInet(): void {
    const list = ['_loopback', ...words(this.v('static_routes'))];
    this.local.set('route__loopback', '-inet 127.0.0.1 -iface lo0 ');
    const dr = this.v('defaultrouter') ?? '';
    if (!/^(no)?$/i.test(dr)) {
      list.push('_default');
      this.local.set('route__default', `default ${dr}`);
    }
    this.route(list, 'route_', []);
  }

  /** rc.d/routing static_inet6 add (one FIB). */
  private staticInet6(): void {
    const list = ['_loopback', '_lla', '_llma', '_v4mapped', '_v4compat', ...words(this.v('ipv6_static_routes'))];
    this.local.set('ipv6_route__v4mapped', '::ffff:0.0.0.0 -prefixlen 96 ::1 -reject ');
    this.local.set('ipv6_route__v4compat', '::0.0.0.0 -prefixlen 96 ::1 -reject ');
    this.local.set('ipv6_route__loopback', '::1 -prefixlen 128 -iface lo0 ');
    this.local.set('ipv6_route__lla', 'fe80:: -prefixlen 10 ::1 -reject ');
    this.local.set('ipv6_route__llma', 'ff02:: -prefixlen 16 ::1 -reject ');
    const dr = this.v('ipv6_defaultrouter') ?? '';
    if (!/^(no)?$/i.test(dr)) {
      list.push('_default');
      this.local.set('ipv6_route__default', `default ${dr}`);
    }
    this.route(list, 'ipv6_route_', ['-inet6']);
    if (yes(this.v('ipv6_gateway_enable'))) return;
    const dif = this.v('ipv6_default_interface') ?? '';
    if (/^(no|none)$/i.test(dif)) return;
    if (/^(auto)?$/i.test(dif)) this.unsupported('ipv6_default_interface', 'the link-local addresses of the running interfaces');
    this.ifconfig([dif, 'inet6', 'defaultif']);
    this.run(['sysctl', 'net.inet6.ip6.use_defaultzone=1']);
  }
}

/**
 * FreeBSD's network start-up, modelled from rc.d/netif, rc.d/routing and network.subr: the
 * `ifconfig` and `route` commands rc.d would run at boot for an rc.conf.
 */
export class RcNetworkModel {
  /**
   * Sources `rcConf` with /bin/sh (after the defaults it relies on) and runs the model.
   * @param rcConf the content of /etc/rc.conf
   * @param kernelInterfaces the interfaces the kernel has before rc.d runs (NICs, a VNET jail's
   *   interfaces), in attach order; lo0 is always there
   * @throws Error when the file cannot be sourced, or uses a feature the model does not cover
   */
  public static boot(rcConf: string, kernelInterfaces: string[]): RcNetworkBoot {
    const b = new Boot(readShellVars(`${DEFAULTS}${rcConf}`), kernelInterfaces);
    b.boot();
    return { commands: [...b.commands], warnings: [...b.warnings], failures: [...b.failures] };
  }

  private constructor() {}
}
