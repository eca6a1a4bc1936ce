import HyperforgeCore

extension Hforge {
    public struct ConfigOptions: Sendable {
        public var path: String?
        public var json = false
        public init() {}
    }

    /// One effective value and where it came from: `value` as TOML text
    /// (what `git hforge config` prints), `json` as a JSON value (what
    /// `--json` prints), `origin` the file:line, flag or default.
    public struct ConfigValue: Sendable, Equatable {
        public var key: String
        public var value: String
        public var json: JSONValue
        public var origin: Origin
        public var source: String { "\(origin)" }
    }

    /// The effective configuration as a list of `key = value  # source`.
    public static func configValues(_ config: HforgeConfig) -> [ConfigValue] {
        var values: [ConfigValue] = []
        func text(_ key: String, _ s: String, _ origin: Origin) {
            values.append(ConfigValue(key: key, value: ConfigWriter.quote(s), json: .string(s), origin: origin))
        }
        let forgesOrigin = config.forges.first?.origin ?? .builtIn("no forges")
        values.append(ConfigValue(key: "forges", value: "[" + config.forges.map { ConfigWriter.quote($0.value.name) }.joined(separator: ", ") + "]",
                                  json: .array(config.forges.map { .string($0.value.name) }), origin: forgesOrigin))
        text("org", config.org.value, config.org.origin)
        text("repo_name", config.repoName.value, config.repoName.origin)
        text("visibility", config.visibility.value.rawValue, config.visibility.origin)
        text("protocol", config.gitProtocol.value.rawValue, config.gitProtocol.origin)
        if let d = config.description { text("description", d.value, d.origin) }
        for (forge, key) in config.ssh.sorted(by: { $0.key < $1.key }) { text("ssh.\(forge)", key.value, key.origin) }
        for (name, f) in config.customForges.sorted(by: { $0.key < $1.key }) {
            let forge = f.value
            let table = config.customForgeTables[name]
            // Each field's own file:line; a field no file sets shows its default.
            func origin(_ o: Origin?, default why: String) -> Origin { o ?? .builtIn(why) }
            let key = "custom_forges.\(name)"
            text(key + ".kind", forge.kind.rawValue, origin(table?.kind?.origin, default: "required"))
            text(key + ".host", forge.host, origin(table?.host?.origin, default: "required"))
            values.append(ConfigValue(key: key + ".ssh_port", value: "\(forge.sshPort)", json: .integer(Int64(forge.sshPort)),
                                      origin: origin(table?.sshPort?.origin, default: "22 unless set")))
            text(key + ".ssh_user", forge.sshUser, origin(table?.sshUser?.origin, default: "git unless set"))
            text(key + ".web_url", forge.webURL, origin(table?.webURL?.origin, default: "https://host unless set"))
            text(key + ".api_url", forge.apiURL, origin(table?.apiURL?.origin, default: "from kind and web_url unless set"))
        }
        return values
    }

    /// Where a value came from, as `--json` gives it: `{"file": F, "line": N}`,
    /// `{"flag": "--ssh"}` or `{"default": "why"}`.
    static func originJSON(_ origin: Origin) -> JSONValue {
        switch origin {
        case .file(let l): return .object(["file": .string(l.file), "line": l.line.map { .integer(Int64($0)) } ?? .null])
        case .commandLine(let flag): return .object(["flag": .string(flag)])
        case .builtIn(let why): return .object(["default": .string(why)])
        }
    }

    /// `git hforge config`: the effective config and, for each value, the file
    /// (and line) it came from.
    public static func showConfig(_ options: ConfigOptions, context: Context) throws -> ExitStatus {
        let (_, root) = try openRepository(path: options.path, context: context)
        let config = try loadConfig(root: root, context: context)
        let values = configValues(config)
        let out = context.output.stdout
        if options.json {
            out.line(JSONOutput.render(.object([
                "files": .array(config.files.map(JSONValue.string)),
                "values": .array(values.map { .object(["key": .string($0.key), "value": $0.json, "source": originJSON($0.origin)]) }),
            ])))
            return .success
        }
        let width = values.map { $0.key.count + $0.value.count + 3 }.max() ?? 0
        for v in values {
            let text = "\(v.key) = \(v.value)"
            out.line(text + String(repeating: " ", count: max(1, width - text.count + 2)) + out.styled("# \(v.source)", .dim))
        }
        return .success
    }
}
