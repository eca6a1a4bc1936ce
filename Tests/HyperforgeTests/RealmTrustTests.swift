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
            let changed = text.replacingOccurrences(of: #"importer: .*"#, with: NSRegularExpression.escapedTemplate(for: "importer: \"\(path)\""), options: .regularExpression)
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
        try w.env.gitOK("add", "--chmod=+x", "tools/check.sh", in: fungal)
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

    /// A tracked data file (mode 100644) holding shell, named as the importer by
    /// the contract's owner: refused, never handed to /bin/sh.
    @Test func aNonExecutableTrackedFileIsRefusedNotRunThroughSh() throws {
        let w = try RealmCheckTests.world("trust-noexec")
        let fungal = w.members["fungal"]!
        let marker = w.env.root + "/pwned-sh"
        try w.env.write("{\"bucket\": \"$(id > \(marker))\"}\n", to: fungal + "/gen/c1.json")
        try w.env.gitOK("add", "gen/c1.json", in: fungal)
        try w.env.gitOK("commit", "-q", "-m", "generated data", in: fungal)
        #expect(try w.env.gitOK("ls-files", "-s", "gen/c1.json", in: fungal).hasPrefix("100644 "))
        try Self.setImporter(w, "gen/c1.json")
        let check = try w.run("fungal", "check", "--fetch", "--mode", "importer", "--no-cache")
        #expect(check.code == 1, "\(check)")
        #expect(check.stdout.contains("s3-permissions (s3-access, importer): gen/c1.json: the importer script is refused and was not run: it is recorded in this repository's HEAD as a non-executable file (mode 100644)"), "\(check)")
        #expect(check.stdout.contains("git update-index --chmod=+x gen/c1.json && git commit"), "\(check)")
        #expect(!FileManager.default.fileExists(atPath: marker), "a data file ran through /bin/sh")
        // Even executable in the work tree: HEAD's mode is what counts.
        chmod(fungal + "/gen/c1.json", 0o755)
        let chmodded = try w.run("fungal", "check", "--mode", "importer", "--no-cache")
        #expect(chmodded.code == 1 && chmodded.stdout.contains("non-executable file (mode 100644)"), "\(chmodded)")
        #expect(!FileManager.default.fileExists(atPath: marker), "a data file ran")
    }

    /// HEAD's blob is what runs: a work-tree edit, or a nested repository in
    /// place of a tracked directory, is refused; the script runs from a private
    /// copy, in the repository root.
    @Test func onlyHEADsBytesRunNeverTheWorkTrees() throws {
        let w = try RealmCheckTests.world("trust-worktree")
        let fungal = w.members["fungal"]!
        let marker = w.env.root + "/pwned-wt"
        let seen = w.env.root + "/seen"
        // A committed script that records where it runs from.
        try w.env.write("#!/bin/sh\ncat >/dev/null\necho \"$0|$(pwd)|$HFORGE_REALM_SCRIPT\" > \(seen)\nexit 0\n", to: fungal + "/tools/v.sh")
        chmod(fungal + "/tools/v.sh", 0o755)
        try w.env.gitOK("add", "tools/v.sh", in: fungal)
        try w.env.gitOK("commit", "-q", "-m", "v", in: fungal)
        try Self.setImporter(w, "tools/v.sh")
        let clean = try w.run("fungal", "check", "--fetch", "--mode", "importer", "--no-cache")
        #expect(clean.code == 0 && clean.stdout.contains("importer script passed"), "\(clean)")
        let fields = try String(contentsOfFile: seen, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").map(String.init)
        #expect(fields.count == 3, "\(fields)")
        if fields.count == 3 {
            #expect(fields[0].hasSuffix("/v.sh") && !fields[0].hasPrefix(fungal), "$0 is a private copy: \(fields[0])")
            #expect(!FileManager.default.fileExists(atPath: fields[0]), "the copy is removed afterwards")
            #expect(URL(fileURLWithPath: fields[1]).resolvingSymlinksInPath().path == URL(fileURLWithPath: fungal).resolvingSymlinksInPath().path)
            #expect(fields[2] == "tools/v.sh")
        }

        // 1. Changed in the work tree, not committed.
        let payload = "#!/bin/sh\necho worktree-content-ran > \(marker)\nexit 0\n"
        try w.env.write(payload, to: fungal + "/tools/v.sh")
        chmod(fungal + "/tools/v.sh", 0o755)
        let edited = try w.run("fungal", "check", "--mode", "importer", "--no-cache")
        #expect(edited.code == 1, "\(edited)")
        #expect(edited.stdout.contains("tools/v.sh: the importer script is refused and was not run: it has uncommitted changes in the work tree"), "\(edited)")
        #expect(edited.stdout.contains("git restore tools/v.sh"), "\(edited)")
        #expect(!FileManager.default.fileExists(atPath: marker), "the work tree's bytes ran")

        // 2. The tracked directory replaced by a nested, untracked repository holding the same path.
        try FileManager.default.removeItem(atPath: fungal + "/tools")
        try w.env.write(payload, to: fungal + "/tools/v.sh")
        chmod(fungal + "/tools/v.sh", 0o755)
        try w.env.gitOK("init", "-q", in: fungal + "/tools")
        try w.env.gitOK("add", "v.sh", in: fungal + "/tools")
        try w.env.gitOK("commit", "-q", "-m", "nested", in: fungal + "/tools")
        let nested = try w.run("fungal", "check", "--mode", "importer", "--no-cache")
        #expect(nested.code == 1 && nested.stdout.contains("tools/v.sh: the importer script is refused and was not run"), "\(nested)")
        #expect(!FileManager.default.fileExists(atPath: marker), "the nested repository's file ran")

        // Restored: HEAD's script runs again.
        try FileManager.default.removeItem(atPath: fungal + "/tools")
        try w.env.gitOK("checkout", "--", "tools", in: fungal)
        let restored = try w.run("fungal", "check", "--mode", "importer", "--no-cache")
        #expect(restored.code == 0 && restored.stdout.contains("importer script passed"), "\(restored)")
    }
}

/// A realm fetch is checked before it is taken: a malformed or rewritten realm
/// pushed by a member (with plain git) never becomes `refs/realm/<realm>/fetched`.
@Suite struct RealmFetchIntegrityTests {
    typealias World = RealmEndToEndTests.World

    static func fetched(_ w: World, _ m: String) throws -> String {
        try w.env.gitOK("rev-parse", "refs/realm/letemcook/fetched", in: w.members[m]!).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aMalformedTipIsRefusedAndMembersGoOnFromTheLastGoodRealm() throws {
        let w = try RealmCheckTests.world("trust-malformed")
        let fungal = w.members["fungal"]!
        try w.ok("fungal", "fetch")
        try w.ok("aperture", "fetch")
        let good = try Self.fetched(w, "fungal")
        #expect(good == (try w.tip()))

        // A member adds a field the contract format does not have, at a known line.
        let path = "domains/s3-access/contracts/s3-permissions.yaml"
        let original = try w.show(path)
        let line = original.split(separator: "\n", omittingEmptySubsequences: false).count
        try RealmScriptTrustTests.hostile(w, "stray colour field") { clone in
            try w.env.write(original + "colour: red\n", to: clone + "/" + path)
        }
        let bad = try w.tip()
        let fetch = try w.run("fungal", "fetch")
        #expect(fetch.code == 3, "\(fetch)")
        #expect(fetch.stderr.contains("is malformed at its tip, commit \(bad.prefix(7))"), "\(fetch)")
        #expect(fetch.stderr.contains("stray colour field"), "\(fetch)")
        #expect(fetch.stderr.contains("\(path):\(line): unknown field 'colour'"), "\(fetch)")
        #expect(fetch.stderr.contains("refs/realm/letemcook/fetched stays at the last good commit \(good.prefix(12))"), "\(fetch)")
        #expect(try Self.fetched(w, "fungal") == good)
        #expect(!(try w.env.gitOK("for-each-ref", in: fungal)).contains("realm-incoming"), "the temporary ref is removed")
        // The coordinator's sync runs the same fetch: refused with the same words, nothing taken.
        let client = CoordinatorClient(environment: w.env.environment)
        try client.ensureRunning(timeout: 120)
        try client.json("PUT", "/realms/letemcook", .object(["url": .string(w.realmGitDir), "local_path": .string(fungal)]))
        let sync = try client.call("POST", "/realms/letemcook/sync", timeout: 60)
        let syncBody = String(decoding: sync.body, as: UTF8.self)
        #expect(sync.status == 502 && syncBody.contains("\(path):\(line): unknown field 'colour'"), "\(sync.status) \(syncBody)")
        #expect(try Self.fetched(w, "fungal") == good)

        // status and check go on from the last good realm, with a warning.
        let status = try w.run("fungal", "status", "--fetch")
        #expect(status.code == 0 && status.stdout.contains("at \(good.prefix(12))"), "\(status)")
        #expect(status.stderr.contains("warning: the realm at") && status.stderr.contains("going on from the last good realm, \(good.prefix(12))"), "\(status)")
        let check = try w.run("fungal", "check", "--fetch", "--mode", "importer")
        #expect(check.code == 0 && check.stdout.contains("importer script passed"), "\(check)")
        #expect(check.stderr.contains("\(path):\(line): unknown field 'colour'") && check.stderr.contains("going on from the last good realm"), "\(check)")
        // The installed hook does not block commits.
        try w.ok("fungal", "hooks", "install")
        try w.env.write("x\n", to: fungal + "/x.txt")
        try w.env.gitOK("add", "x.txt", in: fungal)
        let commit = try w.env.git("commit", "-q", "-m", "x", in: fungal)
        #expect(commit.code == 0, "\(commit)")

        // A write refuses to build on it and changes nothing.
        let v15 = RealmCheckTests.contractV1.replacingOccurrences(of: "version: \"1.4.0\"\nowner", with: "version: \"1.5.0\"\nowner")
            + "  - version: \"1.5.0\"\n    changes: [\"docs\"]\n    compatible: true\n"
        try RealmCheckTests.writeWorking(w, v15)
        let publish = try w.run("aperture", "admin", "contract", "publish", ".hyperforge/contracts/s3-access/s3-permissions.yaml", "--domain", "s3-access")
        #expect(publish.code == 3, "\(publish)")
        #expect(publish.stderr.contains("\(path):\(line): unknown field 'colour'") && publish.stderr.contains("nothing was changed: a change is never built on a malformed realm"), "\(publish)")
        #expect(try w.tip() == bad)
        #expect(try Self.fetched(w, "aperture") == good)

        // A stray file is refused the same way.
        try RealmScriptTrustTests.hostile(w, "notes") { clone in
            try w.env.write(original, to: clone + "/" + path)
            try w.env.write("hello\n", to: clone + "/notes.txt")
        }
        let stray = try w.run("fungal", "fetch")
        #expect(stray.code == 3 && stray.stderr.contains("notes.txt: 'file' is not a file of a realm"), "\(stray)")
        #expect(try Self.fetched(w, "fungal") == good)

        // Once fixed, the fetch takes it.
        try RealmScriptTrustTests.hostile(w, "remove notes") { clone in try FileManager.default.removeItem(atPath: clone + "/notes.txt") }
        let fixed = try w.run("fungal", "fetch")
        #expect(fixed.code == 0, "\(fixed)")
        #expect(try Self.fetched(w, "fungal") == (try w.tip()))
        try w.ok("aperture", "admin", "contract", "publish", ".hyperforge/contracts/s3-access/s3-permissions.yaml", "--domain", "s3-access")
    }

    /// `fetch --dry-run` fetches into a scratch repository and applies the
    /// same checks: it refuses what the fetch would refuse, with the same exit
    /// status, and leaves the member repository byte-identical.
    @Test func aDryRunFetchReportsExactlyWhatTheFetchWouldDo() throws {
        let w = try RealmCheckTests.world("trust-dry-fetch")
        let fungal = w.members["fungal"]!
        try w.ok("fungal", "fetch")
        let good = try Self.fetched(w, "fungal")
        let path = "domains/s3-access/contracts/s3-permissions.yaml"
        let original = try w.show(path)
        func unchanged(_ run: () throws -> Void, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
            let before = try TestEnvironment.snapshot(fungal)
            try run()
            let after = try TestEnvironment.snapshot(fungal)
            #expect(after == before, "changed: \(Set(after.keys).symmetricDifference(before.keys).sorted()) \(after.keys.filter { after[$0] != before[$0] }.sorted())",
                    sourceLocation: sourceLocation)
        }

        // A malformed tip: exit 3 with the fetch's own words.
        try RealmScriptTrustTests.hostile(w, "stray colour field") { clone in try w.env.write(original + "colour: red\n", to: clone + "/" + path) }
        try unchanged {
            let dry = try w.run("fungal", "fetch", "--dry-run")
            #expect(dry.code == 3 && dry.stderr.contains("is malformed at its tip") && dry.stderr.contains("unknown field 'colour'"), "\(dry)")
            #expect(dry.stderr.contains("refs/realm/letemcook/fetched would stay at the last good commit \(good.prefix(12))"), "\(dry)")
            #expect(!dry.stdout.contains("Would update"), "\(dry)")
        }
        #expect(try w.run("fungal", "fetch").code == 3)

        // A rewritten history: exit 2, and with --accept-rewrite the commits it would lose.
        let clone = w.env.root + "/rewriter"
        try w.env.gitOK("clone", "-q", w.realmGitDir, clone, in: w.env.root)
        try w.env.gitOK("reset", "-q", "--hard", "HEAD~1", in: clone)
        try w.env.gitOK("reset", "-q", "--soft", "HEAD~1", in: clone)
        try w.env.gitOK("commit", "-q", "-m", "squashed", in: clone)
        try w.env.gitOK("push", "-q", "--force", "origin", "main", in: clone)
        let rewritten = try w.tip()
        try unchanged {
            let dry = try w.run("fungal", "fetch", "--dry-run")
            #expect(dry.code == 2 && dry.stderr.contains("was rewritten (force-pushed or rolled back): its tip \(rewritten.prefix(12)) does not contain \(good.prefix(12))"), "\(dry)")
            let accepting = try w.run("fungal", "fetch", "--dry-run", "--accept-rewrite")
            #expect(accepting.code == 0 && accepting.stdout.contains("Would take a rewritten history into refs/realm/letemcook/fetched, \(good.prefix(12)) → \(rewritten.prefix(12))"), "\(accepting)")
            #expect(accepting.stdout.contains("would no longer be in the realm") && accepting.stdout.contains("dry run"), "\(accepting)")
        }
        #expect(try w.run("fungal", "fetch").code == 2)
        #expect(try Self.fetched(w, "fungal") == good)

        // A good new tip: what the fetch then takes.
        try w.ok("fungal", "fetch", "--accept-rewrite")
        try RealmScriptTrustTests.hostile(w, "readme") { clone in try w.env.write("# realm\n", to: clone + "/README.md") }
        let next = try w.tip()
        try unchanged {
            let dry = try w.run("fungal", "fetch", "--dry-run")
            #expect(dry.code == 0 && dry.stdout.contains("Would update refs/realm/letemcook/fetched: \(rewritten.prefix(12))..\(next.prefix(12))"), "\(dry)")
        }
        try w.ok("fungal", "fetch")
        #expect(try Self.fetched(w, "fungal") == next)
    }

    @Test func aRewrittenHistoryIsRefusedUntilAcceptRewriteWhichNamesTheLostCommits() throws {
        let w = try RealmCheckTests.world("trust-rewrite")
        try w.ok("fungal", "fetch")
        let base = try w.tip()
        try RealmScriptTrustTests.hostile(w, "first lost change") { clone in
            try w.env.write("# one\n", to: clone + "/README.md")
        }
        try RealmScriptTrustTests.hostile(w, "second lost change") { clone in
            try w.env.write("# two\n", to: clone + "/README.md")
        }
        try w.ok("fungal", "fetch")
        try w.ok("aperture", "fetch")
        let taken = try Self.fetched(w, "fungal")

        // A member force-pushes a history without those two commits.
        let clone = w.env.root + "/rewriter"
        try w.env.gitOK("clone", "-q", w.realmGitDir, clone, in: w.env.root)
        try w.env.gitOK("reset", "-q", "--hard", base, in: clone)
        try w.env.write("# replaced\n", to: clone + "/README.md")
        try w.env.gitOK("add", "README.md", in: clone)
        try w.env.gitOK("commit", "-q", "-m", "replacement", in: clone)
        try w.env.gitOK("push", "-q", "--force", "origin", "main", in: clone)
        let rewritten = try w.tip()

        let refused = try w.run("fungal", "fetch")
        #expect(refused.code == 2, "\(refused)")
        #expect(refused.stderr.contains("was rewritten (force-pushed or rolled back): its tip \(rewritten.prefix(12)) does not contain \(taken.prefix(12))"), "\(refused)")
        #expect(refused.stderr.contains("would lose 2 commits") && refused.stderr.contains("second lost change") && refused.stderr.contains("first lost change"), "\(refused)")
        #expect(refused.stderr.contains("git realm fetch --accept-rewrite"), "\(refused)")
        #expect(try Self.fetched(w, "fungal") == taken)

        let status = try w.run("fungal", "status", "--fetch")
        #expect(status.code == 0 && status.stderr.contains("was rewritten") && status.stderr.contains("going on from the last good realm, \(taken.prefix(12))"), "\(status)")
        #expect(try Self.fetched(w, "fungal") == taken)
        // A write does not take it silently either.
        let join = try w.run("aperture", "admin", "join", w.realm)
        #expect(join.code == 2 && join.stderr.contains("was rewritten"), "\(join)")
        #expect(try Self.fetched(w, "aperture") == taken)

        let accepted = try w.run("fungal", "fetch", "--accept-rewrite")
        #expect(accepted.code == 0, "\(accepted)")
        #expect(accepted.stdout.contains("took a rewritten history, \(taken.prefix(12)) → \(rewritten.prefix(12)); 2 commits are no longer in the realm:"), "\(accepted)")
        let lostLines = accepted.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") }
        #expect(lostLines.count == 2 && lostLines[0].hasSuffix(" second lost change") && lostLines[1].hasSuffix(" first lost change"), "\(accepted)")
        #expect(try Self.fetched(w, "fungal") == rewritten)
        #expect(try w.run("fungal", "fetch").code == 0)
    }
}
