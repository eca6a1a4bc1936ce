import Foundation
import HyperforgeCore
import HyperforgeGit
import HyperforgeRealm
import Testing

/// A realm read from the tree of a ref with libgit2, laid out as in the RFC.
@Suite struct RealmSnapshotTests {
    static let files: [String: String] = [
        "realm.yaml": "name: letemcook\nversion: \"1.0.0\"\ncreated_at: 2026-01-24T10:00:00Z\ngovernance:\n  admission: approval\n",
        "repos/aperture.yaml": "name: aperture\norg: cultivarium\nmaintainers: [eric@example.com]\n",
        "repos/fungal-image-analysis.yaml": "name: fungal-image-analysis\nmaintainers: []\n",
        "domains/s3-access/domain.yaml": "name: s3-access\nmembers:\n  - aperture\n  - fungal-image-analysis\n",
        "domains/s3-access/contracts/s3-permissions.yaml": """
            name: s3-permissions
            version: "1.4.0"
            owner: aperture
            compatibility: {backwards: true, forwards: false}
            schema:
              type: object
              required: [read]
              properties:
                read: {type: array, items: {type: string}}
            value:
              read: ["jobs/*/masks/*"]

            """,
        "domains/s3-access/bindings/aperture.yaml": "repo: aperture\nrole: provider\nexports:\n  - contract: s3-permissions\n    source_files: [models/training/s3_paths.py]\n",
        "domains/s3-access/bindings/fungal-image-analysis.yaml": "repo: fungal-image-analysis\nrole: consumer\nimports:\n  - contract: s3-permissions\n    version: \">=1.0.0, <2.0.0\"\n    resolved_version: \"1.4.0\"\n",
    ]

    /// Commits `files` to `refs/realm/letemcook/main` of a new repository.
    func realmRepository(_ env: TestEnvironment, _ files: [String: String]) throws -> String {
        let work = try env.makeRepository("realm-work", commit: false)
        for (path, text) in files { try env.write(text, to: "realm-work/" + path) }
        try env.gitOK("add", "-A", in: work)
        try env.gitOK("commit", "-q", "-m", "realm", in: work)
        try env.gitOK("update-ref", "refs/realm/letemcook/main", "HEAD", in: work)
        return work
    }

    @Test func readsARealmFromARefTree() throws {
        let env = try TestEnvironment("realm-snapshot")
        let work = try realmRepository(env, Self.files)
        let repo = try Repository.discover(from: work, environment: env.environment)
        let (commit, files) = try #require(try repo.files(atRef: "refs/realm/letemcook/main"))
        #expect(commit == (try env.gitOK("rev-parse", "refs/realm/letemcook/main", in: work)).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(files.count == Self.files.count)
        let realm = try RealmSnapshot.load(commit: commit, files: files)
        #expect(realm.manifest.name == "letemcook")
        #expect(realm.repos.keys.sorted() == ["aperture", "fungal-image-analysis"])
        let domain = try #require(realm.domains["s3-access"])
        #expect(domain.contracts["s3-permissions"]?.version.description == "1.4.0")
        #expect(domain.bindings["fungal-image-analysis"]?.imports.first?.requirement.matches(try SemanticVersion(parsing: "1.4.0")) == true)
        #expect(try repo.files(atRef: "refs/realm/nope/main") == nil)
    }

    @Test func filesAreCheckedAgainstEachOther() throws {
        func failure(_ change: (inout [String: String]) -> Void) -> String {
            var files = Self.files
            change(&files)
            do {
                _ = try RealmSnapshot.load(commit: "c", files: files.mapValues { Array($0.utf8) })
                return "no error"
            } catch { return error.description }
        }
        #expect(failure { $0["repos/aperture.yaml"] = "name: apperture\n" }.hasPrefix("repos/aperture.yaml: 'name' is \"apperture\""))
        #expect(failure { $0["domains/s3-access/bindings/ml-infra.yaml"] = "repo: ml-infra\nrole: consumer\n" }
            .contains("\"ml-infra\" is not a member of domain s3-access"))
        #expect(failure { $0["domains/s3-access/bindings/aperture.yaml"] = "repo: aperture\nrole: provider\nexports:\n  - contract: s3-perms\n" }
            .contains("names contract \"s3-perms\""))
        #expect(failure { $0["domains/other/contracts/x.yaml"] = "name: x\nversion: \"1.0.0\"\nowner: aperture\nschema: {}\n" }
            .hasPrefix("domains/other/domain.yaml"))
        #expect(failure { $0["domains/s3-access/contract/typo.yaml"] = "name: typo\n" }.contains("is not a file of a realm"))
        #expect(failure { $0.removeValue(forKey: "realm.yaml") }.hasPrefix("realm.yaml"))
        #expect(failure { $0["repos/aperture.yaml"] = "name: aperture\nmaintainers: [a\n" }.hasPrefix("repos/aperture.yaml:"))
    }
}
