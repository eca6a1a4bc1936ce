import Foundation
@testable import HyperforgeCore
import Testing

/// What a hostile forge (or anyone on the way) can put in an answer: numbers
/// that are no numbers, and links that only look like the API's.
@Suite struct HostileForgeTests {
    let transport = ForgeTransport(forge: Forge(name: "evil", kind: .github, host: "127.0.0.1", webURL: "http://127.0.0.1:1",
                                                apiURL: "http://127.0.0.1:1/api/v3"),
                                   tokens: TableTokens([:]), options: ForgeClientOptions())

    @Test(arguments: ["nan", "inf", "-inf", "1e19", "1e300", "-1e300", "NaN", "infinity"])
    func rateLimitNumbersThatAreNoNumbersAreNoWaitsOrBoundedOnes(text: String) {
        for headers in [[("Retry-After", text)], [("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", text)], [("RateLimit-Reset", text)]] {
            let response = HTTP.Response(status: 429, body: Data(), headers: headers.map { (name: $0.0, value: $0.1) })
            // Never a trap: a finite wait of at most a year (and its jitter), or the plain 429 wait.
            let wait = transport.rateLimitWait(response, method: "GET")
            #expect(wait.map { $0.seconds.isFinite && $0.seconds >= 0 && $0.seconds <= 86_400 * 365 * 1.1 + 2 } ?? true, "\(headers): \(String(describing: wait))")
        }
    }

    @Test func dotSegmentsAreNotOnTheAPI() {
        #expect(transport.isOnAPI("http://127.0.0.1:1/api/v3/orgs/x/repos?page=2"))
        for url in ["http://127.0.0.1:1/api/v3/../../steal?page=2", "http://127.0.0.1:1/api/v3/./../x", "http://127.0.0.1:1/api/v3/%2e%2e/%2E%2E/steal",
                    "http://127.0.0.1:1/api/v3/.%2e/x", "http://127.0.0.1:1/api/v3x/orgs", "http://127.0.0.1:2/api/v3/orgs", "http://localhost:1/api/v3/orgs"] {
            #expect(!transport.isOnAPI(url), "\(url)")
        }
    }
}

/// A workspace member whose git directory is somewhere else: git would
/// follow it there, so discovery passes it over.
@Suite struct WorkspaceEscapeTests {
    @Test func aGitLinkOrAGitdirFileOutOfTheWorkspaceIsNotAMember() throws {
        let env = try TestEnvironment("ws-escape")
        let outside = try env.makeRepository("outside/secret")
        let before = try String(contentsOfFile: outside + "/.git/config", encoding: .utf8)
        let ws = env.root + "/ws"
        for (name, how) in [("linkgit", "link"), ("gitfile", "file")] {
            try env.write("forges = [\"github\"]\norg = \"alice\"\n", to: "ws/\(name)/.hyperforge/config.toml")
            if how == "link" { try FileManager.default.createSymbolicLink(atPath: "\(ws)/\(name)/.git", withDestinationPath: outside + "/.git") }
            else { try env.write("gitdir: \(outside)/.git\n", to: "ws/\(name)/.git") }
        }
        let list = try env.run("git", ["hforge", "workspace", "list"], in: ws)
        #expect(list.stdout.contains("its .git is a symbolic link") && list.stdout.contains("outside the workspace"), "\(list)")
        _ = try env.run("git", ["hforge", "workspace", "sync", "--force"], in: ws)
        #expect(try String(contentsOfFile: outside + "/.git/config", encoding: .utf8) == before)
    }
}

@Suite struct InlineTextTests {
    @Test func lineBreaksAndBidiControlsFromOthersAreShown() {
        #expect(TerminalText.inline("ok\nInjected: 1") == "ok\\x0aInjected: 1")
        #expect(TerminalText.inline("\u{202E}evil") == "\\u{202e}evil")
        #expect(TerminalText.inline("plain name-1.2") == "plain name-1.2")
    }
}
