import HyperforgeCore

/// What stops `git hforge publish`. Each says what happened, where, and what to run next.
public enum PublishError: HyperforgeError, Equatable {
    case notAPackage(path: String, reason: String)
    /// Neither manifest publish knows is in `directory`.
    case noManifest(directory: String)
    case unreadable(path: String, reason: String)
    case dirtyTree(root: String, changes: String)
    case behindForge(branch: String, forge: String, behind: Int)
    case notNewer(new: String, current: String, file: String)
    case alreadyPublished(package: String, version: String, registry: String)
    case tagExists(tag: String)
    case unknownRegistry(name: String, from: String, declared: [String])
    case registryNotAllowed(name: String, allowed: [String], manifest: String)
    case publishDisabled(manifest: String)
    case noAccount(registry: String, authPath: String)
    case journalInProgress(path: String, package: String, version: String, step: String)
    case noJournal(path: String)
    case journalMismatch(path: String, reason: String)
    case stepFailed(step: String, command: String, exitCode: Int32, tail: String, rolledBack: [String])
    case publishFailed(package: String, version: String, registry: String, exitCode: Int32, tail: String)
    case fileChanged(path: String)
    case badConfig(location: String, reason: String)
    case dynamicVersion(path: String)
    /// package.json says "private": true.
    case privatePackage(manifest: String, name: String)
    /// Several kinds in one directory whose manifests disagree on the current version.
    case versionsDiffer(versions: [String])
    case tokenRejected(registry: String, url: String, status: Int, scope: String)
    /// The release is published, committed and tagged; pushing it to `forge` failed (`message`: hforge push's own words).
    case pushFailed(forge: String, message: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .notAPackage, .noManifest, .dynamicVersion, .privatePackage, .versionsDiffer, .unknownRegistry, .registryNotAllowed, .publishDisabled, .noAccount, .badConfig: return .configuration
        case .unreadable: return .environment
        case .dirtyTree, .behindForge, .notNewer, .alreadyPublished, .tagExists, .journalInProgress, .noJournal, .journalMismatch, .fileChanged: return .refused
        case .stepFailed, .publishFailed, .tokenRejected, .pushFailed: return .failure
        }
    }

    public var description: String {
        switch self {
        case .notAPackage(let path, let reason): return "\(path) \(reason)"
        case .noManifest(let directory): return "\(directory) has none of Cargo.toml, package.json, pyproject.toml and Package.swift"
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .dirtyTree(let root, let changes): return "the working tree of \(root) has uncommitted changes (\(changes)); nothing was changed"
        case .behindForge(let branch, let forge, let behind):
            return "\(branch) is \(behind) commit\(behind == 1 ? "" : "s") behind \(forge)/\(branch) (as last fetched); nothing was changed"
        case .notNewer(let new, let current, let file): return "version \(new) is not greater than the current \(current) (\(file)); nothing was changed"
        case .alreadyPublished(let package, let version, let registry): return "\(package) \(version) is already on registry \(registry); nothing was changed"
        case .tagExists(let tag): return "tag \(tag) already exists; nothing was changed"
        case .unknownRegistry(let name, let from, let declared):
            return "registry '\(name)' (\(from)) is declared in neither your auth.toml nor your cargo config, ~/.npmrc or ~/.pypirc"
                + (declared.isEmpty ? "" : " (declared: \(declared.joined(separator: ", ")))")
        case .registryNotAllowed(let name, let allowed, let manifest):
            return "\(manifest) allows publishing only to \(allowed.joined(separator: ", ")) (package.publish), not to '\(name)'"
        case .publishDisabled(let manifest): return "\(manifest) says publish = false"
        case .noAccount(let registry, let authPath):
            return "no account is configured for registry \(registry) in \(authPath); its token's scope names the account"
        case .journalInProgress(let path, let package, let version, let step):
            return "a release of \(package) \(version) is in progress (stopped at step '\(step)', journal \(path))"
        case .noJournal(let path): return "no release is in progress (no journal at \(path))"
        case .journalMismatch(let path, let reason): return "the journal \(path) does not match the repository: \(reason)"
        case .stepFailed(let step, let command, let code, let tail, let rolledBack):
            // The command as the shell reads it (ShellQuote), last, so that it can be copied as it is.
            var s = "\(step) failed with exit status \(code): \(command)"
            if !tail.isEmpty { s += "\n" + tail.split(separator: "\n", omittingEmptySubsequences: false).map { "  | \($0)" }.joined(separator: "\n") }
            if !rolledBack.isEmpty { s += "\nrolled back: \(rolledBack.joined(separator: ", ")) (byte for byte as before)" }
            return s
        case .publishFailed(let package, let version, let registry, let code, let tail):
            var s = "publishing \(package) \(version) to \(registry) failed: the registry client exited with \(code)"
            if !tail.isEmpty { s += "\n" + tail.split(separator: "\n", omittingEmptySubsequences: false).map { "  | \($0)" }.joined(separator: "\n") }
            return s
        case .fileChanged(let path): return "\(path) was changed while the release was stopped; the journal cannot tell what to keep"
        case .badConfig(let location, let reason): return "\(location): \(reason)"
        case .pushFailed(_, let message): return message
        case .tokenRejected(let registry, let url, let status, let scope):
            return "registry \(registry) (\(url)) rejected the token of \(scope) (HTTP \(status)) when its index was read; nothing was changed"
        case .versionsDiffer(let versions):
            return "the packages here are released together at one version, and their manifests disagree (\(versions.joined(separator: "; "))); nothing was changed"
        case .privatePackage(let manifest, let name):
            return "\(manifest) marks \(name) \"private\": true, so npm refuses to publish it; nothing was changed"
        case .dynamicVersion(let path):
            return "\(path) declares its version dynamic (project.dynamic lists \"version\"): a build back-end computes it (from a tag or a file), so there is no version string here that publish could bump"
        }
    }

    public var hint: String? {
        switch self {
        case .dirtyTree: return "commit or stash the changes ('git stash'), then run publish again"
        case .behindForge(let branch, let forge, _): return "bring \(branch) up to date ('git pull \(forge) \(branch)'), then run publish again"
        case .notNewer: return "choose a greater version with --version X.Y.Z or --bump"
        case .alreadyPublished: return "choose the next version with --bump or --version"
        case .tagExists(let tag): return "choose another version, or delete the tag if it is stale ('git tag -d \(tag)')"
        case .unknownRegistry(let name, _, _):
            return "declare it in your own files: in auth.toml [registries.cargo.\(name)] (index = \"sparse+https://…\", user = \"ACCOUNT\") or [registries.npm.\(name)] or [registries.pypi.\(name)] (url = \"https://…\", user = \"ACCOUNT\"); or [registries.\(name)] in ~/.cargo/config.toml, [\(name)] with repository = URL in ~/.pypirc"
        case .registryNotAllowed: return "pass --registry with one of the allowed registries"
        case .publishDisabled: return "remove publish = false from the manifest to release this crate"
        case .noAccount(let registry, _): return "add [registries.cargo.\(registry)] (or [registries.npm.\(registry)], [registries.pypi.\(registry)]) with user = \"ACCOUNT\" to auth.toml, and store the token: git scope set cargo/ACCOUNT/PACKAGE/token (npm/@ACCOUNT/PACKAGE/token, pypi/ACCOUNT/PACKAGE/token)"
        case .journalInProgress: return "run 'git hforge publish --resume' to carry on, or 'git hforge publish --abort' to roll back what can be"
        case .noJournal: return "start a release with 'git hforge publish --bump LEVEL'"
        case .journalMismatch, .fileChanged: return "inspect the repository; 'git hforge publish --abort' forgets the journal and says what stays"
        case .stepFailed: return "fix the failure, then run publish again"
        case .publishFailed: return "fix the cause (token, network, registry), then 'git hforge publish --resume'; nothing was committed or tagged yet"
        case .notAPackage: return nil
        case .noManifest: return "publish releases a Cargo crate, an npm package, a Python project (pyproject.toml) or a Swift package: run it in (or --path to) its directory"
        case .badConfig: return "fix the [publish] table of .hyperforge/config.toml"
        case .tokenRejected(_, _, _, let scope): return "store the registry's current token: git scope set \(scope)"
        case .pushFailed(let forge, _):
            return "fix the problem on \(forge), then run 'git hforge publish --resume' to push the release to it and the forges after it (it is published, committed and tagged; forges before it already have it)"
        case .versionsDiffer: return "give the version they all get with --version X.Y.Z"
        case .privatePackage: return "remove \"private\": true from package.json to release it to a registry"
        case .dynamicVersion: return "write a static version = \"X.Y.Z\" under [project] and drop \"version\" from dynamic, or release with the tool that computes it"
        case .unreadable: return nil
        }
    }
}
