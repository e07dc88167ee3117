#!/usr/bin/env bash
# CPU time of each of serve's threads while wrk loads it: which thread is the limit.
#   sh benches/wrk/threads.sh target/release/paysecure-explorer [serve options…]
# LUA=benches/wrk/full_flow.lua for full flows (then CREATE_BODY, S2S_BODY and KEY as the
# speed_flows bench sets them). Prints each busy thread's clock ticks (1/100 s) over 5 s
# of an 8-second run, then wrk's requests/s. Run from the repository root.
set -eu
bin=$1; shift
lua=${LUA:-benches/wrk/create_purchase.lua}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" serve --port 18089 --json "$@" > /dev/null 2>&1 &
serve=$!
sleep 0.5
PER_THREAD=10000000 wrk -t2 -c32 -d8s -s "$lua" http://127.0.0.1:18089 > "$out/wrk" &
load=$!
sleep 2
snapshot() {
  for task in /proc/"$serve"/task/*; do
    echo "$(basename "$task") $(cat "$task/comm") $(awk '{print $14 + $15}' "$task/stat")"
  done | sort
}
snapshot > "$out/before"
sleep 5
snapshot > "$out/after"
wait "$load"
kill "$serve"
wait "$serve" 2>/dev/null || true
join "$out/before" "$out/after" | awk '{ if ($5 - $3 > 0) print $2, $5 - $3 }'
grep -E "Requests/sec|flows" "$out/wrk"
