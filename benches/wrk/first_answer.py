# Spawn-to-first-answer time of `serve` (BENCHMARKS.md, "Sandbox store"): starts it, retries
# GET /_sandbox/settings every 0.5 ms until it answers 200; 5 runs. Extra serve options in
# $EXTRA, e.g. EXTRA="--state /tmp/pse-bench/state.sqlite3".
#   python3 benches/wrk/first_answer.py target/release/paysecure-explorer
import os, socket, subprocess, sys, time
args = sys.argv[1:]
port = 18090
for run in range(5):
    t0 = time.perf_counter()
    extra = os.environ.get("EXTRA", "").split()
    p = subprocess.Popen(args + ["serve", "--port", str(port), "--quiet"] + extra,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=1)
            s.sendall(b"GET /_sandbox/settings HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            if s.recv(12).startswith(b"HTTP/1.1 200"):
                break
        except OSError:
            time.sleep(0.0005)
    t1 = time.perf_counter()
    p.kill(); p.wait()
    print(f"run {run}: {(t1 - t0) * 1000:.1f} ms")
