import FoundationEssentials
import Glibc
import HyperforgeCore
import TOMLKit

/// `$XDG_CONFIG_HOME/hyperforge/coordinator.toml`:
///
///     enabled = true          # false: tools never start or call it
///     idle_timeout = 300      # seconds with no sessions and no requests before it exits
///     [tcp]                   # off unless present; requests need the token
///     port = 7865
///     address = "127.0.0.1"
///
/// `HFORGE_COORDINATOR_IDLE_TIMEOUT` overrides `idle_timeout`.
struct CoordinatorConfig: Sendable {
    var idleTimeout: Double = 300
    var tcpPort: UInt16?
    var tcpAddress = "127.0.0.1"

    static func load(_ paths: CoordinatorPaths, environment: [String: String]) throws -> CoordinatorConfig {
        var config = CoordinatorConfig()
        if let source = try TOMLSource.loadTrusted(paths.configFile) {
            for key in source.table.keys where !["enabled", "idle_timeout", "tcp"].contains(key) {
                throw ConfigError.unknownKey(source.location([key]), key: key, known: ["enabled", "idle_timeout", "tcp"])
            }
            if let v = source.table["idle_timeout"] {
                guard let n = v.int ?? v.double.map(Int.init), n > 0 else {
                    throw ConfigError.wrongType(source.location(["idle_timeout"]), key: "idle_timeout", expected: "a positive number of seconds", found: "\(v)")
                }
                config.idleTimeout = Double(n)
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
