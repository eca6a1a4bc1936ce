import HyperforgeCore
import HyperforgeSecrets

/// What the publish pipeline (PublishRun) needs of a package kind: where
/// its version is and how it is bumped, and its default build and test
/// commands. Cargo (CargoPackage), npm (NpmPackage), Python
/// (PythonPackage) and Swift (SwiftPackage) have one.
protocol ReleasePackage: Sendable {
    /// The journal's kind: "cargo", "npm", "pypi" or "swift".
    var kind: String { get }
    var name: String { get }
    var version: ReleaseVersion { get }
    var directory: String { get }
    var manifest: String { get }
    var versionFile: String { get }
    var versionLine: Int { get }
    var inWorkspace: Bool { get }
    /// The registries the manifest allows (nil: any).
    var allowedRegistries: [String]? { get }
    var publishDisabled: Bool { get }
    /// Files the build writes when they are missing, removed again on a roll-back (Cargo.lock).
    var createdByBuild: [String] { get }
    func bumpEdits(to new: ReleaseVersion) throws -> [FileEdit]
    func defaultBuild(context: Context) -> [[String]]
    /// The kind's own test commands; `skipped`: why there are none, in the
    /// words the test step prints (nil: the step's own "no test command").
    func defaultTest(context: Context) async -> (commands: [[String]], skipped: String?)
    /// What `workspace publish` needs of a kind (two functions): the packages
    /// this one requires, each with where its requirement is written ...
    func requirements() throws -> [PackageRequirement]
    /// ... and that requirement rewritten for `version`, in the kind's own
    /// style (nil: as written it asks for `version` already). Throws
    /// WorkspacePublishError.unsupportedRequirement for a form it cannot rewrite.
    func rewrittenRequirement(_ requirement: PackageRequirement, to version: ReleaseVersion) throws -> String?
}

/// One requirement of a package on another, as its manifest writes it.
struct PackageRequirement: Sendable, Equatable {
    /// The required package's name, as the registry knows it.
    var package: String
    /// The file and line it is written at (a Cargo workspace member's `workspace = true`
    /// requirement is written in the root manifest's [workspace.dependencies]).
    var file: String
    var line: Int
    /// The bytes of the version requirement in `file` (nil: none is written, e.g. a path-only dependency).
    var span: Range<Int>?
    /// Those bytes' text ("" when `span` is nil).
    var text: String
    /// Whether it orders the publish (false for a Cargo dev-dependency without a version, which cargo publish drops).
    var ordersPublish = true
}

/// What the pipeline needs of a registry: the token's scope, the read-only
/// "has it this version" check, and the client's command and environment
/// (the token goes in the environment, never in argv).
protocol ReleaseRegistry: Sendable {
    var name: String { get }
    /// The index or upload URL, for the plan.
    var location: String { get }
    var declaredIn: String { get }
    /// Where the client takes the token from, for the plan.
    var tokenVariable: String { get }
    func scope(package: String) -> Scope
    /// Nil when the registry cannot be asked (a git index).
    func hasVersion(_ version: String, of package: String, token: String?, context: Context) throws -> Bool?
    /// Whether the upload is of a file a pack step made first (npm pack),
    /// rather than of the package's directory itself.
    var packs: Bool { get }
    /// When `packs`: the command run in the package's directory before the
    /// upload, without the token, that leaves the one file to upload in `destination`.
    func packCommand(destination: String) -> [String]
    /// `artifact`: the file `packCommand` left, when there is one;
    /// `scratch`: the run's own 0700 directory, when it has one.
    func publishCommand(package: String, version: String, directory: String, artifact: String?, scratch: String?) -> [String]
    func publishEnvironment(_ base: [String: String], token: String?) -> [String: String]
    /// A file the client is pointed at with `flag` (npm's --userconfig),
    /// written 0600 in a 0700 directory for the one run and removed after.
    func clientConfig(context: Context) -> ClientConfig?
    /// False for a kind whose release is its tag (Swift): no token, no upload.
    var publishes: Bool { get }
}

struct ClientConfig: Sendable {
    var flag: String
    var fileName: String
    var bytes: [UInt8]
}

extension ReleaseRegistry {
    func clientConfig(context: Context) -> ClientConfig? { nil }
    var packs: Bool { false }
    func packCommand(destination: String) -> [String] { [] }
    var publishes: Bool { true }

    /// A read-only GET of `page` (what the registry says of `package`),
    /// made again with `authorization` (the token's header) when the
    /// registry wants one to read it. Nil when it wants one and none is
    /// at hand; a token it refuses is `tokenRejected`.
    func read(_ page: String, accept: String, authorization: String?, package: String, context: Context) throws -> HTTP.Response? {
        func get(_ headers: [String]) throws -> HTTP.Response {
            do {
                return try HTTP.request("GET", page, headers: ["User-Agent: git-hforge", "Accept: \(accept)"] + headers, timeout: 30,
                                        options: HTTP.Options.from(environment: context.environment, url: page))
            } catch let e as HTTP.Failure {
                throw PublishError.unreadable(path: "registry \(name) (\(RemoteURL.redacted(page)))", reason: e.reason)
            }
        }
        var response = try get([])
        if response.status == 401 || response.status == 403 {
            guard let authorization else { return nil }
            response = try get(["Authorization: \(authorization)"])
            if response.status == 401 || response.status == 403 {
                throw PublishError.tokenRejected(registry: name, url: RemoteURL.redacted(page), status: response.status, scope: scope(package: package).path)
            }
        }
        return response
    }
}

enum PackageKind {
    /// The name a requirement is matched by within one kind: lower case,
    /// runs of '-', '_' and '.' as one '-' (PEP 503; crates.io takes '-' and '_' alike).
    static func key(kind: String, name: String) -> String { kind + ":" + PythonPackage.normalized(name) }

    /// `package`'s requirement edits for `versions` (by `key`), applied on
    /// top of `edits` (its bump) where they touch the same file; returns
    /// every file's edit and the requirements rewritten (before, after).
    static func requirementEdits(of package: any ReleasePackage, to versions: [String: ReleaseVersion], over edits: [FileEdit]) throws
        -> (edits: [FileEdit], rewritten: [(requirement: PackageRequirement, after: String)]) {
        var rewritten: [(requirement: PackageRequirement, after: String)] = []
        for r in try package.requirements() {
            guard r.span != nil, let v = versions[key(kind: package.kind, name: r.package)],
                  let after = try package.rewrittenRequirement(r, to: v) else { continue }
            rewritten.append((r, after))
        }
        guard !rewritten.isEmpty else { return (edits, []) }
        var result = edits
        for file in Set(rewritten.map(\.requirement.file)).sorted() {
            let replacements = rewritten.filter { $0.requirement.file == file }.sorted { $0.requirement.span!.lowerBound > $1.requirement.span!.lowerBound }
            let index = result.firstIndex { $0.path == file }
            let original: [UInt8]
            if let index { original = result[index].before } else {
                do {
                    guard let b = try FileRead.bytes(file, limit: TOMLSource.maximumBytes) else { throw PublishError.notAPackage(path: file, reason: "does not exist") }
                    original = b
                } catch let e as FileRead.Failure { throw PublishError.unreadable(path: file, reason: e.reason) }
            }
            // The bump's replacement and the requirements' are of distinct spans of the original bytes: all applied last to first.
            var spans = replacements.map { ($0.requirement.span!, $0.after) }
            if let index, let bump = singleReplacement(from: result[index].before, to: result[index].after) { spans.append(bump) }
            var bytes = original
            for (span, text) in spans.sorted(by: { $0.0.lowerBound > $1.0.lowerBound }) { bytes = TOMLSpans.replacing(span, in: bytes, with: text) }
            if let index { result[index].after = bytes } else { result.append(FileEdit(path: file, before: original, after: bytes)) }
        }
        return (result, rewritten)
    }

    /// The one span of `before` that `after` replaces (common prefix and suffix taken away).
    static func singleReplacement(from before: [UInt8], to after: [UInt8]) -> (Range<Int>, String)? {
        guard before != after else { return nil }
        var p = 0
        while p < before.count, p < after.count, before[p] == after[p] { p += 1 }
        var s = 0
        while s < before.count - p, s < after.count - p, before[before.count - 1 - s] == after[after.count - 1 - s] { s += 1 }
        return (p..<(before.count - s), String(decoding: after[p..<(after.count - s)], as: UTF8.self))
    }


    /// The package at `directory`, by its manifest: Cargo.toml, then
    /// package.json, then pyproject.toml, then Package.swift (`tags`: the
    /// repository's tags, a Swift package's versions; nil: read from the
    /// repository holding `directory`).
    static func load(directory: String, tags: [String]? = nil) throws -> any ReleasePackage {
        try loadAll(directory: directory, tags: tags)[0]
    }

    /// Every package kind whose manifest is in `directory`, in the order a
    /// release of several publishes them: Cargo first (the compiled core
    /// that bindings are built from), then npm, then PyPI, then Swift
    /// (whose release is the tag, made after every upload anyway).
    static func loadAll(directory: String, tags: [String]? = nil) throws -> [any ReleasePackage] {
        var found: [any ReleasePackage] = []
        if FilePaths.kind(FilePaths.join(directory, "Cargo.toml")) == .file { found.append(try CargoPackage.load(directory: directory)) }
        if FilePaths.kind(FilePaths.join(directory, "package.json")) == .file { found.append(try NpmPackage.load(directory: directory)) }
        if FilePaths.kind(FilePaths.join(directory, "pyproject.toml")) == .file { found.append(try PythonPackage.load(directory: directory)) }
        if FilePaths.kind(FilePaths.join(directory, "Package.swift")) == .file { found.append(try SwiftPackage.load(directory: directory, tags: tags)) }
        guard !found.isEmpty else { throw PublishError.noManifest(directory: directory) }
        return found
    }

    /// The registry `name` (nil: the kind's default) of `kind`, from the
    /// user's own files. `package`: the package's name (an npm package's
    /// scope chooses its registry in ~/.npmrc).
    static func registry(kind: String, _ name: String?, package: String, from: String, auth: AuthConfig, context: Context) throws -> any ReleaseRegistry {
        switch kind {
        case "pypi": return try PyPIRegistry.resolve(name, from: from, auth: auth, context: context)
        case "npm": return try NpmRegistry.resolve(name, packageScope: NpmPackage.split(package).scope, from: from, auth: auth, context: context)
        case "swift": return TagOnlyRegistry()
        default: return try CargoRegistry.resolve(name, from: from, auth: auth, context: context)
        }
    }
}

extension CargoPackage: ReleasePackage {
    var kind: String { "cargo" }
    var createdByBuild: [String] { FilePaths.kind(lockFile) == .missing ? [lockFile] : [] }
    func defaultBuild(context: Context) -> [[String]] { [["cargo", "build"]] }
    func defaultTest(context: Context) async -> (commands: [[String]], skipped: String?) { ([["cargo", "test"]], nil) }
}

extension CargoRegistry: ReleaseRegistry {
    var location: String { index }

    func hasVersion(_ version: String, of package: String, token: String?, context: Context) throws -> Bool? {
        try hasVersion(version, of: package, context: context)
    }

    func publishCommand(package: String, version: String, directory: String, artifact: String?, scratch: String?) -> [String] {
        // --no-verify: the build and test steps ran already, without the
        // token; cargo's own verification would build the crate again with
        // the token in the environment, where its build.rs could read it.
        ["cargo", "publish", "--allow-dirty", "--no-verify"] + (isDefault ? [] : ["--registry", name])
    }

    /// The token through cargo's cargo:token provider's variable.
    func publishEnvironment(_ base: [String: String], token: String?) -> [String: String] {
        var env = base.merging(indexEnvironment) { $1 }
        if let token { env[tokenVariable] = token }
        return env
    }
}
