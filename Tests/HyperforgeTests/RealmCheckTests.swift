import Foundation
import HyperforgeCore
@testable import HyperforgeRealm
import Testing

/// `git realm check` end to end: aperture exports s3-permissions, fungal imports it.
@Suite struct RealmCheckTests {
    typealias World = RealmEndToEndTests.World

    static let contractV1 = """
    name: s3-permissions
    version: "1.4.0"
    owner: aperture
    compatibility:
      backwards: true
      forwards: false
    schema:
      type: object
      required: [read]
      properties:
        read:
          type: array
          items: { type: string }
        write:
          type: array
          items: { type: string }
          default: []
    value:
      read: ["jobs/*/masks/*", "training-runs/*"]
      write: ["jobs/*/*/manifest.json"]
    validation:
      exporter: scripts/validate-s3-paths.sh
      importer: scripts/validate-iam-policy.sh
    evolution:
      - version: "1.0.0"
        changes: ["Initial with read array"]
        compatible: true
      - version: "1.4.0"
        changes: ["Added write array"]
        compatible: true

    """

    /// aperture and fungal in a realm; s3-permissions 1.4.0 published by
    /// aperture; fungal imports it (>=1.0.0, <2.0.0) resolved at 1.4.0.
    static func world(_ name: String) throws -> World {
        let w = try RealmEndToEndTests.world(name, members: ["aperture", "fungal"])
        for m in ["aperture", "fungal"] { try w.ok(m, "admin", "join", w.realm) }
        try w.ok("aperture", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal", "--contract", "s3-permissions")
        try writeWorking(w, contractV1)
        // Publishing 1.4.0 over the 1.0.0 skeleton: a new, compatible-by-construction version.
        try w.ok("aperture", "admin", "contract", "publish", ".hyperforge/contracts/s3-access/s3-permissions.yaml", "--domain", "s3-access")
        let aperture = w.members["aperture"]!
        try w.env.write("#!/bin/sh\ncat >/dev/null\nexit 0\n", to: aperture + "/scripts/validate-s3-paths.sh")
        chmod(aperture + "/scripts/validate-s3-paths.sh", 0o755)
        try w.env.write("#!/bin/sh\ngrep -q read || { echo 'no read paths' >&2; exit 1; }\n", to: w.members["fungal"]! + "/scripts/validate-iam-policy.sh")
        chmod(w.members["fungal"]! + "/scripts/validate-iam-policy.sh", 0o755)
        // Validation scripts run only when tracked in the repository's HEAD.
        try commitScripts(w, "aperture")
        try commitScripts(w, "fungal")
        // fungal's binding resolved at 1.4.0.
        try setResolved(w, "1.4.0")
        return w
    }

    /// Commits everything under `scripts/` in member `m`, executable (validation
    /// scripts run only when HEAD records them as mode 100755, and only HEAD's bytes run).
    static func commitScripts(_ w: World, _ m: String) throws {
        let dir = w.members[m]! + "/scripts"
        for file in (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String]) ?? [] where FilePaths.kind(dir + "/" + file) == .file {
            chmod(dir + "/" + file, 0o755)
        }
        try w.env.gitOK("add", "--chmod=+x", "scripts", in: w.members[m]!)
        try w.env.gitOK("commit", "-q", "-m", "validation scripts", in: w.members[m]!)
    }

    /// A contract version outside fungal's range in the realm: 'admin contract publish' sends such
    /// a change to the proposal path ('git realm sync'), so it is pushed around the tool with plain git.
    static func publishOutsideTheRange(_ w: World, _ text: String) throws {
        try writeWorking(w, text)
        let refused = try w.run("aperture", "admin", "contract", "publish", ".hyperforge/contracts/s3-access/s3-permissions.yaml", "--domain", "s3-access")
        #expect(refused.code == 2 && refused.stderr.contains("outside the import range of fungal") && refused.stderr.contains("git realm sync"), "\(refused)")
        let clone = w.env.root + "/realm-clone-\(UUID().uuidString.prefix(8))"
        try w.env.gitOK("clone", "-q", w.realmGitDir, clone, in: w.env.root)
        try w.env.write(text, to: clone + "/domains/s3-access/contracts/s3-permissions.yaml")
        try w.env.gitOK("commit", "-qam", "s3-permissions outside fungal's range, by hand", in: clone)
        try w.env.gitOK("push", "-q", "origin", "HEAD:main", in: clone)
    }

    static func writeWorking(_ w: World, _ text: String) throws {
        try w.env.write(text, to: w.members["aperture"]! + "/.hyperforge/contracts/s3-access/s3-permissions.yaml")
    }

    /// Rewrites fungal's binding in the realm with plain git (as its maintainers would).
    static func setResolved(_ w: World, _ version: String) throws {
        let edit = w.env.root + "/edit-\(UUID().uuidString.prefix(6))"
        try w.env.gitOK("clone", "-q", w.realmGitDir, edit, in: w.env.root)
        let path = edit + "/domains/s3-access/bindings/fungal.yaml"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: #"resolved_version: "[^"]*""#, with: "resolved_version: \"\(version)\"", options: .regularExpression)
        try w.env.write(text, to: path)
        try w.env.gitOK("commit", "-q", "-am", "fungal resolves \(version)", in: edit)
        try w.env.gitOK("push", "-q", "origin", "main", in: edit)
    }

    static func json(_ r: TestEnvironment.Result) throws -> [String: Any] {
        try #require((try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any], "\(r)")
    }

    @Test func compatibleChangePassesBreakingChangeFailsWithTheChangeExplained() throws {
        let w = try Self.world("check-compat")
        let clean = try w.run("aperture", "check", "--fetch")
        #expect(clean.code == 0, "\(clean)")

        // Compatible under backwards: true: an optional `delete` with a default (the RFC's example), 1.5.0.
        let v15 = Self.contractV1
            .replacingOccurrences(of: "version: \"1.4.0\"\nowner", with: "version: \"1.5.0\"\nowner")
            .replacingOccurrences(of: "    value:", with: "    value:")
            .replacingOccurrences(of: "      default: []\nvalue:", with: "      default: []\n    delete:\n      type: array\n      items: { type: string }\n      default: []\nvalue:")
            + "  - version: \"1.5.0\"\n    changes: [\"Added delete array\"]\n    compatible: true\n"
        try Self.writeWorking(w, v15)
        let ok = try w.run("aperture", "check", "--mode", "contract", "--mode", "compatibility")
        #expect(ok.code == 0, "\(ok)")
        #expect(ok.stdout.contains("1.4.0 → 1.5.0 (working): COMPATIBLE"), "\(ok)")
        #expect(!ok.stdout.contains("because"), "\(ok)")
        // --explain: which inclusion step decided it (every new value is valid under 1.4.0).
        let explained = try w.run("aperture", "check", "--mode", "compatibility", "--explain")
        #expect(explained.code == 0 && explained.stdout.contains("\n    why:\n      backwards (every value of the new version is valid under the old one):\n"), "\(explained)")
        #expect(explained.stdout.contains("\n        /delete: the old version allows any value here"), "\(explained)")
        #expect(!explained.stdout.contains("because"), "\(explained)")
        // A property the new version requires (fewer values, all valid under the old one) is named.
        try Self.writeWorking(w, v15.replacingOccurrences(of: "  required: [read]\n", with: "  required: [read, write]\n"))
        let required = try w.run("aperture", "check", "--mode", "compatibility", "--explain")
        #expect(required.code == 0 && required.stdout.contains("COMPATIBLE"), "\(required)")
        #expect(required.stdout.contains("(root): object: 'read' required by both; 'write' required by the new version only"), "\(required)")

        // Breaking for backwards: `read` no longer required (old importers may get values without it), still 1.x.
        let broken = v15.replacingOccurrences(of: "  required: [read]\n", with: "")
            .replacingOccurrences(of: "\"1.5.0\"\nowner", with: "\"1.6.0\"\nowner")
            + "  - version: \"1.6.0\"\n    changes: [\"read optional\"]\n    compatible: true\n"
        try Self.writeWorking(w, broken)
        let bad = try w.run("aperture", "check", "--mode", "contract", "--mode", "compatibility")
        #expect(bad.code == 1, "\(bad)")
        #expect(bad.stdout.contains("1.4.0 → 1.6.0 (working) is a minor bump, but the change needs a major one (it breaks the contract's promise); "
                                    + "1.6.0 accepts {}, which importers on 1.4.0 reject at (root): the required property 'read' is missing"), "\(bad)")
        #expect(bad.stdout.contains("INCOMPATIBLE with the contract's promise of backwards (new values readable by old importers): 1.6.0 (working) accepts {}"), "\(bad)")
        let j = try Self.json(try w.run("aperture", "check", "--mode", "compatibility", "--format", "json"))
        let finding = try #require((j["findings"] as? [[String: Any]])?.first)
        #expect(finding["severity"] as? String == "error", "\(finding)")
        #expect(finding["file"] as? String == ".hyperforge/contracts/s3-access/s3-permissions.yaml")
        let witness = try #require(finding["witness"] as? [String: Any], "\(finding)")
        #expect((witness["value"] as? [String: Any])?.isEmpty == true && witness["pointer"] as? String == "" && witness["invalid_under"] as? String == "1.4.0", "\(witness)")
        #expect(witness["valid_under"] as? String == "1.6.0 (working)" && (witness["reason"] as? String)?.contains("'read'") == true, "\(witness)")
        let junit = try w.run("aperture", "check", "--mode", "compatibility", "--format", "junit")
        #expect(junit.code == 1 && junit.stdout.contains("1.6.0 (working) accepts {}, which importers on 1.4.0 reject at (root)"), "\(junit)")

        // A value that does not fit the schema names the value's pointer and the schema keyword.
        try Self.writeWorking(w, v15.replacingOccurrences(of: "read: [\"jobs/*/masks/*\", \"training-runs/*\"]", with: "read: [\"jobs/*\", 7]"))
        let value = try w.run("aperture", "check", "--mode", "contract")
        #expect(value.code == 1 && value.stdout.contains("/value/read/1: is integer, not string"), "\(value)")
        #expect(value.stdout.contains("schema keyword: /schema/properties/read/items/type"), "\(value)")

        // --from/--to between released versions; --transitive against every earlier one.
        try Self.writeWorking(w, v15)
        let explicit = try w.run("aperture", "check", "--mode", "compatibility", "--from", "1.0.0", "--to", "1.4.0")
        #expect(explicit.code == 0 && explicit.stdout.contains("1.0.0 → 1.4.0"), "\(explicit)")
        let transitive = try w.run("aperture", "check", "--mode", "compatibility", "--transitive")
        #expect(transitive.stdout.contains("1.0.0 → 1.5.0 (working)") && transitive.stdout.contains("1.4.0 → 1.5.0 (working)"), "\(transitive)")
        let unknown = try w.run("aperture", "check", "--mode", "compatibility", "--from", "9.9.9")
        #expect(unknown.code == 64 && unknown.stderr.contains("not a version of s3-permissions in the realm's history"), "\(unknown)")
    }

    @Test func importerGoesFromCleanToWarningToError() throws {
        let w = try Self.world("check-importer")
        let clean = try w.run("fungal", "check", "--fetch", "--mode", "importer")
        #expect(clean.code == 0 && clean.stdout.contains("binding at 1.4.0 (current)") && clean.stdout.contains("importer script passed"), "\(clean)")

        // aperture publishes a compatible 1.5.0: still in fungal's range, its binding is stale.
        let v15 = Self.contractV1.replacingOccurrences(of: "version: \"1.4.0\"\nowner", with: "version: \"1.5.0\"\nowner")
            + "  - version: \"1.5.0\"\n    changes: [\"docs\"]\n    compatible: true\n"
        try Self.writeWorking(w, v15)
        try w.ok("aperture", "admin", "contract", "publish", ".hyperforge/contracts/s3-access/s3-permissions.yaml", "--domain", "s3-access")
        let stale = try w.run("fungal", "check", "--fetch", "--mode", "importer")
        #expect(stale.code == 2, "\(stale)")
        #expect(stale.stdout.contains("binding resolved at 1.4.0, the contract is at 1.5.0 (within >=1.0.0, <2.0.0): stale"), "\(stale)")
        #expect(try w.run("fungal", "check", "--mode", "importer", "--strict").code == 1)

        // 2.0.0: outside the range, an error.
        let v2 = v15.replacingOccurrences(of: "version: \"1.5.0\"\nowner", with: "version: \"2.0.0\"\nowner")
            + "  - version: \"2.0.0\"\n    changes: [\"major\"]\n    compatible: false\n"
        try Self.writeWorking(w, v2)
        try Self.publishOutsideTheRange(w, v2)
        let broken = try w.run("fungal", "check", "--fetch", "--mode", "importer")
        #expect(broken.code == 1, "\(broken)")
        #expect(broken.stdout.contains("requires >=1.0.0, <2.0.0, but the contract is at 2.0.0"), "\(broken)")
        #expect(broken.stdout.contains("domains/s3-access/bindings/fungal.yaml"), "\(broken)")
    }

    /// --no-cache reads no cache: a realm index in .git/realm/index that says
    /// fungal imports nothing is believed by a plain check, not by --no-cache.
    @Test func noCacheBypassesTheRealmIndexToo() throws {
        let w = try Self.world("check-no-cache")
        let fungal = w.members["fungal"]!
        let first = try w.run("fungal", "check", "--fetch", "--mode", "importer")
        #expect(!first.stdout.contains("nothing to check") && first.stdout.contains("s3-permissions"), "\(first)")
        let tip = try w.env.gitOK("rev-parse", "refs/realm/letemcook/fetched", in: fungal).trimmingCharacters(in: .whitespacesAndNewlines)
        let indexFile = fungal + "/.git/realm/index/\(tip).json"
        var index = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: indexFile))) as? [String: Any])
        var domains = try #require(index["domains"] as? [String: Any])
        var domain = try #require(domains["s3-access"] as? [String: Any])
        var bindings = try #require(domain["bindings"] as? [String: Any])
        var binding = try #require(bindings["fungal"] as? [String: Any])
        binding["imports"] = [] as [Any]
        bindings["fungal"] = binding; domain["bindings"] = bindings; domains["s3-access"] = domain; index["domains"] = domains
        try JSONSerialization.data(withJSONObject: index).write(to: URL(fileURLWithPath: indexFile))

        let believed = try w.run("fungal", "check", "--mode", "importer")
        #expect(believed.stdout.contains("nothing to check"), "the plain check reads the index: \(believed)")
        let fresh = try w.run("fungal", "check", "--mode", "importer", "--no-cache")
        #expect(!fresh.stdout.contains("nothing to check") && fresh.stdout.contains("s3-permissions"), "\(fresh)")
        // What --no-cache read afresh is stored: the index is right again.
        #expect(!(try w.run("fungal", "check", "--mode", "importer").stdout.contains("nothing to check")))
    }

    @Test func resultsAreCachedAndTheCacheIsInvalidatedByWhatChanged() throws {
        let w = try Self.world("check-cache")
        let first = try Self.json(try w.run("aperture", "check", "--fetch", "--format", "json"))
        #expect(first["cache_hits"] as? Int == 0, "\(first)")
        let second = try Self.json(try w.run("aperture", "check", "--format", "json"))
        #expect(second["cache_hits"] as? Int == second["contracts_checked"] as? Int, "\(second)")
        #expect((second["findings"] as? [[String: Any]])?.count == (first["findings"] as? [[String: Any]])?.count)
        // A script edit is a different key.
        try w.env.write("#!/bin/sh\necho 'path not allowed' >&2\nexit 1\n", to: w.members["aperture"]! + "/scripts/validate-s3-paths.sh")
        try Self.commitScripts(w, "aperture")
        let edited = try w.run("aperture", "check", "--mode", "exporter")
        #expect(edited.code == 1 && edited.stdout.contains("exporter script failed (exit 1)") && edited.stdout.contains("path not allowed"), "\(edited)")
        let noCache = try Self.json(try w.run("aperture", "check", "--no-cache", "--format", "json"))
        #expect(noCache["cache_hits"] as? Int == 0)
        // Two checks at once, both on the same cache.db.
        let box = ResultBox(count: 2)
        let env = w.env, dir = w.members["aperture"]!
        DispatchQueue.concurrentPerform(iterations: 2) { i in box.set(i, try? env.run("git", ["realm", "check", "--no-cache"], in: dir)) }
        for r in box.all { #expect(r?.code == 1 && r?.stdout.contains("exporter script failed") == true, "\(String(describing: r))") }
        let stats = try w.run("aperture", "admin", "cache", "stats", "--json")
        #expect(stats.code == 0 && stats.stdout.contains("\"validations\""), "\(stats)")
        let dry = try w.run("aperture", "admin", "cache", "clear", "--dry-run")
        #expect(dry.code == 0 && dry.stdout.contains("dry run"), "\(dry)")
        #expect(try w.run("aperture", "admin", "cache", "clear").code == 0)
        let after = try Self.json(try w.run("aperture", "admin", "cache", "stats", "--json"))
        #expect(after["validations"] as? Int == 0, "\(after)")
    }

    /// A user's trial: a script the working contract names is refused until
    /// committed; once committed, the plain (cached) check runs it, and
    /// --no-cache stores what it found.
    @Test func committingARefusedScriptMakesTheCachedCheckRunIt() throws {
        let w = try Self.world("check-commit-script")
        let aperture = w.members["aperture"]!
        let working = ".hyperforge/contracts/s3-access/s3-permissions.yaml"
        try w.env.write("#!/bin/sh\ncat >/dev/null\necho export4 ran\nexit 0\n", to: aperture + "/scripts/export4.sh")
        chmod(aperture + "/scripts/export4.sh", 0o755)
        try Self.writeWorking(w, Self.contractV1.replacingOccurrences(of: "exporter: scripts/validate-s3-paths.sh", with: "exporter: scripts/export4.sh"))
        let refused = try w.run("aperture", "check", "--fetch", "--mode", "exporter")
        #expect(refused.code == 1 && refused.stdout.contains("not tracked in this repository's HEAD (commit it to have it run)"), "\(refused)")
        #expect(refused.stdout.contains("named by validation.exporter in \(working)"), "\(refused)")
        #expect(!refused.stdout.contains("domains/s3-access/contracts/s3-permissions.yaml"), "\(refused)")
        try w.env.gitOK("add", "scripts/export4.sh", working, in: aperture)
        try w.env.gitOK("commit", "-q", "-m", "export4", in: aperture)
        for flags in [[], ["--no-cache"], []] {
            let passed = try w.env.run("git", ["realm", "check", "--mode", "exporter"] + flags, in: aperture)
            #expect(passed.code == 0 && passed.stdout.contains("exporter script passed") && !passed.stdout.contains("refused"), "\(flags) \(passed)")
        }
        // --no-cache refreshed what it stored: the plain run after it is a hit with the same answer.
        let cached = try Self.json(try w.run("aperture", "check", "--mode", "exporter", "--format", "json"))
        #expect(cached["cache_hits"] as? Int == 1, "\(cached)")
        // Untracking it again (still in the work tree) refuses it again, cached or not.
        try w.env.gitOK("rm", "-q", "--cached", "scripts/export4.sh", in: aperture)
        try w.env.gitOK("commit", "-q", "-m", "untrack export4", in: aperture)
        let again = try w.run("aperture", "check", "--mode", "exporter")
        #expect(again.code == 1 && again.stdout.contains("not tracked in this repository's HEAD"), "\(again)")
    }

    @Test func badSchemasValuesAndScriptsAreReportedNotFatal() throws {
        let w = try Self.world("check-bad")
        let base = Self.contractV1.replacingOccurrences(of: "version: \"1.4.0\"\nowner", with: "version: \"1.4.1\"\nowner")
            + "  - version: \"1.4.1\"\n    changes: [\"x\"]\n    compatible: true\n"
        // Not a valid schema.
        try Self.writeWorking(w, base.replacingOccurrences(of: "schema:\n  type: object", with: "schema:\n  type: 5"))
        let invalid = try w.run("aperture", "check", "--mode", "contract")
        #expect(invalid.code == 1 && invalid.stdout.contains("/schema/type: is not a valid schema"), "\(invalid)")
        // A $ref loop: an error, not a hang.
        try Self.writeWorking(w, base.replacingOccurrences(of: "schema:\n  type: object", with: "schema:\n  $defs:\n    a: { $ref: \"#/$defs/b\" }\n    b: { $ref: \"#/$defs/a\" }\n  $ref: \"#/$defs/a\"\n  type: object"))
        let loop = try w.run("aperture", "check", "--mode", "contract")
        #expect(loop.code == 1 && loop.stdout.contains("reference cycle"), "\(loop)")
        // A 10 MB value validates (and fails where it should).
        let big = (0..<230_000).map { "\"jobs/\($0)/masks/*/with/a/long/enough/path\"" }.joined(separator: ", ")
        try Self.writeWorking(w, base.replacingOccurrences(of: "read: [\"jobs/*/masks/*\", \"training-runs/*\"]", with: "read: [\(big), 5]"))
        let size = try FileManager.default.attributesOfItem(atPath: w.members["aperture"]! + "/.hyperforge/contracts/s3-access/s3-permissions.yaml")[.size] as! Int
        #expect(size > 10_000_000)
        let large = try w.run("aperture", "check", "--mode", "contract")
        #expect(large.code == 1 && large.stdout.contains("/value/read/230000: is integer, not string"), "\(large.stderr)")

        // A script that hangs is stopped at the limit; one that prints megabytes is cut.
        try Self.writeWorking(w, base)
        let scripts = w.members["aperture"]! + "/scripts/validate-s3-paths.sh"
        try w.env.write("#!/bin/sh\nsleep 30 &\nsleep 30\n", to: scripts)
        try Self.commitScripts(w, "aperture")
        let started = Date()
        let hang = try w.run("aperture", "check", "--mode", "exporter", "--script-timeout", "1")
        #expect(hang.code == 1 && hang.stdout.contains("did not finish within 1 s and was stopped"), "\(hang)")
        #expect(Date().timeIntervalSince(started) < 20)
        try w.env.write("#!/bin/sh\nhead -c 5000000 /dev/zero | tr '\\\\0' x\necho\necho last line\nexit 2\n", to: scripts)
        try Self.commitScripts(w, "aperture")
        let loud = try w.run("aperture", "check", "--mode", "exporter")
        #expect(loud.code == 2 && loud.stdout.contains("exporter script warned (exit 2)") && loud.stdout.contains("last line"), "\(loud.stdout.prefix(2000))")
        #expect(loud.stdout.contains("bytes of output; the start and end are shown"))
        #expect(loud.stdout.utf8.count < 100_000)
        // A missing script is an error naming it.
        try FileManager.default.removeItem(atPath: scripts)
        let missing = try w.run("aperture", "check", "--mode", "exporter")
        #expect(missing.code == 1 && missing.stdout.contains("scripts/validate-s3-paths.sh: the exporter script does not exist"), "\(missing)")
    }

    @Test func junitAndCIOnlyScripts() throws {
        let w = try Self.world("check-junit")
        let text = Self.contractV1.replacingOccurrences(of: "  importer: scripts/validate-iam-policy.sh\n",
                                                        with: "  importer: scripts/validate-iam-policy.sh\n  ci_only:\n    - scripts/integration.sh\n")
            .replacingOccurrences(of: "version: \"1.4.0\"\nowner", with: "version: \"1.4.1\"\nowner") + "  - version: \"1.4.1\"\n    changes: [ci]\n    compatible: true\n"
        try Self.writeWorking(w, text)
        try w.ok("aperture", "admin", "contract", "publish", ".hyperforge/contracts/s3-access/s3-permissions.yaml", "--domain", "s3-access")
        try w.env.write("#!/bin/sh\necho integration ran\nexit 1\n", to: w.members["aperture"]! + "/scripts/integration.sh")
        chmod(w.members["aperture"]! + "/scripts/integration.sh", 0o755)
        try Self.commitScripts(w, "aperture")
        let local = try w.run("aperture", "check", "--fetch", "--mode", "exporter")
        #expect(local.code == 0 && !local.stdout.contains("integration"), "\(local)")
        let ci = try w.env.run("git", ["realm", "check", "--mode", "exporter", "--format", "junit"], in: w.members["aperture"]!, extraEnvironment: ["CI": "true"])
        #expect(ci.code == 1, "\(ci)")
        #expect(ci.stdout.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), "\(ci)")
        #expect(ci.stdout.contains("<testcase classname=\"realm.exporter\" name=\"s3-access/s3-permissions\"><failure message=\"ci_only script failed (exit 1)\">"), "\(ci)")
        #expect(ci.stdout.contains("failures=\"1\""))
    }

    /// Rewrites the realm's copy of s3-permissions with plain git: a change
    /// pushed around the tool.
    static func pushRealmContract(_ w: World, _ text: String, message: String) throws {
        let edit = w.env.root + "/edit-\(UUID().uuidString.prefix(6))"
        try w.env.gitOK("clone", "-q", w.realmGitDir, edit, in: w.env.root)
        try w.env.write(text, to: edit + "/domains/s3-access/contracts/s3-permissions.yaml")
        try w.env.gitOK("commit", "-q", "-am", message, in: edit)
        try w.env.gitOK("push", "-q", "origin", "main", in: edit)
    }

    /// Pushes `text` (version `to`) with plain git and expects --mode contract
    /// to report the step from `from` as a minor bump that needed a major one, with the witness.
    static func expectBreakingMinor(_ w: World, _ text: String, from: String, to: String, witness: String) throws {
        try pushRealmContract(w, text, message: "\(to) by hand")
        let r = try w.run("aperture", "check", "--fetch", "--mode", "contract")
        #expect(r.code == 1, "\(r)")
        #expect(r.stdout.contains("domains/s3-access/contracts/s3-permissions.yaml /version: \(from) → \(to) (realm commit "), "\(r)")
        #expect(r.stdout.contains("is a minor bump, but the change needs a major one (it breaks the contract's promise); " + witness), "\(r)")
    }

    /// --mode=contract checks every step of the realm's history: a breaking
    /// change published as a minor version is an error even when it was
    /// pushed with plain git, with the value that breaks.
    @Test func aBreakingChangePublishedAsMinorInTheHistoryIsAnError() throws {
        let w = try Self.world("check-history")
        #expect(try w.run("aperture", "check", "--fetch", "--mode", "contract").code == 0)
        try FileManager.default.removeItem(atPath: w.members["aperture"]! + "/.hyperforge/contracts/s3-access/s3-permissions.yaml")
        // 1.5.0: items of read become integers (breaks importers on 1.4.0), pushed as a minor bump.
        let v15 = Self.contractV1.replacingOccurrences(of: "version: \"1.4.0\"\nowner", with: "version: \"1.5.0\"\nowner")
            .replacingOccurrences(of: "    read:\n      type: array\n      items: { type: string }", with: "    read:\n      type: array\n      items: { type: [string, integer] }")
            + "  - version: \"1.5.0\"\n    changes: [\"read may hold numbers\"]\n    compatible: true\n"
        try Self.expectBreakingMinor(w, v15, from: "1.4.0", to: "1.5.0", witness: "1.5.0 accepts {\"read\":[0]}, which importers on 1.4.0 reject at /read/0: ")
        // A 2.0.0 after it is a major step: that step is fine, the earlier one is still reported.
        let v2 = v15.replacingOccurrences(of: "version: \"1.5.0\"\nowner", with: "version: \"2.0.0\"\nowner")
            + "  - version: \"2.0.0\"\n    changes: [\"same\"]\n    compatible: false\n"
        try Self.pushRealmContract(w, v2, message: "2.0.0")
        let again = try w.run("aperture", "check", "--fetch", "--mode", "contract")
        #expect(again.code == 1 && again.stdout.contains("1.4.0 → 1.5.0 (realm commit ") && !again.stdout.contains("→ 2.0.0 (realm commit"), "\(again)")
    }

    /// A mode that finds nothing to check in this repository says what is
    /// true of it: fungal only imports, so --mode contract (the owner's
    /// checks) has nothing here, and the mode that applies is named.
    @Test func aModeWithNothingToCheckSaysWhatTheRepositoryDoes() throws {
        let w = try Self.world("check-nothing")
        let r = try w.run("fungal", "check", "--fetch", "--mode", "contract")
        #expect(r.code == 0, "\(r)")
        #expect(r.stdout.contains("nothing to check with --mode contract: fungal owns no contract, exports none and imports 1 (s3-access/s3-permissions)."), "\(r)")
        #expect(r.stdout.contains("here: --mode importer") && !r.stdout.contains("imports no contracts"), "\(r)")
        let exporter = try w.run("aperture", "check", "--mode", "importer")
        #expect(exporter.stdout.contains("aperture owns 1 (s3-access/s3-permissions), exports 1 (s3-access/s3-permissions) and imports none.")
                && exporter.stdout.contains("here: --mode contract, --mode compatibility, --mode exporter"), "\(exporter)")
    }

    /// A history step from a recursive schema (a `$ref` cycle through a
    /// property) is checked like any other: a breaking change deep in the
    /// recursion, published as a minor bump, is an error with the value that breaks.
    @Test func aHistoryStepFromARecursiveSchemaIsChecked() throws {
        let w = try Self.world("check-history-cycle")
        try FileManager.default.removeItem(atPath: w.members["aperture"]! + "/.hyperforge/contracts/s3-access/s3-permissions.yaml")
        let tree = """
          $id: "https://example.com/s3-permissions"
          $defs:
            node:
              type: object
              properties:
                name: { type: string }
                children: { type: array, items: { $ref: "#/$defs/node" } }
          $ref: "#/$defs/node"

        """
        let recursive = Self.contractV1.replacingOccurrences(of: "version: \"1.4.0\"\nowner", with: "version: \"1.5.0\"\nowner")
            .replacingOccurrences(of: #"schema:\n(  .*\n)+value:"#, with: "schema:\n" + tree + "value:", options: .regularExpression)
            + "  - version: \"1.5.0\"\n    changes: [\"a tree\"]\n    compatible: false\n"
        try Self.pushRealmContract(w, recursive.replacingOccurrences(of: "\"1.5.0\"", with: "\"2.0.0\""), message: "2.0.0: a tree")
        let clean = try w.run("aperture", "check", "--fetch", "--mode", "contract")
        #expect(!clean.stdout.contains("→ 2.0.0 (realm commit"), "\(clean)")
        // 2.1.0: names become integers, at every level of the tree (breaks importers on 2.0.0).
        let broken = recursive.replacingOccurrences(of: "\"1.5.0\"", with: "\"2.0.0\"")
            .replacingOccurrences(of: "name: { type: string }", with: "name: { type: integer }")
            .replacingOccurrences(of: "version: \"2.0.0\"\nowner", with: "version: \"2.1.0\"\nowner")
            + "  - version: \"2.1.0\"\n    changes: [\"numbered\"]\n    compatible: true\n"
        try Self.expectBreakingMinor(w, broken, from: "2.0.0", to: "2.1.0", witness: "2.1.0 accepts {\"name\":0}, which importers on 2.0.0 reject at /name")
    }

    /// --mode=compatibility refuses a schema that is not a schema (naming the
    /// pointer), and an undecided comparison is a warning (exit 2), an error with --strict.
    @Test func compatibilityRefusesInvalidSchemasAndWarnsWhenUndecided() throws {
        let w = try Self.world("check-compat-unknown")
        #expect(try w.run("aperture", "check", "--fetch", "--mode", "compatibility").code == 0)
        let invalid = Self.contractV1.replacingOccurrences(of: "version: \"1.4.0\"\nowner", with: "version: \"1.5.0\"\nowner")
            .replacingOccurrences(of: "  required: [read]\n", with: "  required: read\n")
        try Self.writeWorking(w, invalid)
        let refused = try w.run("aperture", "check", "--mode", "compatibility")
        #expect(refused.code == 1 && refused.stdout.contains("/schema/required: 1.5.0 (working): is not a valid schema"), "\(refused)")
        #expect(!refused.stdout.contains("COMPATIBLE"), "\(refused)")
        // A pattern against another pattern (every string of the new one is one of
        // the old, but that is not decided): neither proved nor broken.
        let patterned = Self.contractV1.replacingOccurrences(of: "version: \"1.4.0\"\nowner", with: "version: \"1.5.0\"\nowner")
            .replacingOccurrences(of: "    read:\n      type: array\n      items: { type: string }", with: "    read:\n      type: array\n      items: { type: string, pattern: \"^[a-z/*]*[*]$\" }")
        try Self.writeWorking(w, patterned.replacingOccurrences(of: "\"jobs/*/masks/*\", \"training-runs/*\"", with: "\"jobs/*/masks/*\""))
        let base = Self.contractV1.replacingOccurrences(of: "    read:\n      type: array\n      items: { type: string }", with: "    read:\n      type: array\n      items: { type: string, pattern: \"^[a-z/*]+$\" }")
            .replacingOccurrences(of: "\"jobs/*/masks/*\", \"training-runs/*\"", with: "\"jobs/*/masks/*\"")
        try Self.pushRealmContract(w, base, message: "1.4.0 with a pattern")
        _ = try w.run("aperture", "check", "--fetch", "--mode", "importer")
        let unknown = try w.run("aperture", "check", "--mode", "compatibility")
        #expect(unknown.code == 2 && unknown.stdout.contains("UNKNOWN whether the promise of backwards (new values readable by old importers) holds"), "\(unknown)")
        #expect(unknown.stdout.contains("pattern"), "\(unknown)")
        #expect(try w.run("aperture", "check", "--mode", "compatibility", "--strict").code == 1)
    }

    @Test func hooksChainTheExistingHookAndUninstallRestoresIt() throws {
        let w = try Self.world("check-hooks")
        let fungal = w.members["fungal"]!
        let existing = "#!/bin/sh\necho previous hook ran >&2\n"
        try w.env.write(existing, to: fungal + "/.git/hooks/pre-commit")
        chmod(fungal + "/.git/hooks/pre-commit", 0o755)
        let before = try TestEnvironment.snapshot(fungal + "/.git/hooks")
        let dry = try w.run("fungal", "hooks", "install", "--dry-run")
        #expect(dry.code == 0 && dry.stdout.contains("Would move"), "\(dry)")
        #expect(try TestEnvironment.snapshot(fungal + "/.git/hooks") == before)

        try w.ok("fungal", "hooks", "install")
        #expect(try String(contentsOfFile: fungal + "/.git/hooks/pre-commit.realm-chained", encoding: .utf8) == existing)
        try w.ok("fungal", "hooks", "install") // idempotent
        try w.ok("fungal", "fetch")

        // Clean: the commit goes through, after the previous hook.
        try w.env.write("x\n", to: fungal + "/file.txt")
        try w.env.gitOK("add", "file.txt", in: fungal)
        let commit = try w.env.git("commit", "-q", "-m", "ok", in: fungal)
        #expect(commit.code == 0 && commit.stderr.contains("previous hook ran"), "\(commit)")

        // Importer error (2.0.0 is outside the range): the commit is stopped.
        let v2 = Self.contractV1.replacingOccurrences(of: "version: \"1.4.0\"\nowner", with: "version: \"2.0.0\"\nowner")
            + "  - version: \"2.0.0\"\n    changes: [\"major\"]\n    compatible: false\n"
        try Self.publishOutsideTheRange(w, v2)
        try w.ok("fungal", "fetch")
        try w.env.write("y\n", to: fungal + "/file.txt")
        let stopped = try w.env.git("commit", "-q", "-am", "blocked", in: fungal)
        #expect(stopped.code != 0 && stopped.stderr.contains("requires >=1.0.0, <2.0.0"), "\(stopped)") // git sends hooks' output to stderr

        try w.ok("fungal", "hooks", "uninstall")
        #expect(try String(contentsOfFile: fungal + "/.git/hooks/pre-commit", encoding: .utf8) == existing)
        #expect(!FileManager.default.fileExists(atPath: fungal + "/.git/hooks/pre-push"))
        #expect(try w.env.git("commit", "-q", "-am", "now allowed", in: fungal).code == 0)
    }
}
