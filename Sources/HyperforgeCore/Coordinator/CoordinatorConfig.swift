import TOMLKit

/// `$XDG_CONFIG_HOME/hyperforge/coordinator.toml`:
///
///     enabled = true          # false: tools never start or call it
///     idle_timeout = 300      # seconds with no sessions and no requests before it exits
///     background_fetch_age = 300  # seconds: a member whose realm was last fetched longer
///                             # ago is fetched in the background; false: never
///     [tcp]                   # off unless present; requests need the token
///     port = 7865
///     address = "127.0.0.1"
///
/// `HFORGE_COORDINATOR_IDLE_TIMEOUT` overrides `idle_timeout`. Read by the
/// coordinator when it starts and by the client before it starts one, so
/// that a malformed file is reported to the user who ran the command (with
/// its file:line), not only in the coordinator's log.
public struct CoordinatorConfig: Sendable, Equatable {
    public var idleTimeout: Double = 300
    /// How old a member's last fetch may be before the coordinator fetches
    /// its realm in the background; nil: background fetches are off.
    public var backgroundFetchAge: Double? = 300
    public var tcpPort: UInt16?
    public var tcpAddress = "127.0.0.1"

    public init() {}

    public static func load(_ paths: CoordinatorPaths, environment: [String: String]) throws(ConfigError) -> CoordinatorConfig {
        var config = CoordinatorConfig()
        if let source = try TOMLSource.loadTrusted(paths.configFile) {
            let known = ["enabled", "idle_timeout", "background_fetch_age", "tcp"]
            for key in source.table.keys where !known.contains(key) {
                throw ConfigError.unknownKey(source.location([key]), key: key, known: known)
            }
            if let v = source.table["enabled"], v.bool == nil {
                throw ConfigError.wrongType(source.location(["enabled"]), key: "enabled", expected: "true or false", found: "\(v.type)")
            }
            if let v = source.table["idle_timeout"] {
                config.idleTimeout = try source.number(v, at: ["idle_timeout"], in: .idleTimeout)
            }
            if let v = source.table["background_fetch_age"] {
                let off = ", or false to turn background fetches off"
                if let on = v.bool {
                    guard !on else {
                        throw ConfigError.wrongType(source.location(["background_fetch_age"]), key: "background_fetch_age",
                                                    expected: NumberRange.backgroundFetchAge.description + off, found: "true")
                    }
                    config.backgroundFetchAge = nil
                } else {
                    do {
                        config.backgroundFetchAge = try source.number(v, at: ["background_fetch_age"], in: .backgroundFetchAge)
                    } catch {
                        // The range's own message, and how to turn it off.
                        switch error {
                        case .invalidValue(let at, let key, let value, let reason): throw .invalidValue(at, key: key, value: value, reason: reason + off)
                        case .wrongType(let at, let key, let expected, let found): throw .wrongType(at, key: key, expected: expected + off, found: found)
                        default: throw error
                        }
                    }
                }
            }
            if let tcpValue = source.table["tcp"] {
                guard let tcp = tcpValue.table else {
                    throw ConfigError.wrongType(source.location(["tcp"]), key: "tcp", expected: "a table", found: "\(tcpValue.type)")
                }
                for key in tcp.keys where !["port", "address"].contains(key) {
                    throw ConfigError.unknownKey(source.location(["tcp", key]), key: key, known: ["port", "address"])
                }
                guard let portValue = tcp["port"] else {
                    throw ConfigError.wrongType(source.location(["tcp"]), key: "tcp.port", expected: NumberRange.port.description, found: "nothing")
                }
                config.tcpPort = UInt16(try source.number(portValue, at: ["tcp", "port"], in: .port))
                if let addressValue = tcp["address"] {
                    guard let address = addressValue.string else {
                        throw ConfigError.wrongType(source.location(["tcp", "address"]), key: "tcp.address", expected: "a string", found: "\(addressValue.type)")
                    }
                    guard address == "127.0.0.1" || address == "localhost" else {
                        throw ConfigError.wrongType(source.location(["tcp", "address"]), key: "tcp.address", expected: "a loopback address (127.0.0.1)", found: address)
                    }
                }
            }
        }
        if let v = environment["HFORGE_COORDINATOR_IDLE_TIMEOUT"] {
            guard let seconds = NumberRange.idleTimeout.parse(v) else {
                throw ConfigError.invalidEnvironment(variable: "HFORGE_COORDINATOR_IDLE_TIMEOUT", value: v, expected: NumberRange.idleTimeout.description)
            }
            config.idleTimeout = seconds
        }
        return config
    }
}
