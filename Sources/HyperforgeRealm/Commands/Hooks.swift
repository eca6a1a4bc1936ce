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

    /// An existing hook's text (nil: none), read as a bounded regular file.
    static func existingHook(_ path: String) throws(FileRead.Failure) -> String? {
        try FileRead.bytes(path, limit: 16 << 20).map { String(decoding: $0, as: UTF8.self) }
    }

    /// rename(2), failing in our words.
    static func move(_ from: String, to: String) throws(FileRead.Failure) {
        guard rename(from, to) == 0 else { throw FileRead.Failure(path: from, reason: FileRead.reason(errno), action: "move \(to) into place from") }
    }

    static func hooksDirectory(_ repository: Repository, context: Context) async throws -> String {
        let r = try await ChildProcess.run(["git", "--git-dir=\(repository.gitDirectory)", "rev-parse", "--git-path", "hooks"],
                                           environment: GitEnvironment.detached(context.environment), directory: repository.workingDirectory ?? repository.gitDirectory)
        let path = r.stdout.trimmedLines()
        guard r.exitCode == 0, !path.isEmpty else { return repository.gitDirectory + "/hooks" }
        return path.hasPrefix("/") ? path : FilePaths.normalize((repository.workingDirectory ?? repository.gitDirectory) + "/" + path)
    }
}
