import Foundation
import HyperforgeCore
import Testing

@Suite struct ConfigTests {
    func layer(_ text: String, _ path: String = "/r/.hyperforge/config.toml") throws -> ConfigLayer {
        try ConfigLoader.layer(text: text, path: path)
    }

    @Test func readsEveryKey() throws {
        let l = try layer("""
        forges = ["github", "work"]
        org = "alice"
        repo_name = "tool"
        visibility = "public"
        protocol = "https"

        [ssh]
        github = "~/.ssh/k1"

        [custom_forges.work]
        kind = "gitlab"
        host = "git.example.com"
        ssh_port = 2222
        ssh_user = "gl"
        web_url = "https://git.example.com/"
        api_url = "https://git.example.com/api/v4"
        """)
        let config = try ConfigLoader.resolve([l], repoRoot: "/r/tool")
        #expect(config.forges.map(\.value.name) == ["github", "work"])
        #expect(config.org.value == "alice")
        #expect(config.repoName.value == "tool")
        #expect(config.visibility.value == .public)
        #expect(config.gitProtocol.value == .https)
        #expect(config.ssh["github"]?.value == "~/.ssh/k1")
        let work = try #require(config.forge(named: "work"))
        #expect(work.kind == .gitlab && work.host == "git.example.com" && work.sshPort == 2222 && work.sshUser == "gl")
        #expect(work.webURL == "https://git.example.com")
        #expect(config.remoteURL(for: work) == "https://git.example.com/alice/tool.git")
        #expect(config.org.origin == .file(SourceLocation(file: "/r/.hyperforge/config.toml", line: 2)))
        #expect(config.ssh["github"]?.origin == .file(SourceLocation(file: "/r/.hyperforge/config.toml", line: 8)))
    }

    @Test func malformedTOMLNamesFileAndLine() throws {
        let error = #expect(throws: ConfigError.self) {
            try layer("forges = [\"github\"]\norg = \n", "/x/config.toml")
        }
        guard case .malformed(let loc, _)? = error else { Issue.record("wrong error \(String(describing: error))"); return }
        #expect(loc.file == "/x/config.toml")
        #expect(loc.line == 2)
        #expect(error!.description.hasPrefix("/x/config.toml:2"))
    }

    @Test func unknownKeysNameTheLine() throws {
        let error = #expect(throws: ConfigError.self) {
            try layer("org = \"a\"\n\n# comment\nforgez = [\"github\"]\n", "/x/config.toml")
        }
        #expect(error == .unknownKey(SourceLocation(file: "/x/config.toml", line: 4), key: "forgez", known: ["forges", "org", "repo_name", "visibility", "protocol", "ssh", "custom_forges", "description"]))
        let nested = #expect(throws: ConfigError.self) {
            try layer("[custom_forges.w]\nkind = \"gitlab\"\nhots = \"x\"\n", "/x/d.toml")
        }
        #expect(nested?.description == "/x/d.toml:3: unknown key 'custom_forges.w.hots'")
    }

    @Test func wrongTypesNameTheLine() throws {
        #expect(throws: ConfigError.wrongType(SourceLocation(file: "/c", line: 2), key: "org", expected: "a string", found: "an integer")) {
            try layer("forges = [\"github\"]\norg = 42\n", "/c")
        }
        #expect(throws: ConfigError.wrongType(SourceLocation(file: "/c", line: 1), key: "forges", expected: "an array of forge names", found: "a string")) {
            try layer("forges = \"github\"\n", "/c")
        }
        #expect(throws: ConfigError.self) { try layer("[ssh]\ngithub = 3\n", "/c") }
        #expect(throws: ConfigError.self) { try layer("visibility = \"secret\"\n", "/c") }
        #expect(throws: ConfigError.self) { try layer("[custom_forges.x]\nssh_port = 70000\n", "/c") }
        #expect(throws: ConfigError.self) { try layer("repo_name = \"../evil\"\n", "/c") }
    }

    @Test func unknownForgeNamesTheLineOfTheName() throws {
        let l = try layer("org = \"a\"\nforges = [\n  \"github\",\n  \"gitlb\",\n]\n", "/c")
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.resolve([l], repoRoot: "/r/x") }
        guard case .unknownForge(let loc, let name, _)? = error else { Issue.record("wrong error"); return }
        #expect(name == "gitlb")
        #expect(loc == SourceLocation(file: "/c", line: 4))
    }

    @Test func missingOrgIsAnError() throws {
        let l = try layer("forges = [\"github\"]\n", "/r/x/.hyperforge/config.toml")
        #expect(throws: ConfigError.missing(key: "org", searched: ["/r/x/.hyperforge/config.toml"])) {
            try ConfigLoader.resolve([l], repoRoot: "/r/x")
        }
    }

    @Test func nestedOrgsOnlyOnGitLab() throws {
        let gl = try layer("forges = [\"gitlab\"]\norg = \"group/sub\"\n", "/c")
        #expect(try ConfigLoader.resolve([gl], repoRoot: "/r/x").org.value == "group/sub")
        let gh = try layer("forges = [\"github\"]\norg = \"group/sub\"\n", "/c")
        #expect(throws: ConfigError.self) { try ConfigLoader.resolve([gh], repoRoot: "/r/x") }
    }

    /// Seed §9's example: root defaults, then alice's defaults, then the repo.
    @Test func defaultsApplyOutermostFirst() throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.path + "/hforge-defaults-\(UUID().uuidString.prefix(8))"
        defer { try? fm.removeItem(atPath: root) }
        func write(_ text: String, _ rel: String) throws {
            let p = root + "/" + rel
            try fm.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: p, atomically: true, encoding: .utf8)
        }
        try write("forges = [\"github\"]\nvisibility = \"public\"\n", "projects/.hyperforge/defaults.toml")
        try write("org = \"alice\"\nforges = [\"github\", \"codeberg\"]\n", "projects/alice/.hyperforge/defaults.toml")
        try write("repo_name = \"tool1\"\nvisibility = \"private\"\n", "projects/alice/tool1/.hyperforge/config.toml")
        try write("forges = [\"gitlab\"]\n", "projects/alice/tool1/.hyperforge/defaults.toml") // not a parent: ignored

        let config = try ConfigLoader.load(repoRoot: root + "/projects/alice/tool1", environment: ["HOME": root])
        #expect(config.org.value == "alice")
        #expect(config.repoName.value == "tool1")
        #expect(config.forges.map(\.value.name) == ["github", "codeberg"])
        #expect(config.visibility.value == .private)
        #expect(config.forges.first?.origin == .file(SourceLocation(file: root + "/projects/alice/.hyperforge/defaults.toml", line: 2)))
        #expect(config.org.origin == .file(SourceLocation(file: root + "/projects/alice/.hyperforge/defaults.toml", line: 1)))
        #expect(config.files == [root + "/projects/.hyperforge/defaults.toml", root + "/projects/alice/.hyperforge/defaults.toml",
                                 root + "/projects/alice/tool1/.hyperforge/config.toml"])

        // bob inherits only the outer defaults, and has no org.
        try write("", "projects/bob/app/.hyperforge/config.toml")
        #expect(throws: ConfigError.self) { try ConfigLoader.load(repoRoot: root + "/projects/bob/app", environment: ["HOME": root]) }
    }

    @Test func writerRoundTrips() throws {
        var l = ConfigLayer(name: "flags")
        l.forges = Located([Located("github", .commandLine("x")), Located("codeberg", .commandLine("x"))], .commandLine("x"))
        l.org = Located("al\"ice", .commandLine("x"))
        l.ssh["github"] = Located("~/.ssh/k 1", .commandLine("x"))
        let text = ConfigWriter.render(l, header: "hello")
        let back = try layer(text, "/c")
        #expect(back.forges?.value.map(\.value) == ["github", "codeberg"])
        #expect(back.org?.value == "al\"ice")
        #expect(back.ssh["github"]?.value == "~/.ssh/k 1")
    }
}
