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
    func defaultTest(context: Context) async -> [[String]]
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
    func publishCommand(package: String, version: String, directory: String) -> [String]
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
    var publishes: Bool { true }
}

enum PackageKind {
    /// The package at `directory`, by its manifest: Cargo.toml, then
    /// package.json, then pyproject.toml, then Package.swift (`tags`: the
    /// repository's tags, a Swift package's versions).
    static func load(directory: String, tags: [String] = []) throws -> any ReleasePackage {
        if FilePaths.kind(FilePaths.join(directory, "Cargo.toml")) == .file { return try CargoPackage.load(directory: directory) }
        if FilePaths.kind(FilePaths.join(directory, "package.json")) == .file { return try NpmPackage.load(directory: directory) }
        if FilePaths.kind(FilePaths.join(directory, "pyproject.toml")) == .file { return try PythonPackage.load(directory: directory) }
        if FilePaths.kind(FilePaths.join(directory, "Package.swift")) == .file { return try SwiftPackage.load(directory: directory, tags: tags) }
        throw PublishError.noManifest(directory: directory)
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
    func defaultTest(context: Context) async -> [[String]] { [["cargo", "test"]] }
}

extension CargoRegistry: ReleaseRegistry {
    var location: String { index }

    func hasVersion(_ version: String, of package: String, token: String?, context: Context) throws -> Bool? {
        try hasVersion(version, of: package, context: context)
    }

    func publishCommand(package: String, version: String, directory: String) -> [String] {
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
