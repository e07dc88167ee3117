#!/usr/bin/env bash
# Instructions `serve` executes per full flow (create -> S2S -> callback) or per create,
# counted by callgrind: the request thread's and all threads'. Unlike requests/s, the
# count does not move with the machine's load or a VM's stolen time, so it shows a
# change of a few percent that a wrk run cannot.
#   bash benches/instructions/count.sh target/release/paysecure-explorer [flows|creates]
# Needs valgrind and python3. Runs 300 and then 1,300 sequential flows under callgrind
# and prints the difference per flow (start-up and shut-down cancel out); about a minute.
# Sequential flows commit one write at a time, so the writer's figure is higher than
# under load (where writes share a commit); the request thread's is the same work.
set -eu
export LC_ALL=C
bin=$1
mode=${2:-flows}
case $mode in
  flows | creates) ;;
  *) echo "count.sh: the mode is flows or creates, not $mode" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
for tool in valgrind python3; do
  command -v "$tool" > /dev/null || { echo "count.sh: needs $tool" >&2; exit 2; }
done
export KEY=${KEY:-sk_test_sandbox_paysecure_explorer}
export CREATE_BODY=${CREATE_BODY:-'{"client":{"email":"buyer@example.com","street_address":"1 Test St","city":"Berlin","zip_code":"10115","country":"DE","stateCode":"BE"},"purchase":{"currency":"EUR","products":[{"name":"Order 1001","price":20.0}]},"brand_id":"brd_sandbox_explorer","success_redirect":"http://127.0.0.1:9/merchant/return/success","failure_redirect":"http://127.0.0.1:9/merchant/return/failure"}'}
export S2S_BODY=${S2S_BODY:-'{"cardholder_name":"dk","card_number":"4079722589318630","expires":"12/40","cvc":"345","remember_card":"on","remote_ip":"8.8.8.8","user_agent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/51.0.2704.103 Safari/537.36","accept_header":"text/html","language":"en-US","java_enabled":false,"javascript_enabled":true,"color_depth":24,"utc_offset":0,"screen_width":1920,"screen_height":1080}'}

# The serve under callgrind and its output directory, removed however the script ends.
pid=
dir=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  if [ -n "$dir" ]; then rm -rf "$dir"; fi
}
trap cleanup EXIT

# Sets counted_request and counted_all: the instructions of the request thread and of all
# threads for COUNT flows (plus start and stop). Run in this shell, not a subshell, so
# that the trap above stops serve if the driver fails.
# One request thread (`--workers 1`, serve's default on two cores), so that the figure
# is the same work on any machine.
run() {
  local count=$1 port
  port=$((20000 + RANDOM % 20000))
  dir=$(mktemp -d)
  valgrind --tool=callgrind --separate-threads=yes --dump-instr=no \
    --callgrind-out-file="$dir/cg.out" "$bin" serve --port "$port" --json --workers 1 \
    > /dev/null 2>&1 &
  pid=$!
  local up=no
  for _ in $(seq 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=yes; break; fi
    sleep 0.1
  done
  if [ "$up" = no ]; then
    echo "count.sh: $bin serve did not answer on port $port within 30 s" >&2
    exit 1
  fi
  python3 "$here/driver.py" "$port" "$count" "$mode" > /dev/null
  kill -INT "$pid"
  wait "$pid" || true
  pid=
  counted_request=0
  counted_all=0
  local ir file
  for file in "$dir"/cg.out-*; do
    ir=$(awk '/^totals:/ {print $2}' "$file")
    counted_all=$((counted_all + ir))
    # The thread that served the connections.
    if grep -q "serve_connection" "$file"; then counted_request=$((counted_request + ir)); fi
  done
  rm -rf "$dir"
  dir=
}
run 300
small_request=$counted_request
small_all=$counted_all
run 1300
large_request=$counted_request
large_all=$counted_all
unit=${mode%s}
echo "$(basename "$bin") $mode: request thread $(( (large_request - small_request) / 1000 )) instructions per $unit, all threads $(( (large_all - small_all) / 1000 ))"
