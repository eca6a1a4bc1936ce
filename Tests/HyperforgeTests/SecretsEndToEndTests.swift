import Foundation
import HyperforgeCore
import Testing

/// `git scope` and `git-credential-hforge` as a user runs them.
@Suite struct SecretsEndToEndTests {
    let scope = "git/github/alice/repo/tool/token"

    /// A "password manager" as a command provider (secrets as files, the scope
    /// from HFORGE_SCOPE; it records its own arguments so a test can prove no
    /// secret is among them), the default provider in auth.toml, with an env
    /// provider `ci` routed for git/github/ci-org/*.
    static func writePasswordManager(_ env: TestEnvironment) throws {
        try env.write("""
        #!/bin/sh
        store="$(dirname "$0")/pm"
        echo "$0 $*" >> "$store.argv"
        case "$1" in
          get) f="$store/$(printf %s "$HFORGE_SCOPE" | tr / _)"; [ -f "$f" ] && cat "$f"; exit 0 ;;
          set) mkdir -p "$store"; cat > "$store/$(printf %s "$HFORGE_SCOPE" | tr / _)" ;;
          rm) rm -f "$store/$(printf %s "$HFORGE_SCOPE" | tr / _)" ;;
          list) ls "$store" 2>/dev/null | tr _ / ;;
        esac

        """, to: "pm.sh")
        chmod(env.root + "/pm.sh", 0o755)
        try env.write("""
        [auth]
        default = "pm"

        [auth.providers.pm]
        type = "command"
        get = "\(env.root)/pm.sh get"
        set = "\(env.root)/pm.sh set"
        remove = "\(env.root)/pm.sh rm"
        list = "\(env.root)/pm.sh list"

        [auth.providers.ci]
        type = "env"

        [auth.routing]
        "git/github/ci-org/*" = "ci"

        """, to: "home/.config/hyperforge/auth.toml")
    }

    @Test func fileProviderIsPrivateAndRefusesReadableFiles() throws {
        let env = try TestEnvironment("scope-file")
        let set = try env.run("git", ["scope", "set", scope], input: "s3cret-token\n")
        #expect(set.code == 0, "\(set)")
        #expect(!set.stdout.contains("s3cret") && !set.stderr.contains("s3cret"))
        let file = env.home + "/.local/share/hyperforge/secrets"
        let attrs = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
        let dirAttrs = try FileManager.default.attributesOfItem(atPath: env.home + "/.local/share/hyperforge")
        #expect((dirAttrs[.posixPermissions] as? Int) == 0o700)
        #expect(!(try String(contentsOfFile: file, encoding: .utf8)).contains("s3cret-token"), "stored in the clear")

        let get = try env.run("git", ["scope", "get", scope])
        #expect(get.code == 0 && get.stdout == "s3cret-token\n", "\(get)")

        for args in [["scope", "list"], ["scope", "list", "--json"], ["scope", "grants"], ["scope", "which", scope], ["scope", "providers"]] {
            let r = try env.run("git", args)
            #expect(r.code == 0, "\(args): \(r)")
            #expect(!r.stdout.contains("s3cret") && !r.stderr.contains("s3cret"), "\(args) printed the secret")
        }
        #expect(try env.run("git", ["scope", "list"]).stdout.contains(scope))

        chmod(file, 0o644)
        let refused = try env.run("git", ["scope", "get", scope])
        #expect(refused.code == 4, "\(refused)")
        #expect(refused.stderr.contains("group or others may read it") && refused.stderr.contains("mode 0644"), "\(refused)")
        #expect(refused.stderr.contains("chmod 600 \(file)") && refused.stderr.contains("rotate the secrets"), "\(refused)")
        #expect(refused.stdout.isEmpty)
        chmod(file, 0o600)

        let rm = try env.run("git", ["scope", "rm", scope])
        #expect(rm.code == 0)
        let gone = try env.run("git", ["scope", "get", scope])
        #expect(gone.code == 1 && gone.stderr.contains("git scope set \(scope)"), "\(gone)")
    }

    @Test func secretsNeverComeFromArguments() throws {
        let env = try TestEnvironment("scope-args")
        let r = try env.run("git", ["scope", "set", scope, "s3cret"])
        #expect(r.code == 64, "\(r)")
        let empty = try env.run("git", ["scope", "set", scope], input: "")
        #expect(empty.code == 64 && empty.stderr.contains("empty"))
    }

    @Test func concurrentWritersLoseNothing() throws {
        let env = try TestEnvironment("scope-concurrent")
        let count = 20
        DispatchQueue.concurrentPerform(iterations: count) { i in
            let r = try? env.run("git", ["scope", "set", "git/github/alice/repo/tool\(i)/token"], input: "secret-\(i)")
            #expect(r?.code == 0)
        }
        let listed = try env.run("git", ["scope", "list", "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect((doc.first?["names"] as? [String])?.count == count)
        for i in [0, 7, 19] {
            #expect(try env.run("git", ["scope", "get", "git/github/alice/repo/tool\(i)/token"]).stdout == "secret-\(i)\n")
        }
    }

    /// git's credential protocol is one `key=value` a line: a secret with CR,
    /// LF or NUL in it would inject lines of its own (`password=l1`, then
    /// "invalid credential line: l2").
    @Test func multiLineSecretsAreRefusedNotInjected() throws {
        let env = try TestEnvironment("scope-multiline")
        for (input, named) in [("l1\nl2", "line feed (LF)"), ("l1\rl2\n", "carriage return (CR)"), ("l1\u{0}l2", "NUL byte")] {
            let set = try env.run("git", ["scope", "set", scope], input: input)
            #expect(set.code == 64 && set.stderr.contains("contains a \(named)") && set.stderr.contains("nothing was stored"), "\(set)")
            #expect(try env.run("git", ["scope", "get", scope]).code == 1, "stored anyway")
        }
        // One trailing newline (or CRLF) from stdin is still dropped.
        #expect(try env.run("git", ["scope", "set", scope], input: "one-line\r\n").code == 0)
        #expect(try env.run("git", ["scope", "get", scope]).stdout == "one-line\n")

        // Secrets from an env provider and a command provider (plain host entries) never reach git with their newlines.
        try Self.writePasswordManager(env)
        let helper = ["-c", "credential.helper=hforge", "-c", "credential.useHttpPath=true", "credential"]
        let fromEnv = try env.run("git", helper + ["fill"], input: "protocol=https\nhost=github.com\npath=ci-org/app.git\n",
                                  extraEnvironment: ["HFORGE_SECRET_GIT_GITHUB_CI_ORG_REPO_APP_TOKEN": "l1\nl2"])
        #expect(!fromEnv.stdout.contains("password=l1") && !fromEnv.stderr.contains("invalid credential line"), "\(fromEnv)")
        #expect(fromEnv.stderr.contains("git-credential-hforge: the password of scope git/github/ci-org/repo/app/token (provider 'ci') contains a line feed (LF)"), "\(fromEnv)")

        #expect(try env.run("git", helper + ["approve"], input: "protocol=https\nhost=example.com\nusername=u\npassword=p\n").code == 0)
        let entries = try FileManager.default.contentsOfDirectory(atPath: env.root + "/pm")
        #expect(entries.count == 1, "\(entries)")
        try env.write("p1\np2", to: "pm/" + entries[0])
        let plain = try env.run("git", helper + ["fill"], input: "protocol=https\nhost=example.com\n")
        #expect(!plain.stdout.contains("password=p1") && !plain.stderr.contains("invalid credential line"), "\(plain)")
        #expect(plain.stderr.contains("the password of the stored credential for https://example.com (provider 'pm'") && plain.stderr.contains("line feed (LF)"), "\(plain)")
    }

    @Test func envAndCommandProvidersAndRouting() throws {
        let env = try TestEnvironment("scope-providers")
        try Self.writePasswordManager(env)

        let stored = try env.run("git", ["scope", "set", scope], input: "pm-secret\n")
        #expect(stored.code == 0, "\(stored)")
        #expect(try env.run("git", ["scope", "get", scope]).stdout == "pm-secret\n")
        #expect(try env.run("git", ["scope", "list", "--provider", "pm"]).stdout.contains(scope))
        let argv = try String(contentsOfFile: env.root + "/pm.argv", encoding: .utf8)
        #expect(!argv.contains("pm-secret"), "a secret reached a command line")

        let ciScope = "git/github/ci-org/repo/app/token"
        let which = try env.run("git", ["scope", "which", ciScope])
        #expect(which.stdout.contains("provider: ci (env), routed by \"git/github/ci-org/*\""), "\(which)")
        let fromEnv = try env.run("git", ["scope", "get", ciScope], extraEnvironment: ["HFORGE_SECRET_GIT_GITHUB_CI_ORG_REPO_APP_TOKEN": "env-secret"])
        #expect(fromEnv.stdout == "env-secret\n", "\(fromEnv)")
        let readOnly = try env.run("git", ["scope", "set", ciScope], input: "x")
        #expect(readOnly.code == 2 && readOnly.stderr.contains("read-only"), "\(readOnly)")
    }

    /// Waits (up to 10 s) for a pending request to show in `git scope pending`.
    /// Polls `git scope pending` until the waiting requester's request shows up. Bounded by a
    /// deadline, not a count of tries (each try is a process start, slow on a busy machine), and
    /// gives up early, with the requester's own output, when the requester has already finished.
    func firstPendingRequest(_ env: TestEnvironment, scope: String, requester: DispatchSemaphore,
                             result: () -> TestEnvironment.Result?) throws -> Int {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let pending = try env.run("git", ["scope", "pending", "--json"])
            if let list = try? JSONSerialization.jsonObject(with: Data(pending.stdout.utf8)) as? [[String: Any]], let first = list.first {
                #expect(first["scope"] as? String == scope)
                return try #require(first["id"] as? Int)
            }
            if requester.wait(timeout: .now() + 0.05) == .success {
                requester.signal()
                throw SSHServerError.setup("the requester finished before its request appeared: \(String(describing: result()))")
            }
        }
        throw SSHServerError.setup("no pending request appeared for \(scope) within 120 s")
    }

    @Test func approvalFromAnotherTerminal() throws {
        let env = try TestEnvironment("scope-approve")
        try env.write("""
        [auth]
        approval_timeout = 300

        [auth.policy]
        "git/github/acme/*" = "approve"
        "git/github/mallory/*" = "deny"

        """, to: "home/.config/hyperforge/auth.toml")
        let acme = "git/github/acme/repo/api/token"
        #expect(try env.run("git", ["scope", "set", acme], input: "acme-secret").code == 0)
        #expect(try env.run("git", ["scope", "set", "git/github/mallory/repo/x/token"], input: "m").code == 0)

        let denied = try env.run("git", ["scope", "get", "git/github/mallory/repo/x/token"])
        #expect(denied.code == 2 && denied.stderr.contains("denied by policy"), "\(denied)")

        // The requester waits; another process approves.
        nonisolated(unsafe) var waited: TestEnvironment.Result?
        let done = DispatchSemaphore(value: 0)
        Thread { waited = try? env.run("git", ["scope", "get", acme]); done.signal() }.start()
        let requestID = try firstPendingRequest(env, scope: acme, requester: done) { waited }
        let approve = try env.run("git", ["scope", "approve", "\(requestID)"])
        #expect(approve.code == 0, "\(approve)")
        done.wait()
        #expect(waited?.code == 0 && waited?.stdout == "acme-secret\n", "\(String(describing: waited))")
        #expect(waited?.stderr.contains("git scope approve \(requestID)") == true)

        // Once approved, the next run does not ask.
        let again = try env.run("git", ["scope", "get", acme])
        #expect(again.code == 0 && again.stderr.isEmpty, "\(again)")
        #expect(try env.run("git", ["scope", "grants"]).stdout.contains(acme))

        // Revoked: asks again; with a short timeout it fails naming the approve command.
        #expect(try env.run("git", ["scope", "revoke", acme]).code == 0)
        try env.write("[auth]\napproval_timeout = 1\n[auth.policy]\n\"git/github/acme/*\" = \"approve\"\n", to: "home/.config/hyperforge/auth.toml")
        let timedOut = try env.run("git", ["scope", "get", acme])
        #expect(timedOut.code == 2, "\(timedOut)")
        #expect(timedOut.stdout.isEmpty)
        let match = timedOut.stderr.firstRange(of: #/git scope approve (\d+)/#)
        let pendingID = try #require(match.map { String(timedOut.stderr[$0]).split(separator: " ").last! })
        #expect(try env.run("git", ["scope", "approve", String(pendingID)]).code == 0)
        #expect(try env.run("git", ["scope", "get", acme]).stdout == "acme-secret\n")

        // A denied request fails the requester.
        #expect(try env.run("git", ["scope", "revoke", acme]).code == 0)
        try env.write("[auth]\napproval_timeout = 300\n[auth.policy]\n\"git/github/acme/*\" = \"approve\"\n", to: "home/.config/hyperforge/auth.toml")
        nonisolated(unsafe) var refused: TestEnvironment.Result?
        let refusedDone = DispatchSemaphore(value: 0)
        Thread { refused = try? env.run("git", ["scope", "get", acme]); refusedDone.signal() }.start()
        #expect(try env.run("git", ["scope", "deny", "\(try firstPendingRequest(env, scope: acme, requester: refusedDone) { refused })"]).code == 0)
        refusedDone.wait()
        #expect(refused?.code == 2 && refused?.stderr.contains("was denied") == true, "\(String(describing: refused))")
    }

    @Test func credentialHelperAnswersOnlyForTheExactScope() throws {
        let env = try TestEnvironment("cred-scope")
        #expect(try env.run("git", ["scope", "set", scope], input: "alice-tool-token").code == 0)
        func fill(_ input: String) throws -> TestEnvironment.Result {
            try env.run("git", ["-c", "credential.helper=hforge", "-c", "credential.usehttppath=true", "credential", "fill"], input: input)
        }
        let ok = try fill("protocol=https\nhost=github.com\npath=alice/tool.git\n")
        #expect(ok.code == 0 && ok.stdout.contains("password=alice-tool-token"), "\(ok)")
        #expect(ok.stdout.contains("username=x-access-token"))
        for other in ["protocol=https\nhost=github.com\npath=bob/tool.git\n",          // other org
                      "protocol=https\nhost=github.com\npath=alice/other.git\n",        // other repo
                      "protocol=https\nhost=gitlab.com\npath=alice/tool.git\n",         // other host
                      "protocol=http\nhost=github.com\npath=alice/tool.git\n",          // other protocol
                      "protocol=http\nhost=github.com:443\npath=alice/tool.git\n",      // http to https's port
                      "protocol=https\nhost=github.com.evil.com\npath=alice/tool.git\n",
                      "protocol=https\nhost=github.com\npath=alice/tool.git/../../bob/tool.git\n",
                      "protocol=https\nhost=github.com\n"] {                            // no path: no scope
            let r = try fill(other)
            #expect(!r.stdout.contains("alice-tool-token") && !r.stderr.contains("alice-tool-token"), "\(other): \(r)")
        }
        let noPath = try fill("protocol=https\nhost=github.com\n")
        #expect(noPath.stderr.contains("useHttpPath"), "\(noPath)")
    }

    @Test func credentialHelperSurvivesMalformedInput() throws {
        let env = try TestEnvironment("cred-malformed")
        #expect(try env.run("git", ["scope", "set", scope], input: "tok").code == 0)
        let cases: [String] = [
            "",                                                 // nothing at all
            "host=\n",                                          // no protocol
            "protocol=https\n",                                 // no host
            "garbage without equals\nprotocol=https\nhost=github.com\n",
            "protocol=https\nhost=github.com\npath=alice/tool.git\u{0}\n",
            "protocol=https\nhost=" + String(repeating: "a", count: 200_000) + "\n",
            String(repeating: "x=y\n", count: 400_000),
            "\u{FF}\u{FE}=\u{1}\nprotocol=https\n",
        ]
        for input in cases {
            let r = try env.run("git-credential-hforge", ["get"], input: input)
            #expect(r.code == 0, "\(input.prefix(40)): \(r.code) \(r.stderr.prefix(200))")
            #expect(r.stdout.isEmpty, "\(input.prefix(40)): answered \(r.stdout.prefix(100))")
            #expect(!r.stderr.isEmpty || input.isEmpty, "\(input.prefix(40)): said nothing on stderr")
        }
        // Unknown operations are ignored.
        let unknown = try env.run("git-credential-hforge", ["capability"], input: "protocol=https\nhost=github.com\n")
        #expect(unknown.code == 0 && unknown.stdout.isEmpty)
    }

    @Test func storeAndEraseForAForgeScope() throws {
        let env = try TestEnvironment("cred-store")
        let approve = try env.run("git", ["-c", "credential.helper=hforge", "-c", "credential.usehttppath=true", "credential", "approve"],
                                  input: "protocol=https\nhost=codeberg.org\npath=alice/tool.git\nusername=alice\npassword=cb-token\n")
        #expect(approve.code == 0, "\(approve)")
        #expect(try env.run("git", ["scope", "get", "git/codeberg/alice/repo/tool/token"]).stdout == "cb-token\n")
        let reject = try env.run("git", ["-c", "credential.helper=hforge", "-c", "credential.usehttppath=true", "credential", "reject"],
                                 input: "protocol=https\nhost=codeberg.org\npath=alice/tool.git\nusername=alice\npassword=cb-token\n")
        #expect(reject.code == 0)
        #expect(reject.stderr.contains("https://codeberg.org refused the token of git/codeberg/alice/repo/tool/token: marked rejected"), "\(reject)")
        // Marked, not erased: nothing is handed out, and the reason is given.
        let marked = try env.run("git", ["scope", "get", "git/codeberg/alice/repo/tool/token"])
        #expect(marked.code == 2 && marked.stdout.isEmpty, "\(marked)")
        #expect(marked.stderr.contains("marked rejected: https://codeberg.org refused its token") && marked.stderr.contains("git scope approve git/codeberg/alice/repo/tool/token"), "\(marked)")
        let list = try env.run("git", ["scope", "list"])
        #expect(list.stdout.contains("git/codeberg/alice/repo/tool/token  rejected by https://codeberg.org at "), "\(list)")
        // `approve SCOPE` keeps the stored token.
        let approve2 = try env.run("git", ["scope", "approve", "git/codeberg/alice/repo/tool/token"])
        #expect(approve2.code == 0 && approve2.stdout.contains("cleared the rejected mark"), "\(approve2)")
        #expect(try env.run("git", ["scope", "get", "git/codeberg/alice/repo/tool/token"]).stdout == "cb-token\n")
        #expect(try env.run("git", ["scope", "approve", "git/codeberg/alice/repo/tool/token"]).code == 1)
    }
}
