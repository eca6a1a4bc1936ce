import FoundationEssentials
import Glibc
import HyperforgeCore
import TOMLKit

/// `$XDG_CONFIG_HOME/hyperforge/coordinator.toml`:
///
///     enabled = true          # false: tools never start or call it
///     idle_timeout = 300      # seconds with no sessions and no requests before it exits
///     background_fetch_age = 300  # seconds: a member whose realm was last fetched longer ago
///                             # is fetched in the background (1-604800); false: never
///     [tcp]                   # off unless present; requests need the token
///     port = 7865
///     address = "127.0.0.1"
///
/// `HFORGE_COORDINATOR_IDLE_TIMEOUT` overrides `idle_timeout`.
struct CoordinatorConfig: Sendable {
    var idleTimeout: Double = 300
    /// Nil: background fetches are off.
    var backgroundFetchAge: Double? = 300
    /// The range `background_fetch_age` must be in: a second to a week.
    static let backgroundFetchAgeRange = 1.0...604_800.0
    var tcpPort: UInt16?
    var tcpAddress = "127.0.0.1"

    static func load(_ paths: CoordinatorPaths, environment: [String: String]) throws -> CoordinatorConfig {
        var config = CoordinatorConfig()
        if let source = try TOMLSource.loadTrusted(paths.configFile) {
            let known = ["enabled", "idle_timeout", "background_fetch_age", "tcp"]
            for key in source.table.keys where !known.contains(key) {
                throw ConfigError.unknownKey(source.location([key]), key: key, known: known)
            }
            if let v = source.table["idle_timeout"] {
                guard let n = v.int ?? v.double.map(Int.init), n > 0 else {
                    throw ConfigError.wrongType(source.location(["idle_timeout"]), key: "idle_timeout", expected: "a positive number of seconds", found: "\(v)")
                }
                config.idleTimeout = Double(n)
            }
            if let v = source.table["background_fetch_age"] {
                let range = backgroundFetchAgeRange
                let expected = "a number of seconds from \(Int(range.lowerBound)) to \(Int(range.upperBound)), or false to turn background fetches off"
                if let b = v.bool {
                    guard !b else {
                        throw ConfigError.wrongType(source.location(["background_fetch_age"]), key: "background_fetch_age", expected: expected, found: "true")
                    }
                    config.backgroundFetchAge = nil
                } else if let n = v.int.map(Double.init) ?? v.double {
                    guard range.contains(n) else {
                        throw ConfigError.invalidValue(source.location(["background_fetch_age"]), key: "background_fetch_age",
                                                       value: n.isNaN ? "nan" : n == n.rounded() && n.magnitude < 1e15 ? String(Int64(n)) : "\(n)",
                                                       reason: "is not \(expected)")
                    }
                    config.backgroundFetchAge = n
                } else {
                    throw ConfigError.wrongType(source.location(["background_fetch_age"]), key: "background_fetch_age", expected: expected, found: "\(v)")
                }
            }
            if let tcp = source.table["tcp"]?.table {
                for key in tcp.keys where !["port", "address"].contains(key) {
                    throw ConfigError.unknownKey(source.location(["tcp", key]), key: key, known: ["port", "address"])
                }
                guard let port = tcp["port"]?.int, port > 0, port < 65536 else {
                    throw ConfigError.wrongType(source.location(["tcp", "port"]), key: "tcp.port", expected: "a port number (1-65535)", found: tcp["port"].map { "\($0)" } ?? "nothing")
                }
                config.tcpPort = UInt16(port)
                if let address = tcp["address"]?.string {
                    guard address == "127.0.0.1" || address == "localhost" else {
                        throw ConfigError.wrongType(source.location(["tcp", "address"]), key: "tcp.address", expected: "a loopback address (127.0.0.1)", found: address)
                    }
                }
            }
        }
        if let v = environment["HFORGE_COORDINATOR_IDLE_TIMEOUT"], let d = Double(v), d > 0 { config.idleTimeout = d }
        return config
    }
}
