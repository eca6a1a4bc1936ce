# Sourced by the benchmark scripts: hyperfine present (installed when root),
# a release build with the static Swift runtime (what install.sh installs),
# and $bin pointing at it.
if ! command -v hyperfine >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq hyperfine >/dev/null || { apt-get update -qq; apt-get install -y -qq hyperfine >/dev/null; }
    else echo "needs hyperfine: sudo apt-get install -y hyperfine" >&2; exit 1; fi
fi
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --static-swift-stdlib 2>&1 | grep -E "error|Build complete" | tail -1
bin="$(swift build -c release --static-swift-stdlib --show-bin-path)"
