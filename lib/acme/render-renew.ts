/**
 * The wrapper around dehydrated that cron runs (POSIX sh, shellcheck-clean): registers the ACME
 * account once, renews when due, logs every run to one file and tells cron (so root's mail) only
 * about failures. `bootstrap` is for the deploy: HAProxy refuses to start on a missing `crt`
 * file, so a short-lived self-signed placeholder with the same names is put in place first,
 * and the hook replaces it (without a reload) as soon as the CA has issued the real one.
 */
import { generatedHeader } from '../core/private/header';
import { AcmeModel } from './model';
import { shq } from './private/sh';

/** The renew wrapper. */
export function renderRenew(m: AcmeModel): string {
  const p = m.paths;
  const san = m.domains.map((d) => `DNS:${d}`).join(',');
  return `#!/bin/sh
${generatedHeader(m.producer)}
# Renews the ACME certificate ${m.name} with dehydrated.
#   ${p.renew} cron        what cron runs: renew when fewer than ${m.renewDays} days are left
#   ${p.renew} placeholder before HAProxy first starts: a placeholder if there is no certificate (offline)
#   ${p.renew} bootstrap   a placeholder if there is no certificate, then renew
#   ${p.renew} force       renew now, due or not
set -eu
umask 077
PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin
export PATH
NAME=${shq(m.name)}
CONFIG=${shq(p.config)}
STATE=${shq(p.stateDir)}
PEM=${shq(p.pem)}
LOG=${shq(p.log)}
SUBJECT=${shq(m.domains[0])}
SAN=${shq(san)}

log() {
	printf '%s %s\\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$*" >>"$LOG"
}

fail() {
	log "FAILED: $*"
	printf 'cdkbsd-acme %s: %s (log: %s)\\n' "$NAME" "$*" "$LOG" >&2
	tail -n 15 "$LOG" >&2 || true
	exit 1
}

# A self-signed certificate valid for 2 days with the same names, so that HAProxy can start
# before the CA has issued the real one.
placeholder() {
	tmp="$STATE/placeholder.pem"
	openssl req -x509 -nodes ${m.key.openssl.join(' ')} -days 2 \\
		-subj "/CN=$SUBJECT" -addext "subjectAltName=$SAN" \\
		-keyout "$tmp.key" -out "$tmp.crt" >>"$LOG" 2>&1 || fail "cannot make a placeholder certificate"
	mkdir -p "\${PEM%/*}"
	cat "$tmp.crt" "$tmp.key" >"$tmp"
	rm -f "$tmp.crt" "$tmp.key"
	mv -f "$tmp" "$PEM"
	log "placeholder certificate installed at $PEM"
}

mode="\${1:-cron}"
case "$mode" in
cron | bootstrap | force | placeholder) ;;
*)
	printf 'usage: %s [cron|bootstrap|force|placeholder]\\n' "$0" >&2
	exit 64
	;;
esac

mkdir -p "$STATE/well-known" "\${LOG%/*}"
chmod 700 "$STATE"
log "start ($mode)"
if [ "$mode" = bootstrap ] || [ "$mode" = placeholder ]; then
	[ -s "$PEM" ] || placeholder
	[ "$mode" = bootstrap ] || exit 0
fi

if ! ls "$STATE"/accounts/*/account_id.json >/dev/null 2>&1; then
	dehydrated --config "$CONFIG" --register --accept-terms >>"$LOG" 2>&1 || fail "ACME account registration failed"
fi

set -- --cron
[ "$mode" = force ] && set -- --cron --force
dehydrated --config "$CONFIG" "$@" >>"$LOG" 2>&1 || fail "renewal failed"
log "done ($mode)"
`;
}
