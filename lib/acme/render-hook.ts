/**
 * The dehydrated hook of one certificate: a POSIX sh script (shellcheck-clean) that publishes the
 * challenges, installs the certificate where HAProxy reads it and swaps it in the running HAProxy
 * over the runtime API (`set ssl cert` + `commit ssl cert`: no reload, no dropped connection),
 * falling back to `service haproxy reload`. And staples OCSP responses (`set ssl ocsp-response`,
 * which every HAProxy from 2.6 to 3.x has). It never prints a secret: it reads them from 0600
 * files and passes them only to nsupdate or the DNS hook program.
 */
import { generatedHeader } from '../core/private/header';
import { AcmeModel } from './model';
import { shq } from './private/sh';

/** The settings block at the top of the script (one assignment a line). */
function settings(m: AcmeModel): string[] {
  const p = m.paths;
  const c = m.challenge;
  const out = [
    `NAME=${shq(m.name)}`,
    `PEM=${shq(p.pem)}`,
    `SOCKET=${shq(p.haproxySocket)}`,
    `STATE=${shq(p.stateDir)}`,
  ];
  if (c.kind === 'dns-rfc2136') {
    out.push(`NS_SERVER=${shq(c.server)}`, `NS_PORT=${shq(String(c.port))}`, `NS_ZONE=${shq(c.zone ?? '')}`, `TSIG_KEY=${shq(p.tsigKey)}`, `PROPAGATION=${shq(String(c.propagationSeconds))}`);
  } else if (c.kind === 'dns-hook') {
    out.push(`DNS_HOOK=${shq(c.command)}`, `HOOK_ENV=${shq(p.hookEnv)}`, `PROPAGATION=${shq(String(c.propagationSeconds))}`);
  } else {
    out.push(`MAP=${shq(p.http01Map)}`);
  }
  return out;
}

/** The hook script. */
export function renderHook(m: AcmeModel): string {
  return `#!/bin/sh
${generatedHeader(m.producer)}
# dehydrated hook of the ACME certificate ${m.name}: challenges (${m.challenge.kind}), installing the
# certificate for HAProxy without a reload, OCSP stapling. Called by dehydrated as
# "hook <event> <arguments>"; unknown events are ignored, as dehydrated asks.
set -eu
umask 077
PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin
export PATH
${settings(m).join('\n')}

say() {
	printf 'cdkbsd-acme %s: %s\\n' "$NAME" "$*" >&2
}

# One command on HAProxy's runtime API (stdin: the command and its payload; stdout: the answer).
# nc -U is in FreeBSD's base system; HAProxy closes the connection after one command.
hapi() {
	nc -U -w 30 "$SOCKET"
}

haproxy_up() {
	[ -S "$SOCKET" ] || return 1
	printf 'show info\\n' | hapi 2>/dev/null | grep -q '^Name: HAProxy'
}

# The first line of an answer (for messages).
first_line() {
	printf '%s\\n' "$1" | sed -n '/./{p;q;}'
}

# Replaces $2 by the file $1 atomically. The temporary file lives beside the certificate's
# directory, not in it: HAProxy loads every file of a crt directory.
install_file() {
	stage="\${2%/*}/../.cdkbsd-acme-staging"
	tmp="$stage/\${2##*/}.$$"
	if mkdir -p "$stage" && chmod 700 "$stage" && cp "$1" "$tmp" && chmod 600 "$tmp" && mv -f "$tmp" "$2"; then
		return 0
	fi
	rm -f "$tmp"
	say "cannot write $2"
	return 1
}

# The PEM HAProxy reads: the chain, then the key, without blank lines (a blank line would end
# the runtime API's payload).
combined() {
	cat "$2" "$1" | sed '/^[[:space:]]*$/d'
}

# HAProxy's name of the certificate: the path it was loaded under (a crt directory may have
# given it a doubled slash).
cert_name() {
	printf 'show ssl cert\\n' | hapi | sed -e 's/^\\*//' | while IFS= read -r line; do
		if [ "$(printf '%s' "$line" | sed 's#//*#/#g')" = "$PEM" ]; then
			printf '%s\\n' "$line"
			break
		fi
	done
}

# Swaps the certificate in the running HAProxy: set ssl cert + commit ssl cert.
hot_swap() {
	name=$(cert_name)
	if [ -z "$name" ]; then
		say "HAProxy has not loaded $PEM"
		return 1
	fi
	answer=$({ printf 'set ssl cert %s <<\\n' "$name"; cat "$1"; printf '\\n'; } | hapi) || return 1
	case "$answer" in
	*"Transaction created"* | *"Transaction updated"*) ;;
	*)
		say "set ssl cert refused: $(first_line "$answer")"
		printf 'abort ssl cert %s\\n' "$name" | hapi >/dev/null || true
		return 1
		;;
	esac
	answer=$(printf 'commit ssl cert %s\\n' "$name" | hapi) || return 1
	case "$answer" in
	*Success*) return 0 ;;
	*)
		say "commit ssl cert failed: $(first_line "$answer")"
		printf 'abort ssl cert %s\\n' "$name" | hapi >/dev/null || true
		return 1
		;;
	esac
}

# Installs the PEM $1 for HAProxy: the file first (what a restart reads), then the running
# process over the runtime API, else a reload.
install_pem() {
	# An OCSP response of the previous certificate would not match the new one.
	rm -f "$PEM.ocsp"
	install_file "$1" "$PEM" || return 1
	if ! haproxy_up; then
		say "HAProxy is not running: $PEM is in place for its next start"
		return 0
	fi
	if hot_swap "$1"; then
		say "HAProxy serves the new certificate (runtime API, no reload)"
		return 0
	fi
	say "runtime API update failed: reloading HAProxy"
	reload_haproxy
}

reload_haproxy() {
	${m.reloadCommand}
}

deploy_cert() {
	# domain privkey cert fullchain chain timestamp
	tmp=$(mktemp "$STATE/pem.XXXXXX")
	combined "$2" "$4" >"$tmp"
	install_pem "$tmp" || { rm -f "$tmp"; return 1; }
	rm -f "$tmp"
}

unchanged_cert() {
	# domain privkey cert fullchain chain: reinstall when HAProxy's file is not this certificate
	# (a placeholder from the bootstrap, or an install that failed earlier)
	tmp=$(mktemp "$STATE/pem.XXXXXX")
	combined "$2" "$4" >"$tmp"
	if cmp -s "$tmp" "$PEM"; then
		rm -f "$tmp"
		return 0
	fi
	say "$PEM is not the current certificate: installing it"
	install_pem "$tmp" || { rm -f "$tmp"; return 1; }
	rm -f "$tmp"
}

deploy_ocsp() {
	# domain ocsp.der timestamp: HAProxy reads $PEM.ocsp at start; the running one gets it now
	install_file "$2" "$PEM.ocsp" || return 1
	haproxy_up || return 0
	answer=$(printf 'set ssl ocsp-response %s\\n' "$(openssl base64 -A -in "$2")" | hapi) || answer=''
	case "$answer" in
	*updated*) say "OCSP response stapled" ;;
	*) say "HAProxy did not take the OCSP response: $(first_line "$answer") (it is read at the next reload)" ;;
	esac
}
${challengeFunctions(m)}
event="\${1:-}"
[ $# -gt 0 ] && shift
case "$event" in
deploy_challenge) challenge_add "$@" ;;
clean_challenge) challenge_remove "$@" ;;
deploy_cert) deploy_cert "$@" ;;
unchanged_cert) unchanged_cert "$@" ;;
deploy_ocsp) deploy_ocsp "$@" ;;
invalid_challenge) say "the CA refused the challenge for $1: $(first_line "\${2:-}")" ;;
request_failure) say "ACME request failed with HTTP status $1: $(first_line "\${2:-}")" ;;
*) ;;
esac
`;
}

function challengeFunctions(m: AcmeModel): string {
  const c = m.challenge;
  if (c.kind === 'dns-rfc2136') {
    return `
# RFC 2136: one update per name, signed with the TSIG key (nsupdate reads it from its 0600
# file; the secret is never on a command line). Deleting names the value, so the other
# member's record for the same name (each renews on its own) stays.
nsupdate_txt() {
	op=$1
	shift
	while [ $# -ge 3 ]; do
		record="_acme-challenge.\${1#\\*.}."
		{
			printf 'server %s %s\\n' "$NS_SERVER" "$NS_PORT"
			[ -z "$NS_ZONE" ] || printf 'zone %s\\n' "$NS_ZONE"
			if [ "$op" = add ]; then
				printf 'update add %s 60 IN TXT "%s"\\n' "$record" "$3"
			else
				printf 'update delete %s IN TXT "%s"\\n' "$record" "$3"
			fi
			printf 'send\\n'
		} | nsupdate -t 30 -k "$TSIG_KEY" || { say "nsupdate ($op) failed for $record"; return 1; }
		shift 3
	done
}

challenge_add() {
	nsupdate_txt add "$@"
	[ "$PROPAGATION" -eq 0 ] || sleep "$PROPAGATION"
}

challenge_remove() {
	nsupdate_txt delete "$@" || true
}
`;
  }
  if (c.kind === 'dns-hook') {
    return `
# A DNS hook program named by the user: its variables (secrets) come from a 0600 file and are
# exported to it alone.
run_dns_hook() {
	(
		if [ -f "$HOOK_ENV" ]; then
			set -a
			# shellcheck disable=SC1090
			. "$HOOK_ENV"
			set +a
		fi
		exec "$DNS_HOOK" "$@"
	)
}

challenge_add() {
	run_dns_hook deploy_challenge "$@" || { say "DNS hook $DNS_HOOK failed (deploy_challenge)"; return 1; }
	[ "$PROPAGATION" -eq 0 ] || sleep "$PROPAGATION"
}

challenge_remove() {
	run_dns_hook clean_challenge "$@" || say "DNS hook $DNS_HOOK failed (clean_challenge)"
}
`;
  }
  return `
# HTTP-01: HAProxy answers /.well-known/acme-challenge/<token> from the map $MAP, which this
# hook fills over the runtime API (HAProxy must run).
challenge_add() {
	haproxy_up || { say "HTTP-01 needs HAProxy running (runtime API at $SOCKET)"; return 1; }
	while [ $# -ge 3 ]; do
		answer=$(printf 'add map %s %s %s\\n' "$MAP" "$2" "$3" | hapi)
		if [ -n "$(first_line "$answer")" ]; then
			say "add map failed: $(first_line "$answer")"
			return 1
		fi
		shift 3
	done
}

challenge_remove() {
	while [ $# -ge 3 ]; do
		printf 'del map %s %s\\n' "$MAP" "$2" | hapi >/dev/null 2>&1 || true
		shift 3
	done
}
`;
}
