import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit

extension Realm {
    public struct HooksOptions: Sendable {
        public var target = Target()
        public var dryRun = false
        public init() {}
    }

    static let hookNames = ["pre-commit", "pre-push"]
    static let hookMarker = "# git-realm hook"
    static let chainedSuffix = ".realm-chained"

    static func hookScript(_ name: String) -> String {
        let stdin = name == "pre-push"
        return """
        #!/bin/sh
        \(hookMarker): runs 'git realm check' before each \(name == "pre-commit" ? "commit" : "push").
        # Installed by 'git realm hooks install'; 'git realm hooks uninstall' removes it and
        # puts back the hook that was here before (kept as \(name)\(chainedSuffix), run first).
        hook_dir=$(dirname "$0")
        \(stdin ? "input=$(cat)\n" : "")if [ -x "$hook_dir/\(name)\(chainedSuffix)" ]; then
            \(stdin ? "{ [ -n \"$input\" ] && printf '%s\\n' \"$input\"; } | " : "")"$hook_dir/\(name)\(chainedSuffix)" "$@" || exit $?
        fi
        # Not (or no longer) a member of a realm: nothing to check.
        git config realm.name >/dev/null 2>&1 || exit 0
        git realm check
        status=$?
        # 2: warnings only, which do not stop the \(name == "pre-commit" ? "commit" : "push").
        [ "$status" -eq 2 ] && exit 0
        exit "$status"

        """
    }

    static func hooksDirectory(_ repository: Repository, context: Context) async throws -> String {
        let r = try await ChildProcess.run(["git", "--git-dir=\(repository.gitDirectory)", "rev-parse", "--git-path", "hooks"],
                                           environment: GitEnvironment.detached(context.environment), directory: repository.workingDirectory ?? repository.gitDirectory)
        let path = r.stdout.trimmedLines()
        guard r.exitCode == 0, !path.isEmpty else { return repository.gitDirectory + "/hooks" }
        return path.hasPrefix("/") ? path : FilePaths.normalize((repository.workingDirectory ?? repository.gitDirectory) + "/" + path)
    }

    /// `git realm hooks install`: pre-commit and pre-push hooks that run
    /// `git realm check`. A hook already there is kept and run first.
    public static func hooksInstall(_ options: HooksOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let repository = try openRepository(options.target, context: context)
        let dir = try await hooksDirectory(repository, context: context)
        let fm = FileManager.default
        for name in hookNames {
            let path = dir + "/" + name
            let existing = fm.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
            if let existing, existing.contains(hookMarker) {
                out.line("\(name): already installed (\(path))")
                continue
            }
            if options.dryRun {
                out.line(existing == nil ? "Would write \(path)" : "Would move \(path) to \(path)\(chainedSuffix) (run first) and write \(path)")
                continue
            }
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
            if existing != nil {
                guard !fm.fileExists(atPath: path + chainedSuffix) else {
                    throw RealmError.cannotCreate(path: path + chainedSuffix, reason: "it already exists; move it away first")
                }
                try fm.moveItem(atPath: path, toPath: path + chainedSuffix)
            }
            try AtomicFile.write(Array(hookScript(name).utf8), to: path, mode: 0o755)
            out.line("\(out.styled("✓", .green)) \(name): installed\(existing != nil ? " (the previous hook runs first: \(name)\(chainedSuffix))" : "")")
        }
        if options.dryRun { out.line("dry run: no hook was changed") }
        return .success
    }

    /// `git realm hooks uninstall`: removes our hooks and restores what was there.
    public static func hooksUninstall(_ options: HooksOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let repository = try openRepository(options.target, context: context)
        let dir = try await hooksDirectory(repository, context: context)
        let fm = FileManager.default
        for name in hookNames {
            let path = dir + "/" + name
            guard let existing = fm.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }), existing.contains(hookMarker) else {
                out.line("\(name): no git realm hook here")
                continue
            }
            let chained = fm.fileExists(atPath: path + chainedSuffix)
            if options.dryRun {
                out.line("Would remove \(path)" + (chained ? " and put back \(name)\(chainedSuffix)" : ""))
                continue
            }
            try fm.removeItem(atPath: path)
            if chained { try fm.moveItem(atPath: path + chainedSuffix, toPath: path) }
            out.line("\(out.styled("✓", .green)) \(name): removed\(chained ? ", the previous hook is back" : "")")
        }
        if options.dryRun { out.line("dry run: no hook was changed") }
        return .success
    }
}
