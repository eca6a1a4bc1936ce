// Coordinator figures for benchmarks/coordinator.sh, in one run:
//   cold start: from "no coordinator" to the first answered request, as a tool
//               sees it (spawn, lock, database, listen, answer), median of N;
//   round trip: one session registered and deregistered (POST + DELETE), median of M;
//   idle memory: the coordinator's resident set after it has been idle a while.
// Uses the environment's XDG_RUNTIME_DIR / XDG_STATE_HOME, like the tools.
import Foundation
import HyperforgeCore

let environment = ProcessInfo.processInfo.environment
let client = CoordinatorClient(environment: environment)
let args = CommandLine.arguments
let colds = Int(args.dropFirst().first ?? "15") ?? 15
let trips = Int(args.dropFirst(2).first ?? "2000") ?? 2000

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
func pid() -> pid_t? { if case .integer(let p)? = client.health()?["pid"] { return pid_t(p) }; return nil }
func stop() {
    guard let p = pid() else { return }
    kill(p, SIGTERM)
    while kill(p, 0) == 0 { var s: Int32 = 0; _ = waitpid(p, &s, WNOHANG); usleep(1000) }
}

var coldTimes: [Double] = []
for _ in 0..<colds {
    stop()
    let t = now()
    do { try client.ensureRunning(timeout: 5) } catch { print("{\"error\": \"\(error)\"}"); exit(1) }
    coldTimes.append(Double(now() - t) / 1e6)
}

var tripTimes: [Double] = []
for i in 0..<trips {
    let t = now()
    guard let created = try? client.json("POST", "/sessions", .object(["repo": .string("bench-\(i)"), "realm": .string("bench"), "pid": .integer(Int64(getpid()))])),
          case .string(let id)? = created["id"], (try? client.call("DELETE", "/sessions/\(id)"))?.status == 204 else {
        print("{\"error\": \"round trip \(i) failed\"}"); exit(1)
    }
    tripTimes.append(Double(now() - t) / 1e6)
}

sleep(3)
var rss = 0.0
if let p = pid(), let status = try? String(contentsOfFile: "/proc/\(p)/status", encoding: .utf8) {
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        rss = (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
}
stop()
print("{\"cold_start_ms\": \(median(coldTimes)), \"cold_runs\": \(colds), \"round_trip_ms\": \(median(tripTimes)), \"round_trip_p90_ms\": \(tripTimes.sorted()[tripTimes.count * 9 / 10]), \"round_trips\": \(trips), \"idle_rss_mib\": \(rss)}")
