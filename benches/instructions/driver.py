"""Sequential flows (create -> S2S -> callback) or creates against `serve`, over one
keep-alive connection: the fixed work that `count.sh` measures in instructions.

usage: driver.py PORT COUNT flows|creates   (bodies from CREATE_BODY, S2S_BODY, KEY)
"""
import http.client
import json
import os
import re
import sys

port, count, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
create = os.environ["CREATE_BODY"]
s2s = os.environ["S2S_BODY"]
headers = {"Authorization": "Bearer " + os.environ["KEY"], "Content-Type": "application/json"}
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
done = 0
for _ in range(count):
    conn.request("POST", "/api/v1/purchases/", create, headers)
    answer = conn.getresponse()
    body = answer.read()
    if answer.status != 202:
        sys.exit(f"create answered {answer.status}: {body[:200]!r}")
    if mode == "creates":
        done += 1
        continue
    purchase_id = json.loads(body)["purchaseId"]
    conn.request("POST", f"/api/v1/p/{purchase_id}/?s2s=true", s2s, headers)
    answer = conn.getresponse()
    body = answer.read()
    if answer.status != 202:
        sys.exit(f"S2S answered {answer.status}: {body[:200]!r}")
    callback = re.sub(r"^https?://[^/]+", "", json.loads(body)["callback_url"])
    conn.request("GET", callback)
    answer = conn.getresponse()
    answer.read()
    if answer.status != 302:
        sys.exit(f"callback answered {answer.status}")
    done += 1
print(done)
