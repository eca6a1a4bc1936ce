import HyperforgeCore
import HyperforgeGit
import HyperforgeSecrets

/// A Swift package (`Package.swift`). Its version is its git tag and
/// nothing else: SwiftPM resolves versions from a repository's `X.Y.Z` or
/// `vX.Y.Z` tags, and no file holds the version, so the bump changes no
/// file, no release commit is made (the tag goes on HEAD), and nothing is
/// uploaded anywhere: the "publish" is the tag pushed to every forge. The
/// current version is the greatest `vX.Y.Z` (or `X.Y.Z`) tag, 0.0.0 when
/// there is none. A Swift package's dependency requirements are Swift code
/// in Package.swift and are never rewritten.
struct SwiftPackage: ReleasePackage {
    var name: String
    var version: ReleaseVersion
    var directory: String
    var manifest: String
    /// The tag the current version comes from (nil: no version tag yet).
    var currentTag: String?

    var kind: String { "swift" }
    var versionFile: String { currentTag.map { "tag \($0)" } ?? "no vX.Y.Z tag yet" }
    var versionLine: Int { 0 }
    var inWorkspace: Bool { false }
    var allowedRegistries: [String]? { nil }
    var publishDisabled: Bool { false }
    var createdByBuild: [String] { [] }

    /// `tags`: the repository's tag names (nil: those of the repository holding `directory`).
    static func load(directory: String, tags given: [String]?) throws -> SwiftPackage {
        let tags: [String]
        if let given { tags = given } else {
            do {
                tags = try Repository.discover(from: directory, environment: [:]).references(under: "refs/tags/").map { String($0.dropFirst("refs/tags/".count)) }
            } catch {
                throw PublishError.unreadable(path: directory, reason: "its repository's tags (a Swift package's versions) cannot be read: \((error as? any HyperforgeError)?.description ?? "not a git repository")")
            }
        }
        let manifest = FilePaths.join(directory, "Package.swift")
        let bytes: [UInt8]
        do {
            guard let b = try FileRead.bytes(manifest, limit: 4 << 20) else { throw PublishError.notAPackage(path: manifest, reason: "does not exist") }
            bytes = b
        } catch let e as FileRead.Failure {
            throw PublishError.unreadable(path: manifest, reason: e.reason)
        }
        var best: (ReleaseVersion, String)?
        for tag in tags {
            let text = tag.hasPrefix("v") ? String(tag.dropFirst()) : tag
            guard let v = ReleaseVersion(text), v.build == nil else { continue }
            if best == nil || v > best!.0 { best = (v, tag) }
        }
        let name = packageName(String(decoding: bytes, as: UTF8.self)) ?? FilePaths.lastComponent(directory)
        return SwiftPackage(name: name, version: best?.0 ?? ReleaseVersion("0.0.0")!, directory: directory, manifest: manifest, currentTag: best?.1)
    }

    /// The `name:` string of `Package(` (for the plan and the tag's message; the manifest is Swift, not data, and is not run).
    static func packageName(_ text: String) -> String? {
        guard let open = text.firstRange(of: "Package(") else { return nil }
        let rest = text[open.upperBound...]
        guard let key = rest.firstRange(of: "name:") else { return nil }
        let after = rest[key.upperBound...].drop { $0 == " " || $0 == "\n" || $0 == "\t" }
        guard after.first == "\"" else { return nil }
        let value = after.dropFirst().prefix { $0 != "\"" && $0 != "\n" }
        return value.isEmpty ? nil : String(value)
    }

    func bumpEdits(to new: ReleaseVersion) throws -> [FileEdit] { [] }
    func defaultBuild(context: Context) -> [[String]] { [["swift", "build"]] }

    /// `swift test`, unless the package declares no test target: SwiftPM's
    /// own description of the package (`swift package describe --type json`,
    /// which evaluates Package.swift as `swift build` is about to) is asked,
    /// not the directory names, since a manifest may put its tests anywhere
    /// or name a `Tests/` directory that is no target. When it cannot say
    /// (the manifest does not evaluate), `swift test` stays, and the build
    /// step fails with SwiftPM's own diagnostics first.
    func defaultTest(context: Context) async -> (commands: [[String]], skipped: String?) {
        let test = [["swift", "test"]]
        guard let described = try? await ChildProcess.run(["swift", "package", "describe", "--type", "json"], environment: context.environment,
                                                           directory: directory, limit: 16 << 20, timeout: 300),
              described.exitCode == 0,
              case .object(let top)? = try? JSONParser.parse(described.stdout, file: "swift package describe"),
              case .array(let targets)? = top["targets"] else { return (test, nil) }
        let tests = targets.filter { $0["type"]?.stringValue == "test" }
        return tests.isEmpty ? ([], "no test targets (swift package describe lists none in Package.swift)") : (test, nil)
    }
}

/// A Swift package's "registry": none. The release is the tag, pushed to
/// every forge; SwiftPM resolves the version from it there.
struct TagOnlyRegistry: ReleaseRegistry {
    var name: String { "tag" }
    var location: String { "the tag, pushed to every forge" }
    var declaredIn: String { "Swift packages are released by their tag" }
    var tokenVariable: String { "no token" }
    var publishes: Bool { false }
    func scope(package: String) -> Scope { .npm(org: "none", package: package) }
    func hasVersion(_ version: String, of package: String, token: String?, context: Context) throws -> Bool? { false }
    func publishCommand(package: String, version: String, directory: String, artifact: String?, scratch: String?) -> [String] { [] }
    func publishEnvironment(_ base: [String: String], token: String?) -> [String: String] { base }
}
