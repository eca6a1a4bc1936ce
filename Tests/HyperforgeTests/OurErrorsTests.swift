import Foundation
import HyperforgeCore
import HyperforgeSecrets
import Testing

/// Issue 12: every error a user sees is ours, naming the file and what to
/// do. On that issue's main a directory as defaults.toml printed
/// "NSCocoaErrorDomain error 256", a symlink loop "Code=516", /dev/zero "You
/// don't have permission", and a symlinked secrets file "Too many levels of
/// symbolic links" with no file named. (TestEnvironment.run also fails any
/// test whose commands print Foundation's error text or a Swift crash.)
@Suite struct OurErrorsTests {
    /// A repository with a config of its own, below a directory whose
    /// `.hyperforge/defaults.toml` each case replaces.
    static func repository(_ env: TestEnvironment) throws -> (repo: String, defaults: String) {
        let repo = try env.makeRepository("projects/tool")
        try env.write("forges = [\"github\"]\norg = \"alice\"\n", to: repo + "/.hyperforge/config.toml")
        let dir = env.root + "/projects/.hyperforge"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return (repo, dir + "/defaults.toml")
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// What is at a defaults.toml that cannot be read as one: skipped with a
    /// warning naming the file, what is wrong and what to do; the command
    /// goes on with the rest of the configuration.
    @Test func aDefaultsTomlThatIsNotAFileIsNamedAndSkipped() throws {
        let env = try TestEnvironment("errors-defaults")
        let (repo, defaults) = try Self.repository(env)
        let dir = FilePaths.parent(defaults)!
        let cases: [(String, () throws -> Void, String)] = [
            ("a directory", { try FileManager.default.createDirectory(atPath: defaults, withIntermediateDirectories: false) }, "it is a directory, not a file"),
            ("a symlink loop", {
                try FileManager.default.createSymbolicLink(atPath: defaults, withDestinationPath: "loop")
                try FileManager.default.createSymbolicLink(atPath: dir + "/loop", withDestinationPath: "defaults.toml")
            }, "too many levels of symbolic links"),
            ("/dev/zero", { try FileManager.default.createSymbolicLink(atPath: defaults, withDestinationPath: "/dev/zero") }, "it is not a regular file"),
            ("a FIFO", { #expect(mkfifo(defaults, 0o600) == 0) }, "it is not a regular file"),
        ]
        for (what, make, reason) in cases {
            try make()
            defer { Self.remove(defaults); Self.remove(dir + "/loop") }
            let r = try env.git("hforge", "config", in: repo)
            #expect(r.code == 0, "\(what): \(r)")
            #expect(r.stderr.contains("warning: skipped \(defaults): cannot use \(defaults): \(reason)"), "\(what): \(r)")
            #expect(r.stderr.contains("check what is at \(defaults) ('ls -ld \(defaults)'), fix or remove it"), "\(what): \(r)")
            #expect(r.stdout.contains("org = \"alice\""), "\(what): \(r)")
        }
    }

    /// The repository's own config.toml: an error naming it (a link loop was
    /// taken for no config at all).
    @Test func aConfigTomlThatIsNotAFileIsAnError() throws {
        let env = try TestEnvironment("errors-config")
        let repo = try env.makeRepository("tool")
        let config = repo + "/.hyperforge/config.toml"
        try FileManager.default.createDirectory(atPath: repo + "/.hyperforge", withIntermediateDirectories: true)
        let cases: [(String, () throws -> Void, String)] = [
            ("a directory", { try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: false) }, "it is a directory, not a file"),
            ("a symlink loop", {
                try FileManager.default.createSymbolicLink(atPath: config, withDestinationPath: "c2")
                try FileManager.default.createSymbolicLink(atPath: repo + "/.hyperforge/c2", withDestinationPath: "config.toml")
            }, "too many levels of symbolic links"),
            // A committed config.toml linked outside the repository is refused before its type is looked at.
            ("/dev/zero", { try FileManager.default.createSymbolicLink(atPath: config, withDestinationPath: "/dev/zero") }, "it is a link to /dev/zero, outside the repository"),
            ("5 MiB", { try env.write("# " + String(repeating: "x", count: 5 << 20) + "\n", to: config) }, "it is larger than 4 MiB ("),
        ]
        for (what, make, reason) in cases {
            try make()
            defer { Self.remove(config); Self.remove(repo + "/.hyperforge/c2") }
            for command in [["hforge", "config"], ["hforge", "status"], ["hforge", "sync", "--dry-run"]] {
                let r = try env.run("git", command, in: repo)
                #expect(r.code == 3, "\(what), \(command): \(r)")
                #expect(r.stderr.contains("error: cannot read \(config): \(reason)"), "\(what), \(command): \(r)")
                #expect(r.stderr.contains("hint: check the file's type and permissions"), "\(r)")
            }
            // init does not take a broken config for none (nor overwrite it).
            let initialise = try env.git("hforge", "init", "--forges", "github", "--org", "alice", in: repo)
            #expect(initialise.code != 0, "\(what): \(initialise)")
        }
    }

    /// auth.toml and coordinator.toml that are not regular files (or are too
    /// large): named, with what to do; nothing is read from /dev/zero.
    @Test func userConfigFilesThatAreNotFilesAreNamed() throws {
        let env = try TestEnvironment("errors-user-config")
        let dir = env.home + "/.config/hyperforge"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for file in ["auth.toml", "coordinator.toml"] {
            let path = dir + "/" + file
            let command = file == "auth.toml" ? ["scope", "list"] : ["realm", "coordinator", "status", "--start"]
            let cases: [(() throws -> Void, String)] = [
                ({ try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false) }, "it is a directory, not a file"),
                ({ try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero") }, "it is not a regular file"),
                ({ try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: path) }, "too many levels of symbolic links"),
                ({ #expect(mkfifo(path, 0o600) == 0) }, "it is not a regular file"),
                ({ try env.write("# " + String(repeating: "x", count: 5 << 20) + "\n", to: path) }, "it is larger than 4 MiB ("),
            ]
            for (make, reason) in cases {
                try make()
                defer { Self.remove(path) }
                let r = try env.run("git", command)
                #expect(r.code == 4, "\(file): \(r)")
                #expect(r.stderr.contains("cannot use \(path): \(reason)"), "\(file): \(r)")
                #expect(r.stderr.contains("hint: check what is at \(path)"), "\(file): \(r)")
            }
        }
    }

    /// A secrets file that is a symlink of yours to a private file is used
    /// (and written through, keeping the link); a dangling one and a loop
    /// are named.
    @Test func aSymlinkedSecretsFileIsFollowedOrNamed() throws {
        let env = try TestEnvironment("errors-secrets-link")
        let scope = "git/github/alice/repo/tool/token"
        #expect(try env.run("git", ["scope", "set", scope], input: "first").code == 0)
        let data = env.home + "/.local/share/hyperforge"
        let secrets = data + "/secrets", real = env.home + "/vault/secrets"
        try FileManager.default.createDirectory(atPath: env.home + "/vault", withIntermediateDirectories: true)
        chmod(env.home + "/vault", 0o700)
        #expect(rename(secrets, real) == 0)
        try FileManager.default.createSymbolicLink(atPath: secrets, withDestinationPath: real)

        let get = try env.run("git", ["scope", "get", scope])
        #expect(get.code == 0 && get.stdout.trimmingCharacters(in: .newlines) == "first", "\(get)")
        #expect(try env.run("git", ["scope", "set", "git/github/alice/repo/other/token"], input: "second").code == 0)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: secrets)) == real, "the link was replaced")
        #expect(try String(contentsOfFile: real, encoding: .utf8).contains("git/github/alice/repo/other/token\t"))
        let answer = try env.run("git", ["credential-hforge", "get"], input: "protocol=https\nhost=github.com\npath=alice/tool.git\n\n")
        #expect(answer.stdout.contains("password=first\n"), "\(answer)")

        // Pointing at a file others may read: refused, naming the target's mode.
        chmod(real, 0o644)
        let open = try env.run("git", ["scope", "get", scope])
        #expect(open.code == 4 && open.stderr.contains("refusing to use \(secrets)") && open.stderr.contains("group or others may read it"), "\(open)")
        chmod(real, 0o600)

        try FileManager.default.removeItem(atPath: secrets)
        try FileManager.default.createSymbolicLink(atPath: secrets, withDestinationPath: env.home + "/vault/gone")
        let dangling = try env.run("git", ["scope", "get", scope])
        #expect(dangling.code == 4, "\(dangling)")
        #expect(dangling.stderr.contains("reading \(secrets) failed: it is a symbolic link to \(env.home)/vault/gone, which does not exist"), "\(dangling)")

        try FileManager.default.removeItem(atPath: secrets)
        try FileManager.default.createSymbolicLink(atPath: secrets, withDestinationPath: secrets)
        let loop = try env.run("git", ["scope", "get", scope])
        #expect(loop.code == 4 && loop.stderr.contains("cannot use \(secrets): too many levels of symbolic links"), "\(loop)")
        let helper = try env.run("git", ["credential-hforge", "get"], input: "protocol=https\nhost=github.com\npath=alice/tool.git\n\n")
        #expect(helper.stdout.isEmpty && helper.stderr.contains(secrets), "\(helper)")
    }

    /// Files this user cannot read (root reads everything, so the command
    /// runs as nobody in a world of nobody's own).
    @Test(.enabled(if: TrustBoundaryTests.nobody != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs root, a 'nobody' user and setpriv"))
    func unreadableFilesAreNamed() throws {
        let env = try TestEnvironment("errors-unreadable")
        let nobody = try #require(TrustBoundaryTests.nobody)
        let repo = try env.makeRepository("tool")
        try env.write("forges = [\"github\"]\norg = \"alice\"\n", to: repo + "/.hyperforge/config.toml")
        try env.write("[auth]\n", to: env.home + "/.config/hyperforge/auth.toml")
        for path in [env.root, env.home] { chmod(path, 0o755) }
        let owned = try env.run("chown", ["-R", "\(nobody.uid):\(nobody.gid)", env.root])
        #expect(owned.code == 0, "\(owned)")
        func asNobody(_ args: [String], in dir: String) throws -> TestEnvironment.Result {
            try env.run("/usr/bin/setpriv", ["--reuid=\(nobody.uid)", "--regid=\(nobody.gid)", "--clear-groups", "--"] + args, in: dir)
        }
        // Theirs to use, but not readable by them.
        func unreadable(_ file: String) { #expect(chown(file, 0, 0) == 0 && chmod(file, 0o600) == 0) }
        unreadable(repo + "/.hyperforge/config.toml")
        let config = try asNobody(["git", "hforge", "config"], in: repo)
        #expect(config.code == 3 && config.stderr.contains("error: cannot read \(repo)/.hyperforge/config.toml: permission denied"), "\(config)")
        unreadable(env.home + "/.config/hyperforge/auth.toml")
        let scope = try asNobody(["git", "scope", "list"], in: env.root)
        #expect(scope.code == 4 && scope.stderr.contains("cannot use \(env.home)/.config/hyperforge/auth.toml: permission denied"), "\(scope)")
        _ = try env.run("chown", ["-R", "0:0", env.root])
    }

    /// The guard itself: Foundation's error text and crash reports are
    /// recognised wherever they appear.
    @Test func theSuiteWideGuardRecognisesForeignErrorText() {
        let samples = [
            "error: The file “defaults.toml” couldn’t be opened. (NSCocoaErrorDomain error 256.)",
            "Error Domain=NSCocoaErrorDomain Code=516 \"x\"",
            "You don't have permission to save the file",
            "Swift/IntegerTypes.swift:5923: Fatal error: Double value cannot be converted",
        ]
        for s in samples { #expect(TestEnvironment.foreignErrorText.contains { s.contains($0) }, "\(s)") }
        for ours in ["error: cannot read /x: permission denied", "warning: skipped /a: it is a directory, not a file"] {
            #expect(!TestEnvironment.foreignErrorText.contains { ours.contains($0) }, "\(ours)")
        }
    }
}
