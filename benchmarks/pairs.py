#!/usr/bin/env python3
"""Runs a baseline command and ours in alternating pairs (so both see the same
machine load), measuring each run's wall time and CPU time (user + system of
that child alone, from wait4), and prints medians and the ratios to the
baseline. Used by the benchmark scripts.

    pairs.py --pairs N [--stdin FILE] [--target-cpu X] [--target-wall X] \
        --baseline NAME -- ARGV... ; --ours NAME -- ARGV... [; --ours ...]

Commands are given as JSON on the command line to keep arguments intact:
    pairs.py '{"pairs": 30, "stdin": "req", "baseline": ["store", [...]], "ours": [["hforge", [...]]],
               "target_cpu": 1.3, "target_wall": 1.3}'
"""
import json, os, statistics, sys, time

def run(argv, stdin_path):
    stdin = open(stdin_path, "rb") if stdin_path else open(os.devnull, "rb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.dup2(stdin.fileno(), 0)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    stdin.close()
    os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed with {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_utime + usage.ru_stime

def main():
    spec = json.loads(sys.argv[1])
    pairs, stdin = spec["pairs"], spec.get("stdin")
    base_name, base_argv = spec["baseline"]
    ours = spec["ours"]
    warm = spec.get("warmup", 5)
    for _ in range(warm):
        run(base_argv, stdin)
        for _, argv in ours:
            run(argv, stdin)
    samples = {base_name: ([], [])}
    for name, _ in ours:
        samples[name] = ([], [])
    for _ in range(pairs):
        w, c = run(base_argv, stdin)
        samples[base_name][0].append(w); samples[base_name][1].append(c)
        for name, argv in ours:
            w, c = run(argv, stdin)
            samples[name][0].append(w); samples[name][1].append(c)
    med = {k: (statistics.median(v[0]) * 1000, statistics.median(v[1]) * 1000) for k, v in samples.items()}
    bw, bc = med[base_name]
    print(f"medians of {pairs} pairs (wall, CPU = user + system of the child)")
    print(f"  {base_name:44} wall {bw:7.2f} ms   CPU {bc:7.2f} ms")
    for name, _ in ours:
        w, c = med[name]
        notes = []
        for label, target, ratio in (("CPU", spec.get("target_cpu"), c / bc if bc else float("inf")),
                                     ("wall", spec.get("target_wall"), w / bw)):
            if target:
                notes.append(f"{label} target <= {target}x: {'met' if ratio <= target else 'MISSED'}")
        print(f"  {name:44} wall {w:7.2f} ms   CPU {c:7.2f} ms   ratio wall {w / bw:5.2f}x  CPU {c / bc if bc else float('inf'):5.2f}x   {'; '.join(notes)}")

main()
