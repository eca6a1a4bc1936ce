#!/usr/bin/env bash
# Times `git realm mcp`'s tools on a member of a generated realm (200
# contracts, 400 bindings, 100 member repositories, 100 domains:
# benchmarks/generate_realm.py) beside `git realm status --json` on the same
# repository, in one run, and prints medians:
#   git realm status --json   a process per call (hyperfine), the index cached;
#   realm_status              one server kept running, each call a JSON-RPC
#                             round trip over its stdin and stdout (a scripted
#                             client, timing every call), the index cached;
#   realm_check, contract_get the same, for the record.
#
#   benchmarks/mcp.sh [--runs N]
# Target (issue 19): realm_status under 20 ms median, warm.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=200
[ "${1:-}" = "--runs" ] && runs="$2"

. benchmarks/common.sh

isolated_home

generated_realm
echo "realm: $(git -C "$work/realm" ls-files | grep -c /contracts/) contracts, $(git -C "$work/realm" ls-files | grep -c /bindings/) bindings, $(git -C "$work/realm" ls-files | grep -c ^repos/) repositories"

joined_member   # its realm read once: the index is cached from here on

hyperfine -N --style none --warmup 10 --runs "$runs" --export-json "$work/status.json" 'git realm status --json' >/dev/null

python3 - "$runs" "$work/status.json" <<'PY'
import json, statistics, subprocess, sys, time
runs = int(sys.argv[1])
cli = json.load(open(sys.argv[2]))["results"][0]
# Buffered: an unbuffered pipe's readline reads a byte per system call.
server = subprocess.Popen(["git", "realm", "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=1 << 16)
next_id = 0
def call(method, params=None):
    global next_id
    next_id += 1
    message = {"jsonrpc": "2.0", "id": next_id, "method": method}
    if params is not None:
        message["params"] = params
    server.stdin.write((json.dumps(message) + "\n").encode())
    server.stdin.flush()
    while True:
        line = server.stdout.readline()
        if not line:
            sys.exit("the server closed its output")
        answer = json.loads(line)
        if answer.get("id") == next_id:
            if "error" in answer or answer.get("result", {}).get("isError"):
                sys.exit(f"{method} failed: {answer}")
            return answer
call("initialize", {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}})
server.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
server.stdin.flush()
def timed(tool, arguments, n):
    for _ in range(10):
        call("tools/call", {"name": tool, "arguments": arguments})
    times = []
    for _ in range(n):
        start = time.perf_counter()
        call("tools/call", {"name": tool, "arguments": arguments})
        times.append(time.perf_counter() - start)
    return times
status = timed("realm_status", {}, runs)
check = timed("realm_check", {}, max(20, runs // 4))
contract = timed("contract_get", {"contract": "domain-000/contract-000-a"}, max(20, runs // 4))
server.stdin.close()
code = server.wait(timeout=60)
ms = lambda t: statistics.median(t) * 1000
p90 = lambda t: sorted(t)[int(len(t) * 0.9)] * 1000
s, c = ms(status), cli["median"] * 1000
print(f"medians: {len(status)} realm_status calls on one server, {len(cli['times'])} runs of git realm status --json")
print(f"realm_status (mcp, warm)      {s:7.2f} ms  (p90 {p90(status):6.2f} ms)   git realm status --json {c:6.2f} ms   ratio {s / c:5.2f}x  target < 20 ms: {'met' if s < 20 else 'MISSED'}")
print(f"realm_check (mcp, kept report) {ms(check):6.2f} ms  (p90 {p90(check):6.2f} ms)")
print(f"contract_get (mcp)            {ms(contract):7.2f} ms  (p90 {p90(contract):6.2f} ms)")
print(f"server exit status after the client closed its input: {code}")
PY
