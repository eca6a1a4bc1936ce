import Foundation
import HyperforgeCore
import Testing

/// Hosts and users in config files (a repository's committed config, defaults,
/// auth.toml) end up in remote URLs, git config keys and ssh's command line:
/// only plain ASCII names are taken, and a bad one is a config error naming
/// file:line (exit status 3), not a failure of git later on.
@Suite struct ConfigValueTrustTests {
    func forgeLayer(_ field: String, _ value: String) throws -> ConfigLayer {
        // A TOML basic string, escaped as TOML requires, so the value reaches our reader as is.
        var escaped = ""
        for c in value.unicodeScalars {
            switch c {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case _ where c.value < 0x20 || c.value == 0x7F: escaped += String(format: "\\u%04X", c.value)
            default: escaped.unicodeScalars.append(c)
            }
        }
        return try ConfigLoader.layer(text: "[custom_forges.work]\nkind = \"gitlab\"\n\(field) = \"\(escaped)\"\n", path: "/r/.hyperforge/config.toml")
    }

    @Test(arguments: [
        ("-oProxyCommand=evil", "may not start with '-'"),
        ("git.example.com\nbad", "whitespace or control"),
        ("git example.com", "whitespace or control"),
        ("git\u{1B}[31m.example.com", "whitespace or control"),
        ("githуb.com", "must be ASCII"),          // a Cyrillic у
        ("git.example.com.", "empty label"),
        ("a..b", "empty label"),
        ("a.-b.c", "label starting with '-'"),
        ("git_example.com", "only letters, digits"),
        ("host:22", "only letters, digits"),
        ("user@host", "only letters, digits"),
    ])
    func badHostsAreRefusedWithTheLine(host: String, reason: String) throws {
        let error = #expect(throws: ConfigError.self) { try forgeLayer("host", host) }
        guard case .invalidValue(let loc, let key, _, let why)? = error else {
            Issue.record("wrong error \(String(describing: error))"); return
        }
        #expect(loc == SourceLocation(file: "/r/.hyperforge/config.toml", line: 3))
        #expect(key == "custom_forges.work.host")
        #expect(why.contains(reason), "\(why)")
        #expect(error?.exitStatus == .configuration)
    }

    @Test(arguments: ["git.example.com", "xn--gthb-2na.com", "10.0.0.7", "localhost", "GIT.Example.COM", "a-b.c-d.example"])
    func goodHostsAreTaken(host: String) throws {
        #expect(try forgeLayer("host", host).customForges["work"]?.host?.value == host)
    }

    @Test(arguments: ["-l", "git\nx", "gi t", "gït", "a@b", "a:b", "a/b", ""])
    func badUsersAreRefused(user: String) throws {
        let error = #expect(throws: ConfigError.self) { try forgeLayer("ssh_user", user) }
        guard case .invalidValue(let loc, let key, _, _)? = error else {
            Issue.record("wrong error \(String(describing: error))"); return
        }
        #expect(loc.line == 3 && key == "custom_forges.work.ssh_user")
    }

    @Test(arguments: ["https://githуb.com", "https://-evil.example.com", "https://alice:tok@git.example.com", "https://git.example.com/a b"])
    func badURLsAreRefused(url: String) throws {
        let error = #expect(throws: ConfigError.self) { try forgeLayer("web_url", url) }
        guard case .invalidValue(let loc, _, let shown, _)? = error else {
            Issue.record("wrong error \(String(describing: error))"); return
        }
        #expect(loc.line == 3)
        #expect(!shown.contains("tok"), "a credential in the URL is not repeated: \(shown)")
    }

    /// End to end: a committed config whose host holds a newline made `sync`
    /// fail inside git ("invalid config item name", exit 1); now it is a
    /// config error naming the file and line, exit 3, and nothing is changed.
    @Test func syncRefusesABadHostInACommittedConfig() throws {
        let env = try TestEnvironment("bad-host")
        let repo = try env.makeRepository("tool")
        try env.write("""
        forges = ["work"]
        org = "corp"

        [custom_forges.work]
        kind = "gitlab"
        host = "git.example.com\\nevil"
        web_url = "https://git.example.com"

        """, to: "tool/.hyperforge/config.toml")
        let before = try TestEnvironment.snapshot(repo + "/.git")
        let sync = try env.git("hforge", "sync", in: repo)
        #expect(sync.code == 3, "\(sync)")
        #expect(sync.stderr.contains(".hyperforge/config.toml:6"), "\(sync)")
        #expect(sync.stderr.contains("whitespace or control"), "\(sync)")
        #expect(!sync.stderr.contains("invalid config item name"))
        #expect(try TestEnvironment.snapshot(repo + "/.git") == before)

        // The same rule holds for forges declared in the user's auth.toml.
        try env.write("[custom_forges.work]\nkind = \"gitlab\"\nhost = \"-oProxyCommand=x\"\n", to: "home/.config/hyperforge/auth.toml")
        let which = try env.run("git", ["scope", "which", "git/work/corp/repo/tool/token"])
        #expect(which.code == 3, "\(which)")
        #expect(which.stderr.contains("auth.toml:3") && which.stderr.contains("may not start with '-'"), "\(which)")
    }
}
