#!/bin/sh
# gwsmock-driver.sh: a driver command for `gwsmock conform --driver-cmd`
# that forwards each action to a gwsmock's own /control/v1, with POSIX sh
# and curl only. It is the worked example of
# docs/verifying-an-implementation.md: a vendor's driver does the same
# actions by its own system's means.
#
# The runner starts it once per action, writes ONE line of JSON on stdin,
#   {"method":"POST","path":"/control/v1/interactions","body":{...}}
# (keys in that order, "body" left out when there is none), and reads ONE
# JSON answer on stdout:
#   {"status":201,"body":{...}}
# A non-zero exit status fails the step with the first 500 bytes of stderr.
#
# Where to forward: GWSMOCK_URL, else the target the runner passes in
# GWSMOCK_TARGET, else http://127.0.0.1:8090. GWSMOCK_CONTROL_TOKEN, when
# set, is sent as the bearer token of the control API.
#
#   gwsmock conform --target http://127.0.0.1:8090 \
#     --driver-cmd examples/driver/gwsmock-driver.sh
set -eu

base=${GWSMOCK_URL:-${GWSMOCK_TARGET:-http://127.0.0.1:8090}}
action=$(cat)

method=$(printf '%s\n' "$action" | sed -n 's/^{"method":"\([A-Z]*\)".*/\1/p')
path=$(printf '%s\n' "$action" | sed -n 's/^{"method":"[A-Z]*","path":"\([^"]*\)".*/\1/p')
if [ -z "$method" ] || [ -z "$path" ]; then
	echo "gwsmock-driver.sh: cannot read the action: $action" >&2
	exit 2
fi
case $path in
/control/v1/*) ;;
*)
	echo "gwsmock-driver.sh: $path is not a control path" >&2
	exit 2
	;;
esac

set -- -sS -X "$method" -H 'Accept: application/json' -w '\n%{http_code}'
if [ -n "${GWSMOCK_CONTROL_TOKEN:-}" ]; then
	set -- "$@" -H "Authorization: Bearer $GWSMOCK_CONTROL_TOKEN"
fi
case $action in
*'","body":'*)
	body=$(printf '%s\n' "$action" | sed -n 's/^{"method":"[A-Z]*","path":"[^"]*","body":\(.*\)}$/\1/p')
	set -- "$@" -H 'Content-Type: application/json' --data-binary "$body"
	;;
esac

answer=$(curl "$@" "$base$path")
status=${answer##*
}
body=${answer%"$status"}
if [ -z "$(printf '%s' "$body" | tr -d ' \n\r\t')" ]; then
	printf '{"status":%s}\n' "$status"
else
	printf '{"status":%s,"body":%s}\n' "$status" "$body"
fi
