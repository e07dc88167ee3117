#!/bin/sh
# Seconds from `demo --auto --pace 0.2` starting in a private tmux server (80x24) to the
# tour's summary screen, then how many stops show ✔. Usage:
#   cargo build --release --locked && sh benches/demo_tour_time.sh target/release/paysecure-explorer
set -eu
BIN=${1:-target/release/paysecure-explorer}
D=$(mktemp -d)
SOCK=pse-demo-time-$$
start=$(date +%s.%N)
tmux -L "$SOCK" new-session -d -x 80 -y 24 -s b \
  "env PAYSECURE_EXPLORER_DATA_DIR=$D/data PAYSECURE_EXPLORER_CONFIG_DIR=$D/config $BIN demo --auto --pace 0.2"
until tmux -L "$SOCK" capture-pane -p -t b | grep -q "Tour complete"; do sleep 0.05; done
end=$(date +%s.%N)
ok=$(tmux -L "$SOCK" capture-pane -p -t b | grep -c "✔")
tmux -L "$SOCK" kill-server
rm -rf "$D"
echo "tour complete in $(echo "$end - $start" | bc) s; stops at their expected status: $ok"
