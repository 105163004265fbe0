#!/bin/sh
# Usage: run_with_wcsim.sh WCSIM_BINARY [wcsim args...] -- COMMAND [args...]
# Starts wcsim on random loopback ports, exports WCSIM_HTTP_PORT / WCSIM_HTTPS_PORT / WCSIM_CA
# (and NODE_EXTRA_CA_CERTS), runs COMMAND, stops wcsim (by its pid) and returns COMMAND's status.
set -u
bin="$1"; shift
args=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do args="$args $1"; shift; done
[ $# -gt 0 ] && shift
dir=$(mktemp -d)
# shellcheck disable=SC2086
"$bin" $args --cert-dir "$dir" --ready-file "$dir/ready.json" > "$dir/out.log" 2>&1 &
pid=$!
i=0
while [ ! -s "$dir/ready.json" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
if [ ! -s "$dir/ready.json" ]; then echo "wcsim did not start"; cat "$dir/out.log"; kill "$pid" 2>/dev/null; exit 1; fi
WCSIM_HTTP_PORT=$(sed 's/.*"http_port":\([0-9]*\).*/\1/' "$dir/ready.json")
WCSIM_HTTPS_PORT=$(sed 's/.*"https_port":\([0-9]*\).*/\1/' "$dir/ready.json")
WCSIM_CA="$dir/cert.pem"
NODE_EXTRA_CA_CERTS="$dir/cert.pem"
export WCSIM_HTTP_PORT WCSIM_HTTPS_PORT WCSIM_CA NODE_EXTRA_CA_CERTS WCSIM_TMP="$dir"
"$@"
status=$?
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
rm -rf "$dir"
exit $status
