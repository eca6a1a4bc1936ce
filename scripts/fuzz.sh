#!/usr/bin/env bash
# Fuzzes hyperforge's parsers with libFuzzer (README: "Development").
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]     each target for SECONDS (default 60);
#                                              TARGET may be a comma-separated list
#   scripts/fuzz.sh --minimize TARGET FILE     shrink a reproducer (writes FILE.min)
#   scripts/fuzz.sh --list                     the targets
#
# Targets: json schema config auth realm semver remote-url credential http
# (fuzz/Sources/hyperforge-fuzz/*Target.swift say what each checks).
#
# The harness is the package in fuzz/, which depends on this one by path:
# it is built with the real library code, instrumented for libFuzzer and
# AddressSanitizer, into fuzz/.build (the normal .build is untouched).
# Each run starts from the committed seeds (fuzz/corpus/TARGET), the
# regression inputs (Tests/Fixtures/fuzz/TARGET) and the inputs earlier runs
# found (fuzz/.build/corpus/TARGET, kept), with the target's dictionary
# (fuzz/dict/TARGET.dict).
#
# Exit status: 0 when no target found anything; 1 when one crashed, hung
# (an input taking more than FUZZ_TIMEOUT seconds, default 10), leaked or
# ran out of memory (FUZZ_RSS_MB, default 2048), with the reproducer's
# path printed (it is under fuzz/artifacts/TARGET/); 2 on a usage or build
# error. FUZZ_JOBS=N runs N targets at a time (default 1); FUZZ_CONFIG=debug
# builds the harness in debug mode (see below).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"

targets=(json schema config auth realm semver remote-url credential http)
# release (default) fuzzes about twice as fast; debug builds in a third of
# the time (1.5 min from clean here, against 4.8), which a short CI run prefers.
build_config=${FUZZ_CONFIG:-release}
case $build_config in release|debug) ;; *) echo "fuzz.sh: FUZZ_CONFIG is release or debug" >&2; exit 2 ;; esac
binary=fuzz/.build/$build_config/hyperforge-fuzz
timeout_s=${FUZZ_TIMEOUT:-10}
rss_mb=${FUZZ_RSS_MB:-2048}
jobs=${FUZZ_JOBS:-1}
# Swift's own crash handler reads memory ASan treats as poisoned; libFuzzer prints the stack.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0}

usage() {
    echo "usage: scripts/fuzz.sh [TARGET|all] [SECONDS] | --minimize TARGET FILE | --list" >&2
    echo "targets: ${targets[*]}" >&2
    exit 2
}

known() { local t; for t in "${targets[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }

build() {
    mkdir -p fuzz/.build
    # SwiftPM does not plan a path dependency again when files are added to
    # it or removed: drop the cached plan (what was compiled stays).
    rm -f "fuzz/.build/$build_config.yaml" fuzz/.build/*/"$build_config"/description.json
    echo "fuzz.sh: building the harness (fuzz/.build, $build_config, -sanitize=fuzzer,address)" >&2
    if ! swift build --package-path fuzz -c "$build_config" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing \
        -Xcc -fsanitize=fuzzer-no-link,address -Xcxx -fsanitize=fuzzer-no-link,address >fuzz/.build/build.log 2>&1; then
        cat fuzz/.build/build.log >&2
        echo "fuzz.sh: the harness did not build" >&2
        exit 2
    fi
    grep -E "warning: " fuzz/.build/build.log >&2 || true
}

# run TARGET SECONDS: one libFuzzer run; prints a summary line; returns non-zero on a finding.
run() {
    local target=$1 seconds=$2
    local work=fuzz/.build/corpus/$target artifacts=fuzz/artifacts/$target/ log=fuzz/.build/logs/$target.log
    mkdir -p "$work" "$artifacts" "$(dirname "$log")"
    local options=(-max_total_time="$seconds" -timeout="$timeout_s" -rss_limit_mb="$rss_mb" -malloc_limit_mb="$rss_mb"
                   -artifact_prefix="$artifacts" -print_final_stats=1)
    [ -f "fuzz/dict/$target.dict" ] && options+=(-dict="fuzz/dict/$target.dict")
    local asan=$ASAN_OPTIONS
    case $target in
        # TOMLKit leaks every parse (fuzz/lsan.supp): checking for leaks after
        # each input would find that one every time, at 50 times the cost.
        config|auth) options+=(-detect_leaks=0); asan=$asan:detect_leaks=0 ;;
    esac
    local seeds=("fuzz/corpus/$target")
    [ -d "Tests/Fixtures/fuzz/$target" ] && seeds+=("Tests/Fixtures/fuzz/$target")
    local status=0
    HFORGE_FUZZ_TARGET=$target ASAN_OPTIONS=$asan "$binary" "${options[@]}" "$work" "${seeds[@]}" >"$log" 2>&1 || status=$?
    local runs corpus
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    corpus=$(find "$work" "${seeds[@]}" -type f | wc -l)
    if [ "$status" -eq 0 ]; then
        echo "fuzz.sh: $target: ok, ${runs:-?} executions in ${seconds} s, corpus $corpus inputs"
        return 0
    fi
    local unit kind
    unit=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    kind=$(grep -oE "ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer): [a-zA-Z -]+" "$log" | head -1)
    echo "fuzz.sh: $target: FOUND ${kind:-a failure (exit $status)} after ${runs:-?} executions" >&2
    grep -m1 -E "Fatal error|Assertion .* failed" "$log" | cut -c1-400 >&2 || true
    if [ -n "$unit" ]; then
        echo "fuzz.sh: $target: reproducer: $unit" >&2
        echo "fuzz.sh: $target: reproduce: HFORGE_FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no $binary $unit" >&2
    fi
    echo "fuzz.sh: $target: log: $log" >&2
    return 1
}

case "${1:-all}" in
    --list) printf '%s\n' "${targets[@]}"; exit 0 ;;
    --minimize)
        [ $# -eq 3 ] && known "$2" && [ -f "$3" ] || usage
        build
        HFORGE_FUZZ_TARGET=$2 "$binary" -minimize_crash=1 -max_total_time=60 -timeout="$timeout_s" -exact_artifact_path="$3.min" "$3" >&2 || true
        [ -f "$3.min" ] && echo "fuzz.sh: minimized: $3.min ($(wc -c <"$3.min") bytes)" || { echo "fuzz.sh: $3 does not fail" >&2; exit 1; }
        exit 0 ;;
esac

selected=("${targets[@]}")
if [ $# -ge 1 ] && [ "$1" != all ]; then
    IFS=, read -r -a selected <<<"$1"
    for t in "${selected[@]}"; do known "$t" || usage; done
fi
seconds=${2:-60}
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || usage
build

# Each run records its outcome in a file, so that parallel runs are counted however they are reaped.
results=fuzz/.build/logs/results
rm -rf "$results" && mkdir -p "$results"
for target in "${selected[@]}"; do
    if [ "$jobs" -le 1 ]; then
        run "$target" "$seconds" && echo ok >"$results/$target" || echo failed >"$results/$target"
        continue
    fi
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
    { run "$target" "$seconds" && echo ok >"$results/$target" || echo failed >"$results/$target"; } &
done
wait
failed=0
for target in "${selected[@]}"; do
    [ "$(cat "$results/$target" 2>/dev/null)" = ok ] || failed=1
done
exit $failed
