import Foundation
import HyperforgeCore
import HyperforgeSecrets
import Testing

/// The credential helper's fast path answers only what the full helper would
/// answer, and leaves every other case to it.
@Suite struct CredentialFastPathTests {
    let request = Array("protocol=https\nhost=github.com\npath=alice/tool.git\n\n".utf8)
    let scope = "git/github/alice/repo/tool/token"

    @Test func answersAGrantedFileScopeAndNothingElse() throws {
        let env = try TestEnvironment("fast-path")
        let context = env.context(in: env.root)
        #expect(CredentialFastPath.get(input: request, context: context) == nil)          // nothing stored yet
        #expect(try env.run("git", ["scope", "set", scope], input: "tok-1").code == 0)
        #expect(CredentialFastPath.get(input: request, context: context) == nil)          // not granted yet: the full path grants
        let full = try env.run("git-credential-hforge", ["get"], input: String(decoding: request, as: UTF8.self))
        #expect(full.stdout == "username=x-access-token\npassword=tok-1\n", "\(full)")
        #expect(CredentialFastPath.get(input: request, context: context) == full.stdout)  // granted: the same answer
        let named = Array("protocol=https\nhost=github.com\npath=alice/tool.git\nusername=alice\n\n".utf8)
        #expect(CredentialFastPath.get(input: named, context: context) == "username=alice\npassword=tok-1\n")

        // Other org, other host, plain http, no path: not for the fast path.
        for other in ["protocol=https\nhost=github.com\npath=bob/tool.git\n", "protocol=https\nhost=example.com\npath=alice/tool.git\n",
                      "protocol=http\nhost=github.com\npath=alice/tool.git\n", "protocol=https\nhost=github.com\n"] {
            #expect(CredentialFastPath.get(input: Array(other.utf8), context: context) == nil, "\(other)")
        }

        // Rejected by a server: the full path explains; the fast path stays out of it.
        _ = try env.run("git-credential-hforge", ["erase"], input: String(decoding: request, as: UTF8.self))
        #expect(CredentialFastPath.get(input: request, context: context) == nil)
        #expect(try env.run("git", ["scope", "set", scope], input: "tok-2").code == 0)    // clears the mark
        #expect(CredentialFastPath.get(input: request, context: context) == "username=x-access-token\npassword=tok-2\n")

        // Denied by policy, or routed to another provider: the full path decides.
        try env.write("[auth.policy]\n\"git/github/alice/*\" = \"deny\"\n", to: "home/.config/hyperforge/auth.toml")
        #expect(CredentialFastPath.get(input: request, context: context) == nil)
        try env.write("[auth.providers.ci]\ntype = \"env\"\n[auth.routing]\n\"git/*\" = \"ci\"\n", to: "home/.config/hyperforge/auth.toml")
        #expect(CredentialFastPath.get(input: request, context: context) == nil)
        try env.write("", to: "home/.config/hyperforge/auth.toml")
        #expect(CredentialFastPath.get(input: request, context: context) != nil)

        // Through git, by absolute path: the same token.
        let filled = try env.run("git", ["-c", "credential.helper=", "-c", "credential.helper=\(TestEnvironment.productsDirectory)/git-credential-hforge",
                                         "-c", "credential.useHttpPath=true", "credential", "fill"],
                                 input: String(decoding: request, as: UTF8.self))
        #expect(filled.stdout.contains("password=tok-2\n"), "\(filled)")
    }
}
