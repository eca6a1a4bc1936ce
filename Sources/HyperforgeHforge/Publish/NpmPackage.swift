import HyperforgeCore

/// An npm package to release: `package.json` with its `"version"` string
/// (and `package-lock.json`'s root version, when the lock file is there).
/// Both are bumped by replacing exactly the bytes of those strings
/// (JSONSpans): nothing else in either file changes.
struct NpmPackage: ReleasePackage {
    /// The full name, `@org/name` for a scoped package.
    var name: String
    var version: ReleaseVersion
    var directory: String
    var manifest: String
    var versionLine: Int
    /// scripts.build and scripts.test as package.json writes them.
    var buildScript: String?
    var testScript: String?

    var kind: String { "npm" }
    var versionFile: String { manifest }
    var inWorkspace: Bool { false }
    var allowedRegistries: [String]? { nil }
    var publishDisabled: Bool { false }
    var createdByBuild: [String] { [] }
    var lockFile: String { FilePaths.join(directory, "package-lock.json") }

    /// `@org` of `@org/name` (without the '@'), nil for an unscoped package.
    var scope: String? { NpmPackage.split(name).scope }
    /// The name without its scope.
    var bareName: String { NpmPackage.split(name).name }

    /// What `npm init` writes as scripts.test: a placeholder that fails, not a test.
    static let placeholderTest = "echo \"Error: no test specified\" && exit 1"

    static func split(_ name: String) -> (scope: String?, name: String) {
        guard name.hasPrefix("@"), let slash = name.firstIndex(of: "/") else { return (nil, name) }
        return (String(name[name.index(after: name.startIndex)..<slash]), String(name[name.index(after: slash)...]))
    }

    static func read(_ path: String) throws -> JSONSpans {
        let bytes: [UInt8]
        do {
            guard let b = try FileRead.bytes(path, limit: 64 << 20) else { throw PublishError.notAPackage(path: path, reason: "does not exist") }
            bytes = b
        } catch let e as FileRead.Failure {
            throw PublishError.unreadable(path: path, reason: e.reason)
        }
        do { return try JSONSpans(bytes, file: path) } catch {
            throw PublishError.notAPackage(path: "\(path):\(error.line):\(error.column)", reason: "is not valid JSON: \(error.reason)")
        }
    }

    /// The one top-level `"version"` string of `spans` (`file` for errors).
    static func versionString(_ spans: JSONSpans, path: [String], file: String) throws -> (content: Range<Int>, line: Int)? {
        let found = spans.values(at: path)
        if found.count > 1 {
            throw PublishError.notAPackage(path: "\(file):\(found[1].line)", reason: "has \(path.map { $0.isEmpty ? "\"\"" : $0 }.joined(separator: ".")) twice; which one npm reads depends on the reader")
        }
        guard let v = found.first else { return nil }
        guard let content = v.stringContent else {
            throw PublishError.notAPackage(path: "\(file):\(v.line)", reason: "has a \(path.joined(separator: ".")) that is not a string")
        }
        if spans.bytes[content].contains(0x5C) {
            throw PublishError.notAPackage(path: "\(file):\(v.line)", reason: "writes its version with escapes; write it plainly (\"1.2.3\")")
        }
        return (content, v.line)
    }

    static func load(directory: String) throws -> NpmPackage {
        let manifest = FilePaths.join(directory, "package.json")
        let spans = try read(manifest)
        guard case .object(let top) = spans.document else {
            throw PublishError.notAPackage(path: manifest, reason: "is not a JSON object")
        }
        guard let name = top["name"]?.stringValue, !name.isEmpty else {
            throw PublishError.notAPackage(path: manifest, reason: "has no \"name\" string")
        }
        let (scope, bare) = split(name)
        if name.hasPrefix("@") && scope == nil || (scope.map { Names.problem(with: $0, as: .owner) != nil } ?? false)
            || Names.problem(with: bare, as: .repository) != nil || bare.contains("/") || name != name.lowercased() {
            throw PublishError.notAPackage(path: manifest, reason: "names the package '\(name)', which is not an npm package name publish can release (lowercase; NAME or @ORG/NAME)")
        }
        if case .bool(true)? = top["private"] {
            throw PublishError.privatePackage(manifest: manifest, name: name)
        }
        guard let v = try versionString(spans, path: ["version"], file: manifest) else {
            throw PublishError.notAPackage(path: manifest, reason: "has no \"version\" string: write \"version\": \"0.1.0\"")
        }
        let text = spans.text(v.content)
        guard let version = ReleaseVersion(text) else {
            throw PublishError.notAPackage(path: "\(manifest):\(v.line)", reason: "version '\(text)' is not a SemVer version")
        }
        let scripts = top["scripts"]
        return NpmPackage(name: name, version: version, directory: directory, manifest: manifest, versionLine: v.line,
                          buildScript: scripts?["build"]?.stringValue, testScript: scripts?["test"]?.stringValue)
    }

    /// package.json's `"version"`; package-lock.json's top-level `version`
    /// and `packages[""].version` (lockfileVersion 2 and 3; version 1 has
    /// only the top-level one) where they hold the old version.
    func bumpEdits(to new: ReleaseVersion) throws -> [FileEdit] {
        let spans = try NpmPackage.read(manifest)
        guard let v = try NpmPackage.versionString(spans, path: ["version"], file: manifest) else {
            throw PublishError.notAPackage(path: manifest, reason: "its version string moved while it was read")
        }
        var edits = [FileEdit(path: manifest, before: spans.bytes, after: JSONSpans.replacing(v.content, in: spans.bytes, with: new.description))]
        if FilePaths.kind(lockFile) == .file {
            let lock = try NpmPackage.read(lockFile)
            var spansToChange: [Range<Int>] = []
            for path in [["version"], ["packages", "", "version"]] {
                if let s = try NpmPackage.versionString(lock, path: path, file: lockFile), lock.text(s.content) == version.description {
                    spansToChange.append(s.content)
                }
            }
            if !spansToChange.isEmpty {
                var after = lock.bytes
                // From the last to the first, so the earlier offsets stay right.
                for span in spansToChange.sorted(by: { $0.lowerBound > $1.lowerBound }) {
                    after = JSONSpans.replacing(span, in: after, with: new.description)
                }
                edits.append(FileEdit(path: lockFile, before: lock.bytes, after: after))
            }
        }
        return edits
    }

    /// `npm run build`, only when package.json defines scripts.build.
    func defaultBuild(context: Context) -> [[String]] { buildScript == nil ? [] : [["npm", "run", "build"]] }

    /// `npm test`, only when scripts.test is defined and is not the
    /// placeholder `npm init` writes (which fails by design).
    func defaultTest(context: Context) async -> (commands: [[String]], skipped: String?) {
        guard let t = testScript, t.trimmed() != NpmPackage.placeholderTest, !t.trimmed().isEmpty else { return ([], nil) }
        return ([["npm", "test"]], nil)
    }
}
