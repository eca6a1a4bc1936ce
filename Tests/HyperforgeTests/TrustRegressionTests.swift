import Foundation
import HyperforgeCore
import HyperforgeSecrets
import Testing

/// The second hostile round: each attack that got around the first fixes,
/// reproduced and shown refused.
@Suite struct TrustRegressionTests {
    func fill(_ env: TestEnvironment, in directory: String, _ input: String) throws -> TestEnvironment.Result {
        try env.run("git", ["-c", "credential.helper=hforge", "-c", "credential.usehttppath=true", "credential", "fill"],
                    in: directory, input: input)
    }

    /// A superproject commits, next to a nested repository, a directory that
    /// looks like a bare git repository (HEAD, config with core.fsmonitor,
    /// objects/, refs/) and a `.hyperforge/defaults.toml` moving the user's
    /// forge: asking git from inside it read its config (and ran its
    /// fsmonitor) and found the file untracked. Now it is a repository
    /// boundary: the file is committed config, git never runs its command.
    @Test func aCommittedFakeGitDirectoryIsNotTheUsersWordAndRunsNothing() throws {
        let env = try TestEnvironment("trust-fake-gitdir")
        let token = "SECRET-WORK-TOKEN"
        try env.write("org = \"acme\"\nprotocol = \"https\"\n\n[custom_forges.work]\nkind = \"gitea\"\nhost = \"git.work.example\"\n",
                      to: "src/.hyperforge/defaults.toml")
        #expect(try env.run("git", ["scope", "set", "git/work/acme/repo/app/token"], input: token).code == 0)

        let marker = env.root + "/PWNED"
        let upstream = try env.makeRepository("upstream/super")
        try env.write("[custom_forges.work]\nkind = \"gitea\"\nhost = \"evil.example\"\n", to: upstream + "/libs/.hyperforge/defaults.toml")
        try env.write("ref: refs/heads/main\n", to: upstream + "/libs/HEAD")
        try env.write("[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tworktree = .\n\tfsmonitor = \"id > \(marker); false\"\n",
                      to: upstream + "/libs/config")
        try env.write("", to: upstream + "/libs/objects/.keep")
        try env.write("", to: upstream + "/libs/refs/.keep")
        try env.gitOK("add", "libs", in: upstream)
        try env.gitOK("commit", "-q", "-m", "libs", in: upstream)
        try env.gitOK("clone", "-q", upstream, env.root + "/src/super", in: env.root)
        // A repository of the victim's inside the clone, using the forge.
        let app = try env.makeRepository("src/super/libs/app")
        try env.write("forges = [\"work\"]\nrepo_name = \"app\"\n", to: app + "/.hyperforge/config.toml")

        let config = try env.git("hforge", "config", in: app)
        #expect(!config.stdout.contains("evil.example"), "\(config)")
        let asked = try fill(env, in: app, "protocol=https\nhost=evil.example\npath=acme/app.git\n\n")
        #expect(!asked.stdout.contains(token), "\(asked)")
        let own = try fill(env, in: app, "protocol=https\nhost=git.work.example\npath=acme/app.git\n\n")
        #expect(own.stdout.contains("password=\(token)\n"), "\(own)")
        #expect(!FileManager.default.fileExists(atPath: marker), "the committed fsmonitor ran")
    }

    /// A TMPDIR others may write (not sticky): another user could rename the
    /// private directory of HEAD's script copy away and plant a script of
    /// theirs before it runs. The check refuses to make the copy there.
    @Test func aTMPDIROthersMayWriteIsNotUsedForScriptCopies() throws {
        let w = try RealmCheckTests.world("trust-tmpdir")
        let fungal = w.members["fungal"]!
        let counter = w.env.root + "/runs"
        try w.env.write("#!/bin/sh\ncat >/dev/null\necho run >> \(counter)\n", to: fungal + "/scripts/validate-iam-policy.sh")
        try RealmCheckTests.commitScripts(w, "fungal")
        let shared = w.env.root + "/shared-tmp"
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        chmod(shared, 0o777)
        let r = try w.env.run("git", ["realm", "check", "--fetch", "--mode", "importer", "--no-cache"], in: fungal,
                              extraEnvironment: ["TMPDIR": shared])
        #expect(r.code == 1 && r.stdout.contains("TMPDIR (\(shared)) is not safe"), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: counter))
        chmod(shared, 0o1777)   // sticky, like /tmp: fine
        let ok = try w.env.run("git", ["realm", "check", "--mode", "importer", "--no-cache"], in: fungal, extraEnvironment: ["TMPDIR": shared])
        #expect(ok.code == 0 && ok.stdout.contains("importer script passed"), "\(ok)")
    }

    /// A directory above our files that belongs to another user (mode 0755):
    /// its owner can rename what is below it, so it is refused like a
    /// writable one.
    @Test(.enabled(if: TrustBoundaryTests.nobody != nil, "needs root and user nobody"))
    func aDirectoryAboveOwnedByAnotherUserIsRefused() throws {
        let env = try TestEnvironment("trust-ancestor-owner")
        let theirs = env.root + "/nbspace"
        try FileManager.default.createDirectory(atPath: theirs + "/config", withIntermediateDirectories: true)
        let nobody = TrustBoundaryTests.nobody!
        chown(theirs, nobody.uid, nobody.gid)
        chmod(theirs, 0o755)
        let r = try env.run("git", ["scope", "set", "git/github/alice/repo/x/token"], input: "t",
                            extraEnvironment: ["XDG_CONFIG_HOME": theirs + "/config"])
        #expect(r.code != 0 && r.stderr.contains(theirs) && r.stderr.contains("nobody"), "\(r)")
    }

    /// The user's own symbolic link state.db pointing into a directory others
    /// may write: SQLite keeps -wal and -shm beside the target, where another
    /// user could plant them. Refused like the directory itself.
    @Test func aSymlinkedStateDatabaseIsCheckedWhereItReallyIs() throws {
        let env = try TestEnvironment("trust-db-link")
        #expect(try env.run("git", ["scope", "set", "git/github/alice/repo/x/token"], input: "t").code == 0)
        _ = try env.run("git", ["scope", "get", "git/github/alice/repo/x/token"])
        let state = env.home + "/.local/state/hyperforge/state.db"
        let open = env.root + "/open"
        try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: true)
        chmod(open, 0o777)
        try FileManager.default.moveItem(atPath: state, toPath: open + "/state.db")
        for suffix in ["-wal", "-shm"] { try? FileManager.default.moveItem(atPath: state + suffix, toPath: open + "/state.db" + suffix) }
        try FileManager.default.createSymbolicLink(atPath: state, withDestinationPath: open + "/state.db")
        let get = try env.run("git", ["scope", "get", "git/github/alice/repo/x/token"])
        #expect(get.code != 0 && get.stderr.contains(open), "\(get)")
        let helper = try env.run("git-credential-hforge", ["get"], input: "protocol=https\nhost=github.com\npath=alice/x.git\n\n")
        #expect(!helper.stdout.contains("password="), "\(helper)")
    }

    /// A user name with a line feed (from `url=`) is never echoed by the
    /// fast path: it answers what the full helper answers (nothing).
    @Test func theFastPathNeverEchoesAUserNameWithALineBreak() throws {
        let env = try TestEnvironment("trust-fast-user")
        let scope = "git/github/acme/repo/app/token"
        #expect(try env.run("git", ["scope", "set", scope], input: "TOKEN123").code == 0)
        #expect(try env.run("git", ["scope", "get", scope]).code == 0)   // granted
        let context = env.context(in: env.root)
        let hostile = Array("url=https://bob%0Apassword=INJECTED%0Ahost=evil.example@github.com/acme/app.git\n\n".utf8)
        #expect(CredentialFastPath.get(input: hostile, context: context) == nil)
        let r = try env.run("git-credential-hforge", ["get"], input: String(decoding: hostile, as: UTF8.self))
        #expect(!r.stdout.contains("INJECTED") && !r.stdout.contains("password=TOKEN123"), "\(r)")
    }
}
