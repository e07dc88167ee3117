#!/usr/bin/env bash
# What one full flow (create -> S2S -> callback) costs `serve`, per flow rather than per
# second, so that runs on a VM whose speed drifts can still be compared:
#   bash benches/wrk/per_flow.sh target/release/paysecure-explorer [serve options…]
# Prints, for one 8-second `wrk -t2 -c32` run of benches/wrk/full_flow.lua: the flows,
# serve's CPU per 1,000 flows by thread (clock ticks, 1/100 s; threads of one name summed,
# so tokio's blocking threads count with the runtime workers), the bytes serve wrote per
# flow (`wchar`: the state store's WAL and checkpoints and the access log; not the
# answers, which go out with `sendto`), and, when
# `perf` can read the kernel's syscall tracepoints, the system calls per flow.
# SECS= another run length; PORT= another port than 18091. Run from the repository root.
set -eu
export LC_ALL=C
if [ $# -lt 1 ]; then
  echo "usage: bash benches/wrk/per_flow.sh BIN [serve options…]" >&2
  exit 2
fi
bin=$1; shift
secs=${SECS:-8}
port=${PORT:-18091}
lua=benches/wrk/full_flow.lua
if [ ! -f "$lua" ]; then
  echo "per_flow.sh: no $lua here (run it from the repository root)" >&2
  exit 2
fi
export KEY=${KEY:-sk_test_sandbox_paysecure_explorer}
export CREATE_BODY=${CREATE_BODY:-'{"client":{"email":"buyer@example.com","street_address":"1 Test St","city":"Berlin","zip_code":"10115","country":"DE","stateCode":"BE"},"purchase":{"currency":"EUR","products":[{"name":"Order 1001","price":20.0}]},"brand_id":"brd_sandbox_explorer","success_redirect":"http://127.0.0.1:9/merchant/return/success","failure_redirect":"http://127.0.0.1:9/merchant/return/failure"}'}
export S2S_BODY=${S2S_BODY:-'{"cardholder_name":"dk","card_number":"4079722589318630","expires":"12/40","cvc":"345","remember_card":"on","remote_ip":"8.8.8.8","user_agent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/51.0.2704.103 Safari/537.36","accept_header":"text/html","language":"en-US","java_enabled":false,"javascript_enabled":true,"color_depth":24,"utc_offset":0,"screen_width":1920,"screen_height":1080}'}
out=$(mktemp -d)
serve=
counter=
cleanup() {
  if [ -n "$counter" ]; then kill "$counter" 2>/dev/null || true; fi
  if [ -n "$serve" ]; then kill "$serve" 2>/dev/null || true; fi
  rm -rf "$out"
}
trap cleanup EXIT
"$bin" serve --port "$port" --json "$@" > /dev/null 2>&1 &
serve=$!
up=no
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=yes; break; fi
  sleep 0.1
done
if [ "$up" = no ]; then
  echo "per_flow.sh: $bin serve did not answer on port $port within 10 s" >&2
  exit 1
fi
# CPU ticks by thread name (threads of one name summed), and bytes written so far.
snapshot() {
  for task in /proc/"$serve"/task/*; do
    echo "$(tr ' ' _ < "$task/comm") $(awk '{print $14 + $15}' "$task/stat")"
  done | awk '{t[$1] += $2} END {for (k in t) print k, t[k]}' | sort
}
written() { awk '/^wchar/ {print $2}' /proc/"$serve"/io; }
snapshot > "$out/before"
w0=$(written)
calls=syscalls:sys_enter_pwrite64,syscalls:sys_enter_fcntl,syscalls:sys_enter_write,syscalls:sys_enter_sendto,syscalls:sys_enter_recvfrom,syscalls:sys_enter_futex
if command -v perf > /dev/null && perf stat -e syscalls:sys_enter_write -- true > /dev/null 2>&1; then
  perf stat -x, -e "$calls" -p "$serve" -o "$out/calls" -- sleep "$secs" > /dev/null 2>&1 &
  counter=$!
fi
wrk -t2 -c32 -d"${secs}s" -s "$lua" "http://127.0.0.1:$port" > "$out/wrk"
if [ -n "$counter" ]; then wait "$counter" || true; counter=; fi
snapshot > "$out/after"
w1=$(written)
flows=$(awk '/^flows/ {print $2}' "$out/wrk")
if [ -z "$flows" ] || [ "$flows" -eq 0 ]; then
  echo "per_flow.sh: no flow completed" >&2
  cat "$out/wrk" >&2
  exit 1
fi
echo "flows $flows in ${secs} s, errors $(awk '/^flows/ {print $4}' "$out/wrk")"
join "$out/before" "$out/after" | awk -v f="$flows" '
  { d = $3 - $2; if (d > 0) { printf "ticks per 1,000 flows  %-16s %6.2f\n", $1, d * 1000 / f; t += d } }
  END { printf "ticks per 1,000 flows  %-16s %6.2f\n", "serve", t * 1000 / f }'
echo "bytes written per flow  $(( (w1 - w0) / flows ))"
if [ -f "$out/calls" ]; then
  awk -F, -v f="$flows" '$3 ~ /sys_enter_/ { sub(/.*sys_enter_/, "", $3); printf "syscalls per flow  %-10s %6.2f\n", $3, $1 / f }' "$out/calls"
fi
