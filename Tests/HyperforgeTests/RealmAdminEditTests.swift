import Foundation
import HyperforgeCore
@testable import HyperforgeRealm
import Testing

/// `git realm admin binding set` and `git realm admin repo accounts`: a
/// repository's bindings and forge logins written through the realm's usual
/// write, by its maintainers (or a realm approver) only; dry runs change nothing.
@Suite struct RealmAdminEditTests {
    typealias E2E = RealmEndToEndTests

    @Test func bindingSetImportsAndExportsByMaintainersOnly() throws {
        let w = try E2E.world("realm-binding-set")
        try E2E.twoDomains(w)
        let file = "domains/training-pipeline/bindings/ml-infra.yaml"
        let args = ["admin", "binding", "set", "--contract", "training-pipeline/training-config", "--range", "^1.0"]
        func realm(_ repo: String, _ more: [String]) throws -> TestEnvironment.Result { try w.env.run("git", ["realm"] + more, in: w.members[repo]!) }

        // A dry run: the same bytes twice, nothing changed in the realm or the member.
        let before = try [w.realmGitDir, w.members["ml-infra"]!].map { try TestEnvironment.snapshot($0) }
        let dry1 = try realm("ml-infra", args + ["--dry-run"]), dry2 = try realm("ml-infra", args + ["--dry-run"])
        #expect(dry1.code == 0 && dry1.stdout == dry2.stdout, "\(dry1)\n---\n\(dry2)")
        #expect(dry1.stdout.contains("  update \(file)") && dry1.stdout.contains("dry run: nothing was committed or pushed"), "\(dry1)")
        #expect(try [w.realmGitDir, w.members["ml-infra"]!].map { try TestEnvironment.snapshot($0) } == before)

        // The range taken, resolved at the released version.
        let set = try realm("ml-infra", args)
        #expect(set.code == 0 && set.stdout.contains("Updated \(file)"), "\(set)")
        var binding = try w.show(file)
        #expect(binding.contains("version: \"^1.0\"") && binding.contains("status: current") && binding.contains("resolved_version: \"1.0.0\""), "\(binding)")
        #expect(try realm("ml-infra", args).stdout.contains("is unchanged"))
        // A range the released version is not in: pending, nothing resolved.
        #expect(try realm("ml-infra", ["admin", "binding", "set", "--contract", "training-pipeline/training-config", "--range", "^2.0"]).code == 0)
        binding = try w.show(file)
        #expect(binding.contains("version: \"^2.0\"") && binding.contains("status: pending") && !binding.contains("resolved_version"), "\(binding)")

        // An export's source files, by the owner.
        let exported = try w.ok("aperture", "admin", "binding", "set", "--contract", "s3-access/s3-permissions", "--source-file", "src/s3.rs", "--source-file", "src/iam.rs")
        #expect(exported.contains("Updated domains/s3-access/bindings/aperture.yaml"), "\(exported)")
        let exports = try w.show("domains/s3-access/bindings/aperture.yaml")
        #expect(exports.contains("  source_files:\n  - src/s3.rs\n  - src/iam.rs\n"), "\(exports)")

        // Mistakes: named, nothing pushed.
        let tip = try w.tip()
        let own = try w.run("aperture", "admin", "binding", "set", "--contract", "s3-access/s3-permissions", "--range", "^1")
        #expect(own.code == 64 && own.stderr.contains("does not own s3-permissions"), "\(own)")
        let outside = try w.run("ml-infra", "admin", "binding", "set", "--contract", "s3-access/s3-permissions", "--range", "^1")
        #expect(outside.code == 64 && outside.stderr.contains("--repo ml-infra") && outside.stderr.contains("a member of domain s3-access"), "\(outside)")
        let unknown = try w.run("ml-infra", "admin", "binding", "set", "--contract", "training-pipeline/nope", "--range", "^1")
        #expect(unknown.code == 64 && unknown.stderr.contains("training-config"), "\(unknown)")
        let badRange = try w.run("ml-infra", "admin", "binding", "set", "--contract", "training-pipeline/training-config", "--range", "one")
        #expect(badRange.code == 64 && badRange.stderr.contains("--range one"), "\(badRange)")
        let both = try w.run("ml-infra", "admin", "binding", "set", "--contract", "training-pipeline/training-config")
        #expect(both.code == 64, "\(both)")

        // Someone who is neither a maintainer of ml-infra nor an approver is refused.
        _ = try w.env.gitOK("config", "user.email", "mallory@example.com", in: w.members["ml-infra"]!)
        let refused = try realm("ml-infra", args)
        #expect(refused.code == 2 && refused.stderr.contains("\"mallory@example.com\" may not change ml-infra's files")
                && refused.stderr.contains("test@example.com"), "\(refused)")
        #expect(try w.tip() == tip)

        // What the tools wrote keeps the realm's rules.
        let checked = try w.env.run("git", ["realm", "check", "--realm", "--path", w.realmGitDir], in: w.env.root)
        #expect(checked.code == 0, "\(checked)")
    }

    @Test func repoAccountsSetAndRemoveAForgeLogin() throws {
        let w = try E2E.world("realm-repo-accounts")
        for m in ["aperture", "fungal"] { try w.ok(m, "admin", "join", w.realm) }
        // lab: a self-hosted forge of this user's auth.toml.
        try w.env.write("[custom_forges.lab]\nkind = \"forgejo\"\nhost = \"lab.example.com\"\n", to: "home/.config/hyperforge/auth.toml")
        let args = ["admin", "repo", "accounts", "--maintainer", "test@example.com", "--forge", "github=fungal-dev", "--forge", "lab=fd"]
        func realm(_ more: [String]) throws -> TestEnvironment.Result { try w.env.run("git", ["realm"] + more, in: w.members["fungal"]!) }

        let before = try [w.realmGitDir, w.members["fungal"]!].map { try TestEnvironment.snapshot($0) }
        let dry1 = try realm(args + ["--dry-run"]), dry2 = try realm(args + ["--dry-run"])
        #expect(dry1.code == 0 && dry1.stdout == dry2.stdout && dry1.stdout.contains("  update repos/fungal.yaml"), "\(dry1)\n---\n\(dry2)")
        #expect(try [w.realmGitDir, w.members["fungal"]!].map { try TestEnvironment.snapshot($0) } == before)

        #expect(try realm(args).code == 0)
        var record = try w.show("repos/fungal.yaml")
        #expect(record.contains("forge_accounts:") && record.contains("login: fungal-dev") && record.contains("forge: lab"), "\(record)")
        #expect(try realm(["admin", "repo", "accounts", "--maintainer", "test@example.com", "--remove", "lab"]).code == 0)
        record = try w.show("repos/fungal.yaml")
        #expect(record.contains("login: fungal-dev") && !record.contains("forge: lab"), "\(record)")

        let tip = try w.tip()
        let stranger = try realm(["admin", "repo", "accounts", "--maintainer", "nobody@example.com", "--forge", "github=x"])
        #expect(stranger.code == 64 && stranger.stderr.contains("one of fungal's maintainers"), "\(stranger)")
        let url = try realm(["admin", "repo", "accounts", "--maintainer", "test@example.com", "--forge", "github=https://evil.example"])
        #expect(url.code == 64 && url.stderr.contains("never a URL or host"), "\(url)")
        // A forge is one of this user's forges, never a host: refused with the flag, the value and the valid names.
        for (value, why) in [("evil.com=bob", "\"evil.com\" is not a forge's name"), ("gitea=bob", "\"gitea\" is none of them"),
                             ("GitHub=bob", "\"GitHub\" is not a forge's name")] {
            let r = try realm(["admin", "repo", "accounts", "--maintainer", "test@example.com", "--forge", value])
            #expect(r.code == 64 && r.stderr.contains("--forge") && r.stderr.contains(value) && r.stderr.contains(why)
                    && r.stderr.contains("github, codeberg, gitlab (built in), lab (custom_forges in "), "\(r)")
        }
        let removeHost = try realm(["admin", "repo", "accounts", "--maintainer", "test@example.com", "--remove", "evil.com"])
        #expect(removeHost.code == 64 && removeHost.stderr.contains("--remove") && removeHost.stderr.contains("is not a forge's name"), "\(removeHost)")
        // The same login again, from another member by the same maintainer: nothing to change.
        let taken = try w.run("aperture", "admin", "repo", "accounts", "--repo", "fungal", "--maintainer", "test@example.com", "--forge", "github=fungal-dev")
        #expect(taken.code == 0 && taken.stdout.contains("is unchanged"), "\(taken)")
        _ = try w.env.gitOK("config", "user.email", "mallory@example.com", in: w.members["fungal"]!)
        let refused = try realm(["admin", "repo", "accounts", "--maintainer", "test@example.com", "--forge", "github=mallory"])
        #expect(refused.code == 2 && refused.stderr.contains("may not change fungal's files"), "\(refused)")
        #expect(try w.tip() == tip)
    }

    /// Rewriting repos/R.yaml keeps what it holds: signing keys and forge accounts survive a round trip.
    @Test func aRepositoryRecordKeepsItsSigningKeysWhenWritten() throws {
        let text = """
        name: fungal
        maintainers: [a@example.com, b@example.com]
        signing_keys:
        - maintainer: a@example.com
          key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOv8 a@laptop
        forge_accounts:
        - maintainer: b@example.com
          forge: github
          login: bee

        """
        let record = try RepoRecord.parse(text, file: "repos/fungal.yaml")
        #expect(record.signingKeys.count == 1 && record.forgeAccounts.count == 1)
        #expect(try RepoRecord.parse(record.yaml(), file: "repos/fungal.yaml") == record)
    }
}
