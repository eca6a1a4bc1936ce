import HyperforgeCore

extension Hforge {
    public struct ConfigOptions: Sendable {
        public var path: String?
        public var json = false
        public init() {}
    }

    /// One effective value and where it came from.
    public struct ConfigValue: Codable, Sendable, Equatable {
        public var key: String
        public var value: String
        public var source: String
    }

    /// The effective configuration as a list of `key = value  # source`.
    public static func configValues(_ config: HforgeConfig) -> [ConfigValue] {
        var values: [ConfigValue] = []
        func quoted(_ s: String) -> String { ConfigWriter.quote(s) }
        let forgesSource = config.forges.first.map { "\($0.origin)" } ?? ""
        values.append(ConfigValue(key: "forges", value: "[" + config.forges.map { quoted($0.value.name) }.joined(separator: ", ") + "]", source: forgesSource))
        values.append(ConfigValue(key: "org", value: quoted(config.org.value), source: "\(config.org.origin)"))
        values.append(ConfigValue(key: "repo_name", value: quoted(config.repoName.value), source: "\(config.repoName.origin)"))
        values.append(ConfigValue(key: "visibility", value: quoted(config.visibility.value.rawValue), source: "\(config.visibility.origin)"))
        values.append(ConfigValue(key: "protocol", value: quoted(config.gitProtocol.value.rawValue), source: "\(config.gitProtocol.origin)"))
        for (forge, key) in config.ssh.sorted(by: { $0.key < $1.key }) {
            values.append(ConfigValue(key: "ssh.\(forge)", value: quoted(key.value), source: "\(key.origin)"))
        }
        for (name, f) in config.customForges.sorted(by: { $0.key < $1.key }) {
            let forge = f.value
            let table = config.customForgeTables[name]
            // Each field's own file:line; a field no file sets shows its default.
            func source(_ origin: Origin?, default why: String) -> String { "\(origin ?? .builtIn(why))" }
            let key = "custom_forges.\(name)"
            values.append(ConfigValue(key: key + ".kind", value: quoted(forge.kind.rawValue), source: source(table?.kind?.origin, default: "required")))
            values.append(ConfigValue(key: key + ".host", value: quoted(forge.host), source: source(table?.host?.origin, default: "required")))
            values.append(ConfigValue(key: key + ".ssh_port", value: "\(forge.sshPort)", source: source(table?.sshPort?.origin, default: "22 unless set")))
            values.append(ConfigValue(key: key + ".ssh_user", value: quoted(forge.sshUser), source: source(table?.sshUser?.origin, default: "git unless set")))
            values.append(ConfigValue(key: key + ".web_url", value: quoted(forge.webURL), source: source(table?.webURL?.origin, default: "https://host unless set")))
            values.append(ConfigValue(key: key + ".api_url", value: quoted(forge.apiURL), source: source(table?.apiURL?.origin, default: "from kind and web_url unless set")))
        }
        return values
    }

    /// `git hforge config`: the effective config and, for each value, the file
    /// (and line) it came from.
    public static func showConfig(_ options: ConfigOptions, context: Context) throws -> ExitStatus {
        let (_, root) = try openRepository(path: options.path, context: context)
        let config = try loadConfig(root: root, context: context)
        let values = configValues(config)
        let out = context.output.stdout
        if options.json {
            struct Document: Codable { var files: [String]; var values: [ConfigValue] }
            out.line(try JSONOutput.encode(Document(files: config.files, values: values)))
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
