#!/usr/bin/env bash
# The coordinator, in one run (release build, static runtime): cold start
# (from no coordinator to the first answered request, as a tool sees it:
# spawn, lock, database, listen, answer), the median round trip of a session
# register + deregister while it runs, and its resident memory when idle.
# Beside them, `git --version` as the machine's floor for starting a process.
#
#   benchmarks/coordinator.sh [COLD_RUNS [ROUND_TRIPS]]
# Targets (issue 6): cold start under 150 ms, round trip under 2 ms median,
# idle memory under 15 MiB (our own HTTP server, no Foundation proper; it was 28 MiB with FlyingFox).
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/common.sh
isolated_home
hyperfine -N --style none --warmup 20 --runs 300 --export-json "$work/git.json" 'git --version' >/dev/null 2>&1
# The installed coordinator (a link to hyperforge), never a stale build product.
HFORGE_COORDINATOR_PROGRAM="$bin/hyperforge-coordinator" "$build_bin/coordinator-bench" "${1:-15}" "${2:-2000}" > "$work/coordinator.json"
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
c = json.load(open(f"{work}/coordinator.json"))
git = json.load(open(f"{work}/git.json"))["results"][0]["median"] * 1000
print(f"cold start      {c['cold_start_ms']:8.2f} ms median of {c['cold_runs']}   (git --version {git:.2f} ms)   target < 150 ms: {'met' if c['cold_start_ms'] < 150 else 'MISSED'}")
print(f"round trip      {c['round_trip_ms']:8.3f} ms median of {c['round_trips']} register+deregister (p90 {c['round_trip_p90_ms']:.3f} ms)   target < 2 ms: {'met' if c['round_trip_ms'] < 2 else 'MISSED'}")
print(f"idle memory     {c['idle_rss_mib']:8.1f} MiB resident   target < 15 MiB: {'met' if c['idle_rss_mib'] < 15 else 'MISSED'}")
PY
