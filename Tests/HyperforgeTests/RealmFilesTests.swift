import HyperforgeCore
import HyperforgeRealm
import Testing

/// The realm's files exactly as RFC 0001 lays them out (Support/RFCExamples.swift).
@Suite struct RealmFilesTests {
    @Test func readsTheRFCsRealmYAML() throws {
        let m = try RealmManifest.parse(RFCExamples.files["realm.yaml"]!, file: "realm.yaml")
        #expect(m.name == "letemcook" && m.version == "1.0.0")
        #expect(m.createdAt == "2026-01-24T10:00:00Z")
        #expect(m.governance.admission == "approval" && m.governance.approvers == ["eric@example.com"])
        #expect(m.governance.gracePeriodDays == 14 && m.governance.requireApprovalForBreakingChanges)
        #expect(m.trust.mode == "collaborative" && !m.trust.requireSignedCommits)
        #expect(m.trust.permissions["domains/{domain}/bindings/{repo}.yaml"] == ["repo_maintainers"])
    }

    @Test func readsTheRFCsRepoDomainContractAndBindings() throws {
        let repo = try RepoRecord.parse(RFCExamples.files["repos/aperture.yaml"]!, file: "repos/aperture.yaml")
        #expect(repo.name == "aperture" && repo.org == "cultivarium" && repo.foreignPath == "/Users/ericg/letemcook/aperture")

        let domain = try DomainRecord.parse(RFCExamples.files["domains/s3-access/domain.yaml"]!, file: "domains/s3-access/domain.yaml")
        #expect(domain.members == ["aperture", "fungal-image-analysis"])

        let contract = try Contract.parse(RFCExamples.files["domains/s3-access/contracts/s3-permissions.yaml"]!, file: "domains/s3-access/contracts/s3-permissions.yaml")
        #expect(contract.version == (try SemanticVersion(parsing: "1.4.0")))
        #expect(contract.owner == "aperture" && contract.backwards && !contract.forwards)
        #expect(contract.schema["required"] == .array([.string("read")]))
        #expect(contract.schema["properties"]?["write"]?["default"] == .array([]))
        #expect(contract.value?["read"] == .array(["jobs/*/masks/*", "jobs/*/*/config.json", "training-runs/*", "training-metrics/*"].map(JSONValue.string)))
        #expect(contract.validation?.ciOnly == ["scripts/integration-test.sh"])
        #expect(contract.evolution.map(\.version.description) == ["1.0.0", "1.3.0", "1.4.0"])

        let export = try Binding.parse(RFCExamples.files["domains/s3-access/bindings/aperture.yaml"]!, file: "domains/s3-access/bindings/aperture.yaml")
        #expect(export.role == .provider && export.exports.first?.sourceFiles.count == 2)

        let consumer = try Binding.parse(RFCExamples.files["domains/s3-access/bindings/fungal-image-analysis.yaml"]!, file: "domains/s3-access/bindings/fungal-image-analysis.yaml")
        let imp = try #require(consumer.imports.first)
        #expect(imp.requirement.matches(try SemanticVersion(parsing: "1.4.0")))
        #expect(!imp.requirement.matches(try SemanticVersion(parsing: "2.0.0")))
        #expect(imp.resolvedVersion?.description == "1.4.0" && imp.status == "current")
    }

    @Test func errorsNameTheFileAndLine() {
        func error(_ parse: () throws -> Void) -> String {
            do { try parse(); return "no error" } catch let e as RealmFileError { return e.description } catch { return "wrong error: \(error)" }
        }
        #expect(error { _ = try DomainRecord.parse("name: x\nmembers: [a, b\n", file: "d.yaml") }.hasPrefix("d.yaml:"))
        #expect(error { _ = try DomainRecord.parse("name: x\n\nmemberz: [a]\n", file: "d.yaml") } == "d.yaml:3: unknown field 'memberz'")
        #expect(error { _ = try DomainRecord.parse("name: x\nmembers: nope\n", file: "d.yaml") } == "d.yaml:2: 'members' must be a list of text")
        #expect(error { _ = try DomainRecord.parse("name: ../../etc\n", file: "d.yaml") } == "d.yaml:1: 'name' \"../../etc\" may not start with '.'")
        #expect(error { _ = try DomainRecord.parse("name: a/b\n", file: "d.yaml") }.hasPrefix("d.yaml:1: 'name' \"a/b\" may contain only"))
        #expect(error { _ = try DomainRecord.parse("name: x\nmembers: [ok, ../evil]\n", file: "d.yaml") }.hasPrefix("d.yaml:2: 'members'"))
        #expect(error { _ = try DomainRecord.parse("description: x\n", file: "d.yaml") } == "d.yaml:1: required field 'name' is missing")
        #expect(error { _ = try Contract.parse("name: c\nowner: a\nversion: \"1.4\"\nschema: {}\n", file: "c.yaml") }.hasPrefix("c.yaml:3: 'version' invalid version \"1.4\""))
        #expect(error { _ = try Binding.parse("repo: r\nrole: consumer\nimports:\n  - contract: c\n    version: \">=1.0.0,\"\n", file: "b.yaml") }.hasPrefix("b.yaml:5: 'version'"))
        #expect(error { _ = try Binding.parse("repo: r\nrole: boss\n", file: "b.yaml") }.hasPrefix("b.yaml:2: 'role' is \"boss\""))
        #expect(error { _ = try RealmManifest.parse("name: r\nversion: 1\ntrust:\n  mode: chaos\n", file: "realm.yaml") }.hasPrefix("realm.yaml:4:"))
        #expect(error { _ = try RealmManifest.parse("", file: "realm.yaml") }.hasPrefix("realm.yaml:1: malformed YAML"))
    }
}

/// `forge_accounts` in repos/{repo}.yaml: written by others, so a login is only ever a login.
@Suite struct ForgeAccountsTests {
    static let base = "name: fungal\nmaintainers:\n- bob@example.com\n"

    func problem(_ accounts: String) -> String? {
        do { _ = try RepoRecord.parse(Self.base + "forge_accounts:\n" + accounts, file: "repos/fungal.yaml"); return nil } catch {
            return error.description
        }
    }

    @Test func accountsReadAndWriteBackAsWritten() throws {
        let text = Self.base + "forge_accounts:\n- maintainer: bob@example.com\n  forge: github\n  login: bob-b\n- maintainer: bob@example.com\n  forge: codeberg\n  login: bob.c\n"
        let record = try RepoRecord.parse(text, file: "repos/fungal.yaml")
        #expect(record.forgeAccounts == [ForgeAccount(maintainer: "bob@example.com", forge: "github", login: "bob-b"),
                                         ForgeAccount(maintainer: "bob@example.com", forge: "codeberg", login: "bob.c")])
        #expect(try RepoRecord.parse(record.yaml(), file: "r.yaml") == record)
        // A file without them reads as before and writes no forge_accounts.
        #expect(!(try RepoRecord.parse(Self.base, file: "r.yaml")).yaml().contains("forge_accounts"))
    }

    @Test func aLoginThatIsAURLOrHostOrSomeoneElsesIsRefusedWithItsLine() {
        let url = problem("- maintainer: bob@example.com\n  forge: github\n  login: https://evil.example/x\n")
        #expect(url?.hasPrefix("repos/fungal.yaml:7") == true && url?.contains("'login'") == true && url?.contains("never a URL or host") == true, "\(url ?? "accepted")")
        let path = problem("- maintainer: bob@example.com\n  forge: github\n  login: ../bob\n")
        #expect(path?.contains("'login'") == true, "\(path ?? "accepted")")
        let host = problem("- maintainer: bob@example.com\n  forge: evil.example:443\n  login: bob\n")
        #expect(host?.contains("'forge'") == true, "\(host ?? "accepted")")
        // A forge named like a host (evil.com), or not as auth.toml spells names (GitHub), is refused with its line;
        // a custom forge's name (one another member's auth.toml may have) reads.
        for bad in ["evil.com", "GitHub", "https", "a/b", "-x"] {
            let p = problem("- maintainer: bob@example.com\n  forge: \(bad)\n  login: bob\n")
            #expect(p?.hasPrefix("repos/fungal.yaml:6") == true && p?.contains("'forge'") == true && p?.contains("is not a forge's name") == true
                    && p?.contains("github, codeberg, gitlab or a custom_forges name") == true || bad == "https", "\(bad): \(p ?? "accepted")")
        }
        #expect(problem("- maintainer: bob@example.com\n  forge: work-forgejo_2\n  login: bob\n") == nil)
        let stranger = problem("- maintainer: mallory@example.com\n  forge: github\n  login: mallory\n")
        #expect(stranger?.contains("is not one of this repository's maintainers") == true, "\(stranger ?? "accepted")")
        let unknown = problem("- maintainer: bob@example.com\n  forge: github\n  login: bob\n  url: https://x\n")
        #expect(unknown?.contains("url") == true, "\(unknown ?? "accepted")")
    }
}
