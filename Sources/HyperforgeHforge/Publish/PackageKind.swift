import HyperforgeCore
import HyperforgeSecrets

/// What the publish pipeline (PublishRun) needs of a package kind: where
/// its version is and how it is bumped, and its default build and test
/// commands. Cargo (CargoPackage) and Python (PythonPackage) have one.
protocol ReleasePackage: Sendable {
    /// The journal's kind: "cargo" or "pypi".
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
}

enum PackageKind {
    /// The package at `directory`: Cargo.toml first, else pyproject.toml.
    static func load(directory: String) throws -> any ReleasePackage {
        if FilePaths.kind(FilePaths.join(directory, "Cargo.toml")) == .file { return try CargoPackage.load(directory: directory) }
        if FilePaths.kind(FilePaths.join(directory, "pyproject.toml")) == .file { return try PythonPackage.load(directory: directory) }
        throw PublishError.noManifest(directory: directory)
    }

    /// The registry `name` (nil: the kind's default) of `kind`, from the user's own files.
    static func registry(kind: String, _ name: String?, from: String, auth: AuthConfig, context: Context) throws -> any ReleaseRegistry {
        kind == "pypi" ? try PyPIRegistry.resolve(name, from: from, auth: auth, context: context)
                       : try CargoRegistry.resolve(name, from: from, auth: auth, context: context)
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
