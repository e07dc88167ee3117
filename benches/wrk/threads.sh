#!/usr/bin/env bash
# CPU time of each of serve's threads while wrk loads it: which thread is the limit.
#   bash benches/wrk/threads.sh target/release/paysecure-explorer [serve options…]
# LUA=benches/wrk/full_flow.lua for full flows (then CREATE_BODY, S2S_BODY and KEY as the
# speed_flows bench sets them); PORT= another port than 18089. Prints each busy thread's
# clock ticks (1/100 s) over 5 s of an 8-second run, then wrk's requests/s. Run from the
# repository root.
set -eu
export LC_ALL=C
bin=$1; shift
lua=${LUA:-benches/wrk/create_purchase.lua}
if [ ! -f "$lua" ]; then
  echo "threads.sh: no $lua here (run it from the repository root)" >&2
  exit 2
fi
port=${PORT:-18089}
out=$(mktemp -d)
serve=
cleanup() {
  if [ -n "$serve" ]; then kill "$serve" 2>/dev/null || true; fi
  rm -rf "$out"
}
trap cleanup EXIT
"$bin" serve --port "$port" --json "$@" > /dev/null 2>&1 &
serve=$!
# Up to 10 s for the first answer (a large state file opens in milliseconds, but a
# loaded machine may take longer).
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.1
done
PER_THREAD=10000000 wrk -t2 -c32 -d8s -s "$lua" "http://127.0.0.1:$port" > "$out/wrk" &
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
join "$out/before" "$out/after" | awk '{ if ($5 - $3 > 0) print $2, $5 - $3 }'
grep -E "Requests/sec|flows" "$out/wrk"
