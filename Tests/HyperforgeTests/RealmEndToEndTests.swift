import Foundation
import HyperforgeCore
import HyperforgeRealm
import Testing

/// `git realm` end to end through the real git: a realm in a local bare
/// repository (and, below, one served over ssh), the RFC's three member
/// repositories, two domains.
@Suite struct RealmEndToEndTests {
    struct World {
        let env: TestEnvironment
        let realm: String            // what `join` is given
        let realmGitDir: String      // the realm's bare repository, to inspect
        var members: [String: String] = [:]

        func run(_ repo: String, _ args: String..., sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> TestEnvironment.Result {
            try env.run("git", ["realm"] + args, in: members[repo] ?? repo)
        }

        @discardableResult
        func ok(_ repo: String, _ args: String..., sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> String {
            let r = try env.run("git", ["realm"] + args, in: members[repo] ?? repo)
            #expect(r.code == 0, "git realm \(args.joined(separator: " ")) in \(repo): \(r)", sourceLocation: sourceLocation)
            return r.stdout
        }

        func tip() throws -> String {
            try env.gitOK("--git-dir=\(realmGitDir)", "rev-parse", "refs/heads/main", in: env.root).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func show(_ path: String) throws -> String {
            try env.gitOK("--git-dir=\(realmGitDir)", "show", "main:\(path)", in: env.root)
        }

        /// Every file of every member and of the data directory (where the realm lives), to prove a dry run changed nothing.
        func everything() throws -> [String: Data] {
            var all: [String: Data] = [:]
            for (name, path) in members { for (k, v) in try TestEnvironment.snapshot(path) { all[name + "/" + k] = v } }
            for (k, v) in try TestEnvironment.snapshot(env.home + "/.local/share") { all["data/" + k] = v }
            return all
        }

        func status(_ repo: String) throws -> [String: Any] {
            let out = try ok(repo, "status", "--fetch", "--json")
            return try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        }
    }

    /// A realm created with `admin init --name letemcook` (the embedded
    /// default location) and member repositories that have not joined yet.
    static func world(_ name: String, members: [String] = ["aperture", "fungal", "ml-infra"]) throws -> World {
        let env = try TestEnvironment(name)
        let r = try env.run("git", ["realm", "admin", "init", "--name", "letemcook"], in: env.root)
        #expect(r.code == 0, "\(r)")
        var world = World(env: env, realm: "letemcook", realmGitDir: env.home + "/.local/share/hyperforge/realms/letemcook.git")
        for m in members { world.members[m] = try env.makeRepository(m) }
        return world
    }

    /// The RFC's layout: aperture provides s3-permissions to fungal (s3-access),
    /// fungal provides training-config to ml-infra (training-pipeline).
    static func twoDomains(_ w: World) throws {
        for m in ["aperture", "fungal", "ml-infra"] { try w.ok(m, "admin", "join", w.realm) }
        try w.ok("aperture", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal", "--contract", "s3-permissions")
        try w.ok("fungal", "admin", "domain", "create", "training-pipeline", "--repos", "fungal,ml-infra", "--contract", "training-config")
    }

    @Test func threeMembersTwoDomainsInALocalRealm() throws {
        let w = try Self.world("realm-e2e")
        try Self.twoDomains(w)
        let tip = try w.tip()

        // The realm holds exactly the RFC's files, without machine paths.
        let files = try w.env.gitOK("--git-dir=\(w.realmGitDir)", "ls-tree", "-r", "--name-only", "main", in: w.env.root)
        #expect(files.split(separator: "\n").sorted() == [
            "domains/s3-access/bindings/aperture.yaml", "domains/s3-access/bindings/fungal.yaml",
            "domains/s3-access/contracts/s3-permissions.yaml", "domains/s3-access/domain.yaml",
            "domains/training-pipeline/bindings/fungal.yaml", "domains/training-pipeline/bindings/ml-infra.yaml",
            "domains/training-pipeline/contracts/training-config.yaml", "domains/training-pipeline/domain.yaml",
            "realm.yaml", "repos/aperture.yaml", "repos/fungal.yaml", "repos/ml-infra.yaml",
        ])
        let repoFile = try w.show("repos/aperture.yaml")
        #expect(!repoFile.contains("path") && !repoFile.contains(w.env.root), "\(repoFile)")
        #expect(repoFile.contains("maintainers:\n- test@example.com"), "\(repoFile)")
        #expect(try w.show("domains/s3-access/bindings/fungal.yaml").contains("version: \">=1.0.0, <2.0.0\""))
        #expect(try w.show("realm.yaml").contains("admission: approval"))

        // Membership in git config, content under refs/realm.
        let aperture = w.members["aperture"]!
        #expect(try w.env.gitOK("config", "realm.name", in: aperture) == "letemcook\n")
        #expect(try w.env.gitOK("config", "realm.repo", in: aperture) == "aperture\n")

        // Status from each member shows the same realm, each from its side.
        var roles: [String: [String: String]] = [:]
        for m in ["aperture", "fungal", "ml-infra"] {
            let s = try w.status(m)
            #expect(s["realm"] as? String == "letemcook")
            #expect(s["commit"] as? String == tip)
            #expect(s["registered"] as? Bool == true)
            for d in s["domains"] as? [[String: Any]] ?? [] { roles[m, default: [:]][d["name"] as! String] = d["role"] as? String }
        }
        #expect(try w.env.gitOK("rev-parse", "refs/realm/letemcook/fetched", in: aperture).hasPrefix(tip))
        #expect(roles["aperture"] == ["s3-access": "provider"])
        #expect(roles["fungal"] == ["s3-access": "consumer", "training-pipeline": "provider"])
        #expect(roles["ml-infra"] == ["training-pipeline": "consumer"])

        let text = try w.ok("fungal", "status")
        #expect(text.contains("fungal in realm letemcook"), "\(text)")
        #expect(text.contains("imports s3-permissions >=1.0.0, <2.0.0: v1.0.0 satisfies it; binding current"), "\(text)")
        #expect(text.contains("contract training-config v1.0.0 (owned here)"), "\(text)")
    }

    @Test func statusReportsNewVersionsStaleBindingsAndNewMembersOnce() throws {
        let w = try Self.world("realm-changes", members: ["aperture", "fungal", "ml-infra"])
        for m in ["aperture", "fungal"] { try w.ok(m, "admin", "join", w.realm) }
        try w.ok("aperture", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal", "--contract", "s3-permissions")
        _ = try w.status("fungal") // fungal has looked

        // aperture publishes 1.1.0; ml-infra joins.
        let contract = try w.show("domains/s3-access/contracts/s3-permissions.yaml").replacingOccurrences(of: "\"1.0.0\"", with: "\"1.1.0\"", options: [], range: nil)
        try w.env.write(contract, to: "s3-permissions.yaml")
        try w.ok("aperture", "admin", "contract", "publish", w.env.root + "/s3-permissions.yaml", "--domain", "s3-access")
        try w.ok("ml-infra", "admin", "join", w.realm)

        let s = try w.status("fungal")
        let changes = try #require(s["changes"] as? [String: Any])
        let contracts = changes["contracts"] as? [[String: Any]] ?? []
        #expect(contracts.count == 1 && contracts[0]["from"] as? String == "1.0.0" && contracts[0]["to"] as? String == "1.1.0", "\(changes)")
        #expect(changes["new_members"] as? [String] == ["ml-infra"])
        let stale = s["stale_bindings"] as? [[String: Any]] ?? []
        #expect(stale.count == 1 && stale[0]["repo"] as? String == "fungal" && stale[0]["current_version"] as? String == "1.1.0", "\(stale)")
        #expect(stale.first?["satisfied"] as? Bool == true)

        // Looked at once: the next status has nothing new.
        let again = try w.status("fungal")
        #expect(again.keys.contains("changes"), "changes is null when nothing changed, not missing")
        let none = again["changes"] as? [String: Any] ?? [:]
        #expect((none["contracts"] as? [Any])?.isEmpty ?? true, "\(again)")
    }

    @Test func aDomainThatClosesACycleIsRefusedWithThePath() throws {
        let w = try Self.world("realm-cycle")
        try Self.twoDomains(w)
        let before = try w.tip()
        let r = try w.run("ml-infra", "admin", "domain", "create", "feedback-loop", "--repos", "ml-infra,aperture")
        #expect(r.code == 2, "\(r)")
        #expect(r.stderr.contains("adding this domain creates a cycle:\n  aperture → (s3-access) → fungal → (training-pipeline) → ml-infra → (feedback-loop) → aperture"), "\(r)")
        #expect(r.stderr.contains("hint: merge the domains"), "\(r)")
        #expect(try w.tip() == before)
        // The same pair the other way round is a plain dependency, not a cycle.
        try w.ok("aperture", "admin", "domain", "create", "direct", "--repos", "aperture,ml-infra")
    }

    @Test func onlyTheOwnerMayChangeAContract() throws {
        let w = try Self.world("realm-owner")
        try Self.twoDomains(w)
        let before = try w.tip()
        let changed = try w.show("domains/s3-access/contracts/s3-permissions.yaml")
            .replacingOccurrences(of: "\"1.0.0\"", with: "\"2.0.0\"")
        try w.env.write(changed, to: "s3.yaml")

        let r = try w.run("fungal", "admin", "contract", "publish", w.env.root + "/s3.yaml", "--domain", "s3-access")
        #expect(r.code == 2, "\(r)")
        #expect(r.stderr.contains("contract s3-permissions in domain s3-access is owned by aperture; fungal may not change it"), "\(r)")
        #expect(try w.tip() == before)

        // A contract added to someone else's name in an existing domain is refused too.
        try w.env.write(changed.replacingOccurrences(of: "name: s3-permissions", with: "name: sneaky"), to: "sneaky.yaml")
        let sneaky = try w.run("fungal", "admin", "contract", "publish", w.env.root + "/sneaky.yaml", "--domain", "s3-access")
        #expect(sneaky.code == 2 && sneaky.stderr.contains("would be owned by aperture, but it is being published from fungal"), "\(sneaky)")
        #expect(try w.tip() == before)

        // The owner may, but not past an importer's range: fungal imports >=1.0.0, <2.0.0, so 2.0.0 goes through
        // a proposal ('git realm sync'), a dry run says the same; once fungal's range takes it, it publishes.
        for extra in [["--dry-run"], []] {
            let outside = try w.env.run("git", ["realm", "admin", "contract", "publish", w.env.root + "/s3.yaml", "--domain", "s3-access"] + extra,
                                        in: w.members["aperture"]!)
            #expect(outside.code == 2 && outside.stderr.contains("outside the import range of fungal") && outside.stderr.contains("git realm sync"), "\(outside)")
        }
        #expect(try w.tip() == before)
        try w.ok("fungal", "admin", "binding", "set", "--contract", "s3-access/s3-permissions", "--range", ">=1.0.0")
        // The version must go up.
        try w.ok("aperture", "admin", "contract", "publish", w.env.root + "/s3.yaml", "--domain", "s3-access")
        #expect(try w.show("domains/s3-access/contracts/s3-permissions.yaml") == changed)
        let lower = changed.replacingOccurrences(of: "\"2.0.0\"", with: "\"1.5.0\"").replacingOccurrences(of: "Initial version", with: "x")
        try w.env.write(lower, to: "s3.yaml")
        let down = try w.run("aperture", "admin", "contract", "publish", w.env.root + "/s3.yaml", "--domain", "s3-access")
        #expect(down.code == 2 && down.stderr.contains("must be higher"), "\(down)")

        // Higher, but by less than the change needs: a break of the promise
        // (backwards: objects only, now strings) published as a minor is refused.
        #expect(changed.contains("type: object"), "\(changed)")
        let breaking = changed.replacingOccurrences(of: "\"2.0.0\"", with: "\"2.1.0\"").replacingOccurrences(of: "type: object", with: "type: string")
        try w.env.write(breaking, to: "s3.yaml")
        let tip = try w.tip()
        let minor = try w.run("aperture", "admin", "contract", "publish", w.env.root + "/s3.yaml", "--domain", "s3-access")
        #expect(minor.code == 2 && minor.stderr.contains("is a minor bump, but the change needs a major one"), "\(minor)")
        #expect(try w.tip() == tip)
        // A major version is the step it needs, but it breaks fungal's import and governance asks for an
        // approval of breaking changes: it goes through a proposal, not straight into the realm.
        try w.env.write(breaking.replacingOccurrences(of: "\"2.1.0\"", with: "\"3.0.0\""), to: "s3.yaml")
        let major = try w.run("aperture", "admin", "contract", "publish", w.env.root + "/s3.yaml", "--domain", "s3-access")
        #expect(major.code == 2 && major.stderr.contains("is breaking") && major.stderr.contains("require_approval")
                && major.stderr.contains("git realm sync"), "\(major)")
        #expect(try w.tip() == tip)
    }

    @Test func concurrentJoinsAndDomainsAllLand() throws {
        let names = (1...6).map { "svc-\($0)" }
        let w = try Self.world("realm-race", members: names + ["hub-a", "hub-b", "leaf-a", "leaf-b"])
        for m in ["hub-a", "hub-b", "leaf-a", "leaf-b"] { try w.ok(m, "admin", "join", w.realm) }

        var jobs: [(String, [String])] = names.map { ($0, ["admin", "join", w.realm]) }
        jobs.append(("hub-a", ["admin", "domain", "create", "dom-a", "--repos", "hub-a,leaf-a", "--contract", "ca"]))
        jobs.append(("hub-b", ["admin", "domain", "create", "dom-b", "--repos", "hub-b,leaf-b", "--contract", "cb"]))
        let results = ResultBox(count: jobs.count)
        let allJobs = jobs
        DispatchQueue.concurrentPerform(iterations: allJobs.count) { i in
            let (repo, args) = allJobs[i]
            results.set(i, try? w.env.run("git", ["realm"] + args, in: w.members[repo]!))
        }
        for (i, r) in results.all.enumerated() {
            #expect(r?.code == 0, "\(jobs[i]): \(r.map(\.description) ?? "did not run")")
        }
        let files = try w.env.gitOK("--git-dir=\(w.realmGitDir)", "ls-tree", "-r", "--name-only", "main", in: w.env.root)
        for n in names { #expect(files.contains("repos/\(n).yaml"), "\(n) lost:\n\(files)") }
        #expect(files.contains("domains/dom-a/domain.yaml") && files.contains("domains/dom-b/domain.yaml"), "\(files)")
        // History is linear: every change is its own commit on top of the previous one.
        let count = try w.env.gitOK("--git-dir=\(w.realmGitDir)", "rev-list", "--count", "main", in: w.env.root)
        #expect(count == "\(1 + 4 + names.count + 2)\n")
    }

    @Test func aFreshCloneRejoinsWithOneCommandAndChangesNothing() throws {
        let w = try Self.world("realm-rejoin", members: ["aperture"])
        let forge = w.env.root + "/forge/aperture.git"
        try FileManager.default.createDirectory(atPath: forge, withIntermediateDirectories: true)
        try w.env.gitOK("init", "-q", "--bare", in: forge)
        let aperture = w.members["aperture"]!
        try w.env.gitOK("remote", "add", "origin", forge, in: aperture)
        try w.env.gitOK("push", "-q", "origin", "main", in: aperture)
        try w.ok("aperture", "admin", "join", w.realm)
        let before = try w.tip()

        try w.env.gitOK("clone", "-q", forge, "clone/aperture", in: w.env.root)
        let clone = w.env.root + "/clone/aperture"
        let notYet = try w.env.run("git", ["realm", "status"], in: clone)
        #expect(notYet.code == 4 && notYet.stderr.contains("git realm admin join"), "\(notYet)")

        let r = try w.env.run("git", ["realm", "admin", "join", w.realm], in: clone)
        #expect(r.code == 0, "\(r)")
        #expect(r.stdout.contains("aperture is already registered in realm letemcook; the realm is unchanged"), "\(r)")
        #expect(try w.tip() == before)
        #expect(try w.env.gitOK("config", "realm.repo", in: clone) == "aperture\n")
        let s = try w.env.run("git", ["realm", "status"], in: clone)
        #expect(s.code == 0 && s.stdout.contains("aperture in realm letemcook"), "\(s)")
        // And again: still nothing.
        #expect(try w.env.run("git", ["realm", "admin", "join", w.realm], in: clone).code == 0)
        #expect(try w.tip() == before)
    }

    @Test func dryRunsLeaveEveryRepositoryAndTheRealmByteIdentical() throws {
        let w = try Self.world("realm-dry", members: ["aperture", "fungal", "ml-infra", "newcomer"])
        try Self.twoDomains(w)
        try w.env.write(try w.show("domains/s3-access/contracts/s3-permissions.yaml").replacingOccurrences(of: "\"1.0.0\"", with: "\"1.1.0\""), to: "c.yaml")
        let before = try w.everything()
        let runs: [(String, [String], String)] = [
            ("newcomer", ["admin", "join", w.realm, "--dry-run"], "create repos/newcomer.yaml"),
            ("aperture", ["admin", "domain", "create", "more", "--repos", "aperture,ml-infra", "--contract", "extra", "--dry-run"], "create domains/more/domain.yaml"),
            ("aperture", ["admin", "contract", "publish", w.env.root + "/c.yaml", "--domain", "s3-access", "--dry-run"], "update domains/s3-access/contracts/s3-permissions.yaml"),
            ("ml-infra", ["admin", "leave", "--dry-run"], "delete repos/ml-infra.yaml"),
            ("aperture", ["admin", "leave", "--force", "--dry-run"], "delete domains/s3-access/contracts/s3-permissions.yaml"),
            ("newcomer", ["admin", "init", "--name", "other", "--dry-run"], "create realm.yaml"),
            ("aperture", ["fetch", "--dry-run"], "Would update refs/realm/letemcook/fetched"),
            ("newcomer", ["admin", "init", "--name", "third", "--url", w.env.root + "/realms/third.git", "--dry-run"], "Would create the bare repository"),
        ]
        for (repo, args, expected) in runs {
            let r = try w.env.run("git", ["realm"] + args, in: w.members[repo]!)
            #expect(r.code == 0, "\(args): \(r)")
            #expect(r.stdout.contains(expected) && r.stdout.contains("dry run"), "\(args): \(r)")
        }
        let after = try w.everything()
        #expect(after == before, "changed: \(Set(after.keys).symmetricDifference(before.keys).sorted()) \(after.keys.filter { after[$0] != before[$0] }.sorted())")
        #expect(!FileManager.default.fileExists(atPath: w.env.root + "/realms/third.git"))
    }

    @Test func leavingIsRefusedWhileOthersImportAndForceRemovesTheImports() throws {
        let w = try Self.world("realm-leave")
        try Self.twoDomains(w)
        let before = try w.tip()
        let r = try w.run("aperture", "admin", "leave")
        #expect(r.code == 2 && r.stderr.contains("fungal imports s3-permissions (>=1.0.0, <2.0.0) in domain s3-access"), "\(r)")
        #expect(try w.tip() == before)

        // ml-infra owns nothing: it just leaves.
        try w.ok("ml-infra", "admin", "leave")
        #expect(try w.env.run("git", ["config", "realm.name"], in: w.members["ml-infra"]!).code == 1)
        #expect(try w.env.gitOK("for-each-ref", "refs/realm", in: w.members["ml-infra"]!).isEmpty)
        let training = try w.show("domains/training-pipeline/domain.yaml")
        #expect(!training.contains("ml-infra"), "\(training)")

        try w.ok("aperture", "admin", "leave", "--force")
        let files = try w.env.gitOK("--git-dir=\(w.realmGitDir)", "ls-tree", "-r", "--name-only", "main", in: w.env.root)
        #expect(!files.contains("s3-permissions") && !files.contains("repos/aperture.yaml"), "\(files)")
        #expect(!(try w.show("domains/s3-access/bindings/fungal.yaml")).contains("s3-permissions"))
        let s = try w.status("fungal")
        #expect(s["registered"] as? Bool == true)
    }

    @Test func badNamesAndBadRealmFilesAreClearErrors() throws {
        let w = try Self.world("realm-bad", members: ["aperture", "fungal"])
        for m in ["aperture", "fungal"] { try w.ok(m, "admin", "join", w.realm) }
        let before = try w.tip()
        for bad in ["../escape", "a/b", "with space", "x.lock", String(repeating: "a", count: 101)] {
            let r = try w.run("aperture", "admin", "domain", "create", bad, "--repos", "aperture,fungal")
            #expect(r.code == 64 && r.stderr.contains("domain name"), "\(bad): \(r)")
            let j = try w.env.run("git", ["realm", "admin", "join", w.realm, "--repo", bad], in: w.members["fungal"]!)
            #expect(j.code != 0, "\(bad): \(j)")
        }
        #expect(try w.run("aperture", "admin", "domain", "create", "solo", "--repos", "aperture").code == 64)
        #expect(try w.run("aperture", "admin", "domain", "create", "d", "--repos", "aperture,fungal", "--owner", "zed").code == 64)
        #expect(try w.tip() == before)

        // Someone pushes a broken file with plain git: the fetch refuses it naming it and its line;
        // status goes on from the last good realm and says why.
        try w.env.gitOK("clone", "-q", w.realmGitDir, "realm-edit", in: w.env.root)
        let edit = w.env.root + "/realm-edit"
        try w.env.write("name: broken\nmembers: [aperture, fungal]\nowner_team: x\n", to: "realm-edit/domains/broken/domain.yaml")
        try w.env.gitOK("add", "-A", in: edit)
        try w.env.gitOK("commit", "-q", "-m", "by hand", in: edit)
        try w.env.gitOK("push", "-q", "origin", "main", in: edit)
        let lastGood = try w.env.gitOK("rev-parse", "refs/realm/letemcook/fetched", in: w.members["aperture"]!).prefix(12)
        let f = try w.run("aperture", "fetch")
        #expect(f.code == 3 && f.stderr.contains("domains/broken/domain.yaml:3: unknown field 'owner_team'"), "\(f)")
        let s = try w.run("aperture", "status", "--fetch")
        #expect(s.code == 0 && s.stderr.contains("domains/broken/domain.yaml:3: unknown field 'owner_team'")
                && s.stderr.contains("going on from the last good realm, \(lastGood)"), "\(s)")
        // Writes refuse to build on a broken realm, too.
        let d = try w.run("aperture", "admin", "domain", "create", "ok", "--repos", "aperture,fungal")
        #expect(d.code == 3, "\(d)")
    }

    @Test func aRealmWrittenExactlyAsTheRFCsExamplesReads() throws {
        let env = try TestEnvironment("realm-rfc")
        let work = try env.makeRepository("rfc-realm", commit: false)
        for (path, text) in RFCExamples.files { try env.write(text, to: "rfc-realm/" + path) }
        try env.gitOK("add", "-A", in: work)
        try env.gitOK("commit", "-q", "-m", "a realm written by another tool", in: work)
        let bare = env.root + "/letemcook.git"
        try env.gitOK("clone", "-q", "--bare", work, bare, in: env.root)

        let fungal = try env.makeRepository("fungal-image-analysis")
        let j = try env.run("git", ["realm", "admin", "join", bare], in: fungal)
        #expect(j.code == 0 && j.stdout.contains("Detected import: s3-permissions (>=1.0.0, <2.0.0) in domain s3-access"), "\(j)")
        let s = try env.run("git", ["realm", "status"], in: fungal)
        #expect(s.code == 0, "\(s)")
        #expect(s.stdout.contains("s3-access (consumer) with aperture"), "\(s)")
        #expect(s.stdout.contains("contract s3-permissions v1.4.0 (owner aperture)"), "\(s)")
        #expect(s.stdout.contains("✓ imports s3-permissions >=1.0.0, <2.0.0: v1.4.0 satisfies it; binding current"), "\(s)")
        // Rejoining changed nothing in the other tool's files.
        #expect(try env.gitOK("--git-dir=\(bare)", "rev-list", "--count", "main", in: env.root) == "1\n")
    }
}

/// Results written from concurrent threads.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [TestEnvironment.Result?]
    init(count: Int) { results = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: TestEnvironment.Result?) { lock.lock(); results[i] = r; lock.unlock() }
    var all: [TestEnvironment.Result?] { lock.lock(); defer { lock.unlock() }; return results }
}

/// A realm served over ssh by a real sshd on loopback (a forge's repository).
@Suite(.enabled(if: SSHServer.isAvailable, "needs openssh-server (sshd)"))
struct RealmOverSSHTests {
    /// A realm made with `admin init --url ssh://...` on the tests' sshd
    /// (forge A's key), and the RFC's three members: in two domains
    /// (`RealmEndToEndTests.twoDomains`), or not joined yet.
    static func world(_ name: String, twoDomains: Bool = true) throws -> (RealmEndToEndTests.World, SSHServer, url: String) {
        let env = try TestEnvironment(name)
        let server = try SSHServer(in: env)
        let bare = try server.createRepository("realms/letemcook.git", on: server.forgeA, env: env)
        env.environment["GIT_SSH_COMMAND"] = "ssh -F \(server.clientConfig) -i \(server.forgeA.privateKey) -o IdentitiesOnly=yes"
        let url = "ssh://\(server.user)@127.0.0.2:\(server.port)/realms/letemcook.git"

        let initRun = try env.run("git", ["realm", "admin", "init", "--name", "letemcook", "--url", url], in: env.root)
        #expect(initRun.code == 0, "\(initRun)\nsshd: \((try? String(contentsOfFile: server.directory + "/sshd.log", encoding: .utf8)) ?? "")")
        var w = RealmEndToEndTests.World(env: env, realm: url, realmGitDir: bare)
        for m in ["aperture", "fungal", "ml-infra"] { w.members[m] = try env.makeRepository(m) }
        if twoDomains { try RealmEndToEndTests.twoDomains(w) }
        return (w, server, url)
    }

    @Test func threeMembersShareARealmOverSSH() throws {
        let (w, server, url) = try Self.world("realm-ssh")
        let env = w.env
        let tip = try w.tip()
        for m in ["aperture", "fungal", "ml-infra"] {
            let s = try w.status(m)
            #expect(s["realm"] as? String == "letemcook" && s["commit"] as? String == tip, "\(m): \(s)")
            #expect(s["url"] as? String == url)
        }
        // A second init on the same URL refuses: the realm exists.
        let again = try env.run("git", ["realm", "admin", "init", "--name", "letemcook", "--url", url], in: env.root)
        #expect(again.code == 2 && again.stderr.contains("a realm already exists at \(url)"), "\(again)")
        // The wrong key cannot reach it, and says so.
        env.environment["GIT_SSH_COMMAND"] = "ssh -F \(server.clientConfig) -i \(server.forgeB.privateKey) -o IdentitiesOnly=yes"
        let denied = try env.run("git", ["realm", "fetch"], in: w.members["aperture"]!)
        #expect(denied.code == 1 && denied.stderr.contains("fetching the realm from \(url) failed") && denied.stderr.contains("Permission denied"), "\(denied)")
    }
}
