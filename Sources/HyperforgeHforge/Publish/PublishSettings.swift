import HyperforgeCore
import TOMLKit

/// `[publish]` in the repository's committed `.hyperforge/config.toml`:
///
///     [publish]
///     registry = "local"                       # a registry NAME declared in your own files
///     build = ["cargo", "build", "--locked"]   # one command, or [[...], [...]] for several
///     test = [["cargo", "test"], ["cargo", "clippy"]]
///     commit_message = "release: {name} {version}"
///     tag = "v{version}"                       # default; "{name}-v{version}" in a Cargo workspace
///
/// Trust: `build` and `test` are commands the repository's own committed
/// file names, and they run in that repository; they are the commands a
/// user who builds the repository runs anyway (cargo build runs its
/// build.rs), so they get no more than building it gives. What a committed
/// file may not do is choose where a secret goes: `registry` is a name
/// only, resolved in the user's auth.toml or ~/.cargo/config.toml
/// (CargoRegistry), never a URL.
struct PublishSettings: Sendable, Equatable {
    var registry: (name: String, location: String)?
    var build: [[String]]?
    var test: [[String]]?
    var commitMessage = "release: {name} {version}"
    var tag: String?

    static func == (a: PublishSettings, b: PublishSettings) -> Bool {
        a.registry?.name == b.registry?.name && a.build == b.build && a.test == b.test && a.commitMessage == b.commitMessage && a.tag == b.tag
    }

    static let keys = ["registry", "build", "test", "commit_message", "tag"]

    static func load(repoRoot: String) throws -> PublishSettings {
        var settings = PublishSettings()
        let path = ConfigLoader.configPath(repoRoot: repoRoot)
        guard let source = try TOMLSource.load(path), let value = source.table["publish"] else { return settings }
        func loc(_ key: String...) -> String { source.location(["publish"] + key).description }
        guard let table = value.table else { throw PublishError.badConfig(location: loc(), reason: "publish must be a table") }
        for (key, v) in table {
            switch key {
            case "registry":
                guard let s = v.string, Names.problem(with: s, as: .forge) == nil else {
                    throw PublishError.badConfig(location: loc(key), reason: "publish.registry must be a registry's name (lowercase letters, digits, '-', '_'), not a URL; declare the registry in your auth.toml or ~/.cargo/config.toml")
                }
                settings.registry = (s, loc(key))
            case "build", "test":
                guard let array = v.array else { throw PublishError.badConfig(location: loc(key), reason: "publish.\(key) must be an array of strings (one command) or of arrays of strings") }
                var commands: [[String]] = []
                var single: [String] = []
                for element in array {
                    if let s = element.string { single.append(s) }
                    else if let inner = element.array {
                        let argv = inner.compactMap(\.string)
                        guard argv.count == inner.count, !argv.isEmpty else { throw PublishError.badConfig(location: loc(key), reason: "publish.\(key): each command is a non-empty array of strings") }
                        commands.append(argv)
                    } else {
                        throw PublishError.badConfig(location: loc(key), reason: "publish.\(key) must be an array of strings or of arrays of strings")
                    }
                }
                if !single.isEmpty {
                    guard commands.isEmpty else { throw PublishError.badConfig(location: loc(key), reason: "publish.\(key) mixes strings and arrays") }
                    commands = [single]
                }
                if key == "build" { settings.build = commands } else { settings.test = commands }
            case "commit_message", "tag":
                guard let s = v.string, !s.isEmpty else { throw PublishError.badConfig(location: loc(key), reason: "publish.\(key) must be a non-empty string") }
                if key == "tag" {
                    guard s.contains("{version}") else { throw PublishError.badConfig(location: loc(key), reason: "publish.tag must contain {version}") }
                    settings.tag = s
                } else {
                    settings.commitMessage = s
                }
            default:
                throw PublishError.badConfig(location: loc(key), reason: "unknown key publish.\(key) (known: \(keys.joined(separator: ", ")))")
            }
        }
        return settings
    }

    static func expand(_ template: String, name: String, version: String) -> String {
        template.replacing("{name}", with: name).replacing("{version}", with: version)
    }
}
