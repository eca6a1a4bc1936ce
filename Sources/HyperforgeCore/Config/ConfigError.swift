/// What can be wrong with hyperforge's configuration files.
public enum ConfigError: HyperforgeError, Equatable {
    /// The file is not valid TOML.
    case malformed(SourceLocation, String)
    /// A key this version does not know (a typo, or a newer file).
    case unknownKey(SourceLocation, key: String, known: [String])
    /// A value of the wrong TOML type.
    case wrongType(SourceLocation, key: String, expected: String, found: String)
    /// A value of the right type that is not allowed.
    case invalidValue(SourceLocation, key: String, value: String, reason: String)
    /// `forges` names a forge that is neither built in nor declared.
    case unknownForge(SourceLocation?, name: String, known: [String])
    /// A required value is set nowhere.
    case missing(key: String, searched: [String])
    /// A custom forge lacks a field it needs.
    case incompleteForge(SourceLocation, name: String, missing: String)
    /// The user's own file declares `[custom_forges.NAME]` with a built-in forge's name.
    case redefinesBuiltInForge(SourceLocation, name: String)
    /// A file could not be read.
    case unreadable(path: String, reason: String)
    /// A file that someone else owns or may write (see `FileTrust`).
    case untrusted(TrustError)
    /// An environment variable that overrides a setting holds a value it may not have.
    case invalidEnvironment(variable: String, value: String, expected: String)

    public var exitStatus: ExitStatus {
        if case .untrusted(let e) = self { return e.exitStatus }
        return .configuration
    }

    public var description: String {
        switch self {
        case .malformed(let loc, let msg):
            return "\(loc): malformed TOML: \(msg)"
        case .unknownKey(let loc, let key, _):
            return "\(loc): unknown key '\(key)'"
        case .wrongType(let loc, let key, let expected, let found):
            return "\(loc): '\(key)' must be \(expected), found \(found)"
        case .invalidValue(let loc, let key, let value, let reason):
            return "\(loc): '\(key)' = \"\(value)\" \(reason)"
        case .unknownForge(let loc, let name, _):
            return "\(loc.map { "\($0): " } ?? "")unknown forge '\(name)'"
        case .missing(let key, let searched):
            let list = searched.isEmpty ? "no .hyperforge/config.toml or .hyperforge/defaults.toml was found" : "not set in " + searched.joined(separator: ", ")
            return "'\(key)' is required but \(list)"
        case .incompleteForge(let loc, let name, let missing):
            return "\(loc): custom forge '\(name)' has no '\(missing)'"
        case .redefinesBuiltInForge(let loc, let name):
            return "\(loc): [custom_forges.\(name)] redefines \(name), a built-in forge"
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .untrusted(let e):
            return e.description
        case .invalidEnvironment(let variable, let value, let expected):
            return "\(variable)=\(value) is not \(expected)"
        }
    }

    public var hint: String? {
        switch self {
        case .malformed: return "fix the file, then run the command again; nothing was changed"
        case .unknownKey(_, _, let known): return "known keys here: " + known.joined(separator: ", ")
        case .invalidValue(let loc, _, _, _), .wrongType(let loc, _, _, _): return "change it at \(loc), then run the command again; nothing was changed"
        case .unknownForge(_, _, let known):
            return "known forges: \(known.joined(separator: ", ")); declare others under [custom_forges.NAME] with kind and host"
        case .missing(let key, _):
            return "pass --\(key.replacingUnderscores()) to 'git hforge init', or set \(key) in .hyperforge/config.toml or a parent .hyperforge/defaults.toml"
        case .incompleteForge(_, _, let missing): return "add \(missing) = ... to the forge's table"
        case .untrusted(let e): return e.hint
        case .invalidEnvironment(let variable, _, let expected): return "unset \(variable), or set it to \(expected)"
        case .unreadable: return "check the file's type and permissions (it must be a readable regular file), then run the command again"
        case .redefinesBuiltInForge(_, let name):
            return "give your forge another name ([custom_forges.\(name)-self-hosted], say); the built-in \(name) needs no table"
        }
    }
}

extension String {
    func replacingUnderscores() -> String { String(map { $0 == "_" ? "-" : $0 }) }
}
