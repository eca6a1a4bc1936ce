import Foundation
import HyperforgeCore
import HyperforgeRealm
import Testing

/// Issue 12: a failed `git realm admin init` leaves nothing behind. On that
/// issue's main `--branch 'a..b'` left a half-made `x.git` and every later
/// `admin init --name x` was refused ("not empty and is not a git repository").
@Suite struct AdminInitFailureTests {
    static func entries(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    /// Branch names git refuses are refused before anything is made, with git's rule.
    @Test(arguments: [("a..b", "may not contain '..'"), ("a b", "may not contain ' '"), ("-x", "may not start with '-'"),
                      ("a/", "may not end in '/'"), ("x.lock", "has a part ending in '.lock'"), ("a/.b", "has a part starting with '.'"),
                      ("a@{b", "may not contain '@{'"), ("a:b", "may not contain ':'"), ("a~1", "may not contain '~'")])
    func aBranchGitWouldRefuseIsRefusedFirstAndNothingIsMade(_ branch: String, _ problem: String) throws {
        let env = try TestEnvironment("init-branch")
        let realms = env.home + "/.local/share/hyperforge/realms"
        let r = try env.run("git", ["realm", "admin", "init", "--name", "x", "--branch=\(branch)"])
        #expect(r.code == 64, "\(r)")
        #expect(r.stderr.contains("branch name \"\(branch)\" \(problem)"), "\(r)")
        #expect(!FilePaths.entryExists(realms + "/x.git"), "\(Self.entries(realms))")
        let url = env.root + "/elsewhere/deeper/x.git"
        let other = try env.run("git", ["realm", "admin", "init", "--name", "x", "--url", url, "--branch=\(branch)"])
        #expect(other.code == 64 && !FilePaths.entryExists(env.root + "/elsewhere"), "\(other)")
        // Then the same name works.
        let ok = try env.run("git", ["realm", "admin", "init", "--name", "x"])
        #expect(ok.code == 0, "\(ok)")
        #expect(try env.gitOK("--git-dir=\(realms)/x.git", "show", "main:realm.yaml", in: env.root).contains("name: x"))
    }

    @Test func branchNamesGitAcceptsAreAccepted() {
        for name in ["main", "trunk", "release/1.0", "feature/a-b_c", "v1.2.3", "ünïcode"] {
            #expect(RealmNames.branchProblem(name) == nil, "\(name)")
        }
        for bad in ["a..b", "a b", "a\tb", "a\u{7f}", "a?", "a*", "a[", "a\\b", "/a", "a//b", "a.", "@", "HEAD", ""] {
            #expect(RealmNames.branchProblem(bad) != nil, "\(bad)")
        }
    }

    /// A failure after the realm directory was made (here: no scratch
    /// repository can be made in TMPDIR, where the first commit is built)
    /// removes it, and the parents it needed; in a directory that was there
    /// and empty, what it put there. The next `admin init` works.
    @Test func aFailureAfterTheRepositoryWasMadeRemovesIt() throws {
        let env = try TestEnvironment("init-undo")
        let realms = env.home + "/.local/share/hyperforge/realms"
        let broken = ["TMPDIR": env.root + "/no-such-tmp"]
        let r = try env.run("git", ["realm", "admin", "init", "--name", "x"], extraEnvironment: broken)
        #expect(r.code == 4 && r.stderr.contains("cannot make a scratch repository in \(env.root)/no-such-tmp (TMPDIR"), "\(r)")
        #expect(r.stderr.contains("hint: set TMPDIR to a directory of yours"), "\(r)")
        #expect(!FilePaths.entryExists(realms + "/x.git"), "\(Self.entries(realms))")

        let deep = env.root + "/a/b/x.git"
        let viaURL = try env.run("git", ["realm", "admin", "init", "--name", "x", "--url", deep], extraEnvironment: broken)
        #expect(viaURL.code == 4 && !FilePaths.entryExists(env.root + "/a"), "\(viaURL)")

        let empty = env.root + "/empty.git"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        let inEmpty = try env.run("git", ["realm", "admin", "init", "--name", "x", "--url", empty], extraEnvironment: broken)
        #expect(inEmpty.code == 4 && FilePaths.isDirectory(empty) && Self.entries(empty).isEmpty, "\(inEmpty): \(Self.entries(empty))")

        for args in [["--name", "x"], ["--name", "x", "--url", deep], ["--name", "x", "--url", empty]] {
            let ok = try env.run("git", ["realm", "admin", "init"] + args)
            #expect(ok.code == 0, "\(args): \(ok)")
        }
        // A realm that is there is still refused, and kept.
        let again = try env.run("git", ["realm", "admin", "init", "--name", "x"])
        #expect(again.code == 2 && again.stderr.contains("a realm already exists"), "\(again)")
        #expect(FilePaths.entryExists(realms + "/x.git/HEAD"))
    }
}
