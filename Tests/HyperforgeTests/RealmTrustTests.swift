import Foundation
import HyperforgeCore
import Testing

/// The issue "Trust boundaries": realm files are written by other members, so
/// nothing in them may choose code that `git realm check` runs here.
/// aperture owns s3-permissions; fungal imports it and runs its importer script.
@Suite struct RealmScriptTrustTests {
    typealias World = RealmEndToEndTests.World

    /// A realm member edits the realm with plain git (a clone of the realm's
    /// bare repository, a commit, a push), bypassing every check git realm makes.
    static func hostile(_ w: World, _ message: String, _ edit: (String) throws -> Void) throws {
        let clone = w.env.root + "/hostile-\(UUID().uuidString.prefix(6))"
        try w.env.gitOK("clone", "-q", w.realmGitDir, clone, in: w.env.root)
        try edit(clone)
        try w.env.gitOK("add", "-A", in: clone)
        try w.env.gitOK("commit", "-q", "-m", message, in: clone)
        try w.env.gitOK("push", "-q", "origin", "main", in: clone)
    }

    /// Sets the contract's `validation.importer` to `path`, as its owner may.
    static func setImporter(_ w: World, _ path: String) throws {
        try hostile(w, "importer: \(path)") { clone in
            let file = clone + "/domains/s3-access/contracts/s3-permissions.yaml"
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let changed = text.replacingOccurrences(of: #"importer: .*"#, with: "importer: \"\(path)\"", options: .regularExpression)
            #expect(changed != text || text.contains("importer: \"\(path)\""), "no importer line in\n\(text)")
            try w.env.write(changed, to: file)
        }
    }

    @Test func importerScriptsThatAreNotTrackedRegularFilesAreRefusedAndNeverRun() throws {
        let w = try RealmCheckTests.world("trust-scripts")
        let fungal = w.members["fungal"]!
        let marker = w.env.root + "/pwned"

        // 1. A string that lands in .git/realm/index/<commit>.json: a repository URL with a command substitution.
        try Self.hostile(w, "aperture's url") { clone in
            let file = clone + "/repos/aperture.yaml"
            let text = try String(contentsOfFile: file, encoding: .utf8)
            try w.env.write(text + "url: \"$(id > \(marker))\"\n", to: file)
        }
        let planted = try w.tip()
        #expect(try w.run("fungal", "status", "--fetch").code == 0)
        try Self.setImporter(w, ".git/realm/index/\(planted).json")
        let viaIndex = try w.run("fungal", "check", "--fetch", "--mode", "importer")
        // The attack's premise holds: the file exists and holds the payload, so running it would have created the marker.
        let index = try String(contentsOfFile: fungal + "/.git/realm/index/\(planted).json", encoding: .utf8)
        #expect(index.contains("$(id > \(marker))"), "\(index)")
        #expect(viaIndex.code == 1, "\(viaIndex)")
        #expect(viaIndex.stdout.contains("s3-permissions (s3-access, importer): .git/realm/index/\(planted).json: the importer script is refused and was not run: it is under .git"), "\(viaIndex)")
        #expect(viaIndex.stdout.contains("named by validation.importer in domains/s3-access/contracts/s3-permissions.yaml"), "\(viaIndex)")
        #expect(!FileManager.default.fileExists(atPath: marker))

        // 2. The realm's own pre-commit hook: check would call itself.
        try w.ok("fungal", "hooks", "install")
        try Self.setImporter(w, ".git/hooks/pre-commit")
        let viaHook = try w.run("fungal", "check", "--fetch", "--mode", "importer")
        #expect(viaHook.code == 1 && viaHook.stdout.contains(".git/hooks/pre-commit: the importer script is refused and was not run: it is under .git"), "\(viaHook)")
        // The hook itself (git commit runs it) refuses the same way and stops the commit: no recursion.
        try w.env.write("z\n", to: fungal + "/z.txt")
        try w.env.gitOK("add", "z.txt", in: fungal)
        let commit = try w.env.git("commit", "-q", "-m", "z", in: fungal)
        #expect(commit.code != 0 && commit.stderr.contains("the importer script is refused"), "\(commit)")
        try w.ok("fungal", "hooks", "uninstall")

        let payload = "#!/bin/sh\nid > \(marker)\nexit 0\n"
        // 3. An untracked file in the work tree.
        try w.env.write(payload, to: fungal + "/scripts/untracked.sh")
        chmod(fungal + "/scripts/untracked.sh", 0o755)
        try Self.setImporter(w, "scripts/untracked.sh")
        let untracked = try w.run("fungal", "check", "--fetch", "--mode", "importer")
        #expect(untracked.code == 1 && untracked.stdout.contains("scripts/untracked.sh: the importer script is refused and was not run: it is not tracked in this repository's HEAD"), "\(untracked)")

        // 4. A tracked symlink (to a file outside the repository).
        try w.env.write(payload, to: w.env.root + "/outside.sh")
        chmod(w.env.root + "/outside.sh", 0o755)
        try FileManager.default.createSymbolicLink(atPath: fungal + "/scripts/link.sh", withDestinationPath: w.env.root + "/outside.sh")
        try w.env.gitOK("add", "scripts/link.sh", in: fungal)
        try w.env.gitOK("commit", "-q", "-m", "a symlink", in: fungal)
        try Self.setImporter(w, "scripts/link.sh")
        let link = try w.run("fungal", "check", "--fetch", "--mode", "importer")
        #expect(link.code == 1 && link.stdout.contains("scripts/link.sh: the importer script is refused and was not run: it is a symlink in this repository's HEAD"), "\(link)")

        // 5. A tracked regular file, reached in the work tree through a symlinked directory.
        try w.env.write("#!/bin/sh\nexit 0\n", to: fungal + "/tools/check.sh")
        try w.env.gitOK("add", "tools/check.sh", in: fungal)
        try w.env.gitOK("commit", "-q", "-m", "tools", in: fungal)
        try FileManager.default.removeItem(atPath: fungal + "/tools")
        try w.env.write(payload, to: w.env.root + "/elsewhere/check.sh")
        chmod(w.env.root + "/elsewhere/check.sh", 0o755)
        try FileManager.default.createSymbolicLink(atPath: fungal + "/tools", withDestinationPath: w.env.root + "/elsewhere")
        try Self.setImporter(w, "tools/check.sh")
        let throughDir = try w.run("fungal", "check", "--fetch", "--mode", "importer")
        #expect(throughDir.code == 1 && throughDir.stdout.contains("tools/check.sh: the importer script is refused and was not run: tools is a symlink in the work tree"), "\(throughDir)")

        // 6. Paths that leave the repository, as before.
        try Self.setImporter(w, "scripts/../../outside.sh")
        let dotdot = try w.run("fungal", "check", "--fetch", "--mode", "importer")
        #expect(dotdot.code == 1 && dotdot.stdout.contains("it has a '..' segment"), "\(dotdot)")

        #expect(!FileManager.default.fileExists(atPath: marker), "a refused script ran")

        // The same tracked file as a regular file runs.
        try FileManager.default.removeItem(atPath: fungal + "/tools")
        try w.env.gitOK("checkout", "--", "tools", in: fungal)
        try Self.setImporter(w, "tools/check.sh")
        let allowed = try w.run("fungal", "check", "--fetch", "--mode", "importer")
        #expect(allowed.code == 0 && allowed.stdout.contains("importer script passed"), "\(allowed)")
    }

    @Test func aScriptThatRunsCheckDoesNotRecurse() throws {
        let w = try RealmCheckTests.world("trust-nested")
        let fungal = w.members["fungal"]!
        let counter = w.env.root + "/runs", inner = w.env.root + "/inner.txt"
        try w.env.write("#!/bin/sh\ncat >/dev/null\necho run >> \(counter)\ngit realm check --mode importer --no-cache > \(inner) 2>&1\necho \"inner exit $?\" >> \(inner)\nexit 0\n",
                        to: fungal + "/scripts/validate-iam-policy.sh")
        try RealmCheckTests.commitScripts(w, "fungal")
        let outer = try w.run("fungal", "check", "--fetch", "--mode", "importer", "--no-cache", "--script-timeout", "60")
        #expect(outer.code == 0 && outer.stdout.contains("importer script passed"), "\(outer)")
        // The script ran once; the check it started ran no script and said so (warnings only: exit 2).
        #expect(try String(contentsOfFile: counter, encoding: .utf8) == "run\n")
        let innerText = try String(contentsOfFile: inner, encoding: .utf8)
        #expect(innerText.contains("the importer script was skipped: this check was started from inside another 'git realm check' (HFORGE_REALM_IN_CHECK is set), which runs no scripts"), "\(innerText)")
        #expect(innerText.contains("inner exit 2"), "\(innerText)")
    }

    @Test func runScriptsFalseSkipsWithAWarningAndRequiredMakesSkippingAnError() throws {
        let w = try RealmCheckTests.world("trust-policy")
        let fungal = w.members["fungal"]!
        let counter = w.env.root + "/runs"
        try w.env.write("#!/bin/sh\ncat >/dev/null\necho run >> \(counter)\nexit 0\n", to: fungal + "/scripts/validate-iam-policy.sh")
        try RealmCheckTests.commitScripts(w, "fungal")
        func runs() -> Int { ((try? String(contentsOfFile: counter, encoding: .utf8)) ?? "").split(separator: "\n").count }

        try w.env.gitOK("config", "realm.runScripts", "false", in: fungal)
        let off = try w.run("fungal", "check", "--fetch", "--mode", "importer")
        #expect(off.code == 2, "\(off)")
        #expect(off.stdout.contains("! s3-permissions (s3-access, importer): scripts/validate-iam-policy.sh: the importer script was skipped: realm.runScripts is false in git config"), "\(off)")
        #expect(runs() == 0)

        try w.env.gitOK("config", "realm.runScripts", "required", in: fungal)
        let required = try w.run("fungal", "check", "--mode", "importer")
        #expect(required.code == 0 && required.stdout.contains("importer script passed"), "\(required)")
        #expect(runs() == 1)
        // Skipped (a check inside a check) under required: an error.
        let nested = try w.env.run("git", ["realm", "check", "--mode", "importer"], in: fungal, extraEnvironment: ["HFORGE_REALM_IN_CHECK": "1"])
        #expect(nested.code == 1, "\(nested)")
        #expect(nested.stdout.contains("✗ s3-permissions (s3-access, importer): scripts/validate-iam-policy.sh: the importer script was skipped"), "\(nested)")
        #expect(nested.stdout.contains("realm.runScripts = required makes a skipped script an error"), "\(nested)")
        #expect(runs() == 1)
        // Refused under required: an error as always.
        try Self.setImporter(w, "scripts/not-there.sh")
        let refused = try w.run("fungal", "check", "--fetch", "--mode", "importer")
        #expect(refused.code == 1 && refused.stdout.contains("it is not tracked in this repository's HEAD"), "\(refused)")

        try w.env.gitOK("config", "realm.runScripts", "sometimes", in: fungal)
        let bad = try w.run("fungal", "check", "--mode", "importer")
        #expect(bad.code == 64 && bad.stderr.contains("git config realm.runScripts is \"sometimes\"; it must be true, false or required"), "\(bad)")
    }
}
