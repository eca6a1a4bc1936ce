import Foundation
import Testing

/// The workos provider against a stand-in that follows WorkOS Vault's
/// public API reference.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"))
struct WorkOSProviderTests {
    let apiKey = "sk_test_hyperforge_8d2"

    func configure(_ env: TestEnvironment, _ server: WorkOSStandIn) throws {
        try env.write("""
        [auth.providers.workos]
        type = "workos"
        base_url = "http://127.0.0.1:\(server.port)"

        [auth.routing]
        "git/github/acme-corp/*" = "workos"
        "seed/*" = "workos"

        """, to: "home/.config/hyperforge/auth.toml")
        env.environment["WORKOS_API_KEY"] = apiKey
    }

    @Test func setGetListRemove() throws {
        let env = try TestEnvironment("workos")
        let server = try WorkOSStandIn(in: env, apiKey: apiKey, seed: 150)
        try configure(env, server)
        let scope = "git/github/acme-corp/repo/api/token"
        #expect(try env.run("git", ["scope", "which", scope]).stdout.contains("provider: workos (workos)"))

        let set = try env.run("git", ["scope", "set", scope], input: "vault-secret-1")
        #expect(set.code == 0, "\(set)")
        #expect(try env.run("git", ["scope", "get", scope]).stdout == "vault-secret-1\n")
        // Updating keeps one object.
        #expect(try env.run("git", ["scope", "set", scope], input: "vault-secret-2").code == 0)
        #expect(try env.run("git", ["scope", "get", scope]).stdout == "vault-secret-2\n")

        // 151 objects: the list follows the cursors across two pages.
        let list = try env.run("git", ["scope", "list", "--provider", "workos", "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let names = try #require(doc.first?["names"] as? [String])
        #expect(names.count == 151)
        #expect(names.contains(scope) && names.contains("seed/0149"))
        #expect(server.entries.contains("after="))

        #expect(try env.run("git", ["scope", "rm", scope]).code == 0)
        #expect(try env.run("git", ["scope", "get", scope]).code == 1)

        // The secret never travels in a URL.
        #expect(!server.entries.contains("vault-secret"))
    }

    @Test func aRefusedKeyIsAClearErrorWithoutTheKey() throws {
        let env = try TestEnvironment("workos-401")
        let server = try WorkOSStandIn(in: env, apiKey: apiKey)
        try configure(env, server)
        env.environment["WORKOS_API_KEY"] = "sk_wrong_key_77"
        let r = try env.run("git", ["scope", "get", "git/github/acme-corp/repo/api/token"])
        #expect(r.code == 4, "\(r)")
        #expect(r.stderr.contains("the API key was refused (401)"))
        #expect(!r.stderr.contains("sk_wrong_key_77") && !r.stdout.contains("sk_wrong_key_77"))
        env.environment.removeValue(forKey: "WORKOS_API_KEY")
        let missing = try env.run("git", ["scope", "get", "git/github/acme-corp/repo/api/token"])
        #expect(missing.stderr.contains("WORKOS_API_KEY is not set"), "\(missing)")
    }
}
