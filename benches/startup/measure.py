"""Start-up cost of the processes a user starts most: `flow --otp 123456` against the
embedded sandbox (wall and CPU time), and `serve` without a state file (spawn to its
ready line, to its first answer, and the CPU of a serve started and stopped).

usage: python3 benches/startup/measure.py BIN [N]   (N runs each, default 20; medians)

Each run gets fresh data and config dirs under a temp dir, so the first `flow` creates
its history and sandbox state files and the rest open them; every `serve` makes its
private temporary store. Only loopback traffic; every loop is bounded by N.
"""
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def cpu_of_children():
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def median_ms(xs):
    return f"{statistics.median(xs) * 1000:.1f} ms (min {min(xs) * 1000:.1f}, max {max(xs) * 1000:.1f})"


def main():
    binary = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    base = tempfile.mkdtemp(prefix="pse-startup-")
    env = dict(os.environ, PAYSECURE_EXPLORER_DATA_DIR=base + "/data",
               PAYSECURE_EXPLORER_CONFIG_DIR=base + "/config")
    for k in ("PAYSECURE_API_KEY", "PAYSECURE_BASE_URL", "PAYSECURE_BRAND_ID"):
        env.pop(k, None)
    walls, cpus = [], []
    for _ in range(n):
        cpu = cpu_of_children()
        t = time.perf_counter()
        run = subprocess.run([binary, "flow", "--otp", "123456"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        walls.append(time.perf_counter() - t)
        cpus.append(cpu_of_children() - cpu)
        if run.returncode != 0:
            sys.exit(f"flow exited {run.returncode}")
    ready, answered, serve_cpu = [], [], []
    for _ in range(n):
        cpu = cpu_of_children()
        t = time.perf_counter()
        serve = subprocess.Popen([binary, "serve", "--port", "0", "--json", "--quiet"], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        facts = json.loads(serve.stdout.readline())
        ready.append(time.perf_counter() - t)
        port = int(facts["base_url"].split(":")[2].split("/")[0])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"GET /_sandbox/settings HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            s.recv(64)
        answered.append(time.perf_counter() - t)
        # Whatever start-up work runs beside the first answer finishes before the stop.
        time.sleep(0.3)
        serve.terminate()
        serve.wait(timeout=10)
        serve_cpu.append(cpu_of_children() - cpu)
    print(f"flow --otp 123456 ({n} runs): wall {median_ms(walls)}; CPU {median_ms(cpus)}")
    print(f"serve, no state file ({n} starts): ready line {median_ms(ready)}; "
          f"first answer {median_ms(answered)}; CPU of a start and stop {median_ms(serve_cpu)}")


main()
