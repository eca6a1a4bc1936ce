import FoundationEssentials
import HyperforgeCore
import HyperforgeGit

extension Realm {
    public struct InitOptions: Sendable {
        public var name = ""
        /// Where the realm lives; nil: a bare repository under the user's data directory.
        public var url: String?
        public var branch = Membership.defaultBranch
        public var admission = RealmManifest.Admission.approval
        public var trustMode = RealmManifest.TrustMode.collaborative
        public var dryRun = false
        public init() {}
    }

    /// `git realm admin init`: creates the realm repository with `realm.yaml`
    /// (the RFC's governance and trust defaults) and pushes it. Without
    /// `--url` the realm is a bare repository under
    /// `$XDG_DATA_HOME/hyperforge/realms/NAME.git`; a local path that does not
    /// exist yet is created; ssh/https repositories must exist (empty).
    public static func adminInit(_ options: InitOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        try checkName(options.name, kind: "realm")
        let url = options.url.map { RealmLocation.normalise($0, context: context) }
            ?? RealmLocation.defaultPath(realm: options.name, paths: context.paths)
        let shown = RemoteURL.redacted(url)
        let localPath = RealmLocation.isLocal(url) ? (url.hasPrefix("file://") ? String(url.dropFirst(7)) : url) : nil
        var creates = false
        if let localPath {
            let kind = FilePaths.kind(localPath)
            if kind != .missing {
                guard kind == .directory else { throw RealmError.cannotCreate(path: localPath, reason: "a file is in the way") }
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: localPath)) ?? []
                if !entries.isEmpty && !FileManager.default.fileExists(atPath: localPath + "/HEAD") {
                    throw RealmError.cannotCreate(path: localPath, reason: "the directory is not empty and is not a git repository")
                }
                creates = entries.isEmpty
            } else {
                creates = true
            }
        }
        let repo = try? Repository.discover(from: context.workingDirectory, environment: context.environment)
        var manifest = RealmManifest(name: options.name, version: "1.0.0", createdAt: timestamp(context),
                                     governance: .init(), trust: .init())
        manifest.governance.admission = options.admission.rawValue
        var email = userEmail(repo, context: context)
        if email == nil, let r = try? await ChildProcess.run(["git", "config", "--get", "user.email"], environment: context.environment,
                                                            directory: context.workingDirectory), r.exitCode == 0, !r.stdout.trimmedLines().isEmpty {
            email = r.stdout.trimmedLines()
        }
        manifest.governance.approvers = email.map { [$0] } ?? []
        manifest.trust.mode = options.trustMode.rawValue
        manifest.trust.permissions = Dictionary(uniqueKeysWithValues: RealmManifest.defaultPermissions)

        // A realm repository made here and not finished (git init or the
        // first push failed, or we were interrupted) is removed again, so
        // that the next `admin init --name` is not refused by our own leftover.
        var made: MadeRepository?
        defer { made?.unregister() }
        let outcome: RealmWriteOutcome
        do {
            if options.dryRun {
                if creates, let localPath { out.line("Would create the bare repository \(localPath)") }
            } else if creates, let localPath {
                if options.url == nil { try RealmLocation.checkDefaultDirectories(localPath, paths: context.paths, create: true) }
                made = MadeRepository(path: localPath)
                try FileManager.default.createDirectory(atPath: localPath, withIntermediateDirectories: true)
                let r = try await ChildProcess.run(["git", "init", "--quiet", "--bare", "--initial-branch=\(options.branch)", localPath],
                                                   environment: GitEnvironment.detached(context.environment), directory: localPath)
                guard r.exitCode == 0 else { throw RealmError.cannotCreate(path: localPath, reason: r.stderr.trimmedLines()) }
            }

            let writer = RealmWriter(url: url, branch: options.branch, workspace: .scratch, actingRepo: nil, context: context)
            if options.dryRun && creates {
                // Nothing to fetch from yet: the realm would start empty.
                outcome = RealmWriteOutcome(base: .empty, commit: nil, changes: [.create("realm.yaml")],
                                            message: "Create realm \(options.name)", retries: 0, dryRun: true)
            } else {
                outcome = try await writer.apply(dryRun: options.dryRun, allowMissingBranch: true) { state in
                    guard state.commit == nil else { throw RealmError.realmExists(url: shown) }
                    var change = PlannedChange(files: [:], message: "Create realm \(options.name)")
                    change.write("realm.yaml", manifest.yaml())
                    return change
                }
            }
        } catch {
            made?.undo()
            throw error
        }
        report(outcome, url: url, branch: options.branch, out: out)
        let joinArgument = options.url == nil ? options.name : shown
        if options.dryRun {
            out.line("dry run: nothing was created or pushed")
        } else {
            out.line("Realm \(options.name) is ready. Join a repository to it with: git realm admin join \(joinArgument)")
        }
        return .success
    }
}

/// The bare repository `admin init` creates at a path that was missing or an
/// empty directory: registered for removal on SIGINT/SIGTERM while it is
/// made (only when the path was missing: an empty directory someone made
/// stays), and emptied or removed again when making the realm fails.
private struct MadeRepository {
    let path: String
    let existed: Bool
    let token: Interruption.Token?

    init(path: String) {
        self.path = path
        existed = FilePaths.kind(path) == .directory
        token = existed ? nil : Interruption.register(.directory(path))
    }

    func undo() {
        if existed {
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] { Leftovers.removeTree(path + "/" + entry) }
        } else {
            Leftovers.removeTree(path)
        }
    }

    func unregister() { if let token { Interruption.unregister(token) } }
}
