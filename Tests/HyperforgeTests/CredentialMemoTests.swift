import Foundation
import HyperforgeCore
@testable import HyperforgeSecrets
import Testing

/// The credential memo answers exactly what the fast path answered, while
/// nothing that decided it has changed, and nothing once anything has.
@Suite struct CredentialMemoTests {
    let request = Array("protocol=https\nhost=github.com\npath=alice/tool.git\n\n".utf8)
    let scope = "git/github/alice/repo/tool/token"
    /// Later than any file the test writes by more than git's racy window.
    var settled: Double { Date().timeIntervalSince1970 + 10 }

    func memo(_ env: TestEnvironment, _ input: [UInt8]? = nil) -> String? {
        let context = env.context(in: env.root)
        return CredentialMemo.answer(input: input ?? request, environment: { context.environment[$0] })
    }

    /// A stored, granted scope, answered once by the fast path (which keeps the memo).
    func granted(_ token: String = "tok-1") throws -> TestEnvironment {
        let env = try TestEnvironment("memo")
        #expect(try env.run("git", ["scope", "set", scope], input: token).code == 0)
        #expect(try env.run("git-credential-hforge", ["get"], input: String(decoding: request, as: UTF8.self)).stdout.contains("password=\(token)"))
        return env
    }

    func fast(_ env: TestEnvironment, now: Double? = nil) -> String? {
        CredentialFastPath.get(input: request, context: env.context(in: env.root), now: now ?? settled)
    }

    @Test func keptOnlyOnceTheInputsSettle() throws {
        let env = try granted()
        let memoFile = env.root + "/home/.local/state/hyperforge/credential-memo"
        // Just written: git's racy rule keeps it from being memoised.
        #expect(fast(env, now: Date().timeIntervalSince1970) == "username=x-access-token\npassword=tok-1\n")
        #expect(!FileManager.default.fileExists(atPath: memoFile))
        #expect(memo(env) == nil)
        #expect(fast(env) == "username=x-access-token\npassword=tok-1\n")
        let mode = try FileManager.default.attributesOfItem(atPath: memoFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let text = try String(contentsOfFile: memoFile, encoding: .utf8)
        #expect(!text.contains("tok-1"), "no secret in the memo: \(text)")
        #expect(memo(env) == "username=x-access-token\npassword=tok-1\n")
        let named = Array("protocol=https\nhost=github.com\npath=alice/tool.git\nusername=alice\n\n".utf8)
        #expect(memo(env, named) == "username=alice\npassword=tok-1\n")
        // Only the request it was made for.
        for other in ["protocol=https\nhost=github.com\npath=alice/other.git\n", "protocol=http\nhost=github.com\npath=alice/tool.git\n",
                      "protocol=https\nhost=github.com\n", "protocol=https\nhost=github.com\npath=alice/tool.git\nusername=a\nb\n"] {
            #expect(memo(env, Array(other.utf8)) == nil, "\(other)")
        }
    }

    @Test func theSecretIsReadAfresh() throws {
        let env = try granted()
        #expect(fast(env) != nil)
        #expect(try env.run("git", ["scope", "set", scope], input: "tok-2").code == 0)
        // Either the memo still holds and reads the new token, or the grants
        // changed and it stands aside: never the old token.
        let answer = memo(env)
        #expect(answer == nil || answer == "username=x-access-token\npassword=tok-2\n")
        #expect(fast(env) == "username=x-access-token\npassword=tok-2\n")
        #expect(memo(env) == "username=x-access-token\npassword=tok-2\n")
    }

    @Test func aRejectionOrAnEditOfAuthTomlEndsIt() throws {
        let env = try granted()
        #expect(fast(env) != nil)
        #expect(memo(env) != nil)
        _ = try env.run("git-credential-hforge", ["erase"], input: String(decoding: request, as: UTF8.self))
        #expect(memo(env) == nil)
        #expect(fast(env) == nil)
        #expect(try env.run("git", ["scope", "set", scope], input: "tok-3").code == 0)
        #expect(fast(env) != nil)
        #expect(memo(env) != nil)
        try env.write("[auth.policy]\n\"git/github/alice/*\" = \"deny\"\n", to: "home/.config/hyperforge/auth.toml")
        #expect(memo(env) == nil)
        #expect(fast(env) == nil)
    }

    @Test func untrustedOrDamagedFilesAreNotUsed() throws {
        let env = try granted()
        #expect(fast(env) != nil)
        let memoFile = env.root + "/home/.local/state/hyperforge/credential-memo"
        let secrets = env.root + "/home/.local/share/hyperforge/secrets"
        #expect(memo(env) != nil)

        chmod(memoFile, 0o644)
        #expect(memo(env) == nil)
        chmod(memoFile, 0o600)
        #expect(memo(env) != nil)

        chmod(secrets, 0o640)
        #expect(memo(env) == nil)
        chmod(secrets, 0o600)

        // A secrets file replaced by a link: the full path decides.
        try FileManager.default.moveItem(atPath: secrets, toPath: secrets + ".real")
        try FileManager.default.createSymbolicLink(atPath: secrets, withDestinationPath: secrets + ".real")
        #expect(memo(env) == nil)
        try FileManager.default.removeItem(atPath: secrets)
        try FileManager.default.moveItem(atPath: secrets + ".real", toPath: secrets)
        #expect(memo(env) != nil)

        // A memo that says something else, or nothing readable.
        let original = try String(contentsOfFile: memoFile, encoding: .utf8)
        for damaged in [original.replacingOccurrences(of: "git/github/alice/repo/tool/token", with: "git/github/bob/repo/tool/token"),
                        original.replacingOccurrences(of: "memo\t1", with: "memo\t2"), "garbage\n", ""] {
            try damaged.write(toFile: memoFile, atomically: false, encoding: .utf8)
            #expect(memo(env) == nil, "\(damaged)") // bob's scope holds no secret
        }
        // Its directory writable by others: not trusted.
        try original.write(toFile: memoFile, atomically: false, encoding: .utf8)
        #expect(memo(env) != nil)
        chmod(env.root + "/home/.local/state/hyperforge", 0o777)
        #expect(memo(env) == nil)
        chmod(env.root + "/home/.local/state/hyperforge", 0o700)
    }

    @Test func throughGitTheSameToken() throws {
        let env = try granted("tok-9")
        #expect(fast(env) != nil)
        #expect(memo(env) != nil)
        let filled = try env.run("git", ["-c", "credential.helper=", "-c", "credential.helper=\(TestEnvironment.productsDirectory)/git-credential-hforge",
                                         "-c", "credential.useHttpPath=true", "credential", "fill"],
                                 input: String(decoding: request, as: UTF8.self))
        #expect(filled.stdout.contains("password=tok-9\n"), "\(filled)")
    }

    @Test func base64AsTheFileProviderWritesIt() {
        for text in ["", "a", "ab", "abc", "abcd", "tok-123", "ü€ and \u{1F600}"] {
            let encoded = Array(Data(text.utf8).base64EncodedString().utf8)
            #expect(SecretsFile.base64Decode(encoded[...]) == Array(text.utf8), "\(text)")
        }
        for bad in ["abc", "ab=c", "a===", "****", "YWJj\n"] {
            #expect(SecretsFile.base64Decode(Array(bad.utf8)[...]) == nil || Data(base64Encoded: bad) != nil, "\(bad)")
        }
        let file = Array("# header\ngit/a\tb2xk\ngit/ab\tb3RoZXI=\ngit/a\tbmV3\n".utf8)
        #expect(SecretsFile.lastValue(of: "git/a", in: file) == Array("new".utf8))
        #expect(SecretsFile.lastValue(of: "git/ab", in: file) == Array("other".utf8))
        #expect(SecretsFile.lastValue(of: "git/", in: file) == nil)
    }
}
