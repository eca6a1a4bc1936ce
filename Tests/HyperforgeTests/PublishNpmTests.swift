import Foundation
import Testing

/// `git hforge publish` of an npm package (package.json), end to end: the
/// real npm runs the package's build and test scripts and publishes to the
/// stand-in npm registry (packument and publish endpoints, Bearer token),
/// the token passed through a 0600 --userconfig file that names
/// ${HFORGE_NPM_TOKEN}, and the release is pushed to the two sshd forges.
@Suite(.enabled(if: SSHServer.isAvailable && NpmRegistryStandIn.available, "needs sshd, python3 and npm"))
struct PublishNpmTests {
    static let token = "npm-token-91be"

    struct World {
        let env: TestEnvironment
        let server: SSHServer
        let registry: NpmRegistryStandIn
        let repo: String
        let bareA: String
        let bareB: String
    }

    /// Spaced and ordered on purpose: the bump must change the version's bytes and nothing else.
    static func packageJSON(name: String, test: String) -> String {
        """
        {
            "name" : "\(name)",
          "description": "a tool \\u00e9",
            "version":   "0.1.0",
          "main": "index.js",
          "scripts": {"build": "node build.js", "test": "\(test)"},
          "dependencies": { "left-pad": "^1.3.0" }
        }
        """
    }

    static func lockJSON(name: String) -> String {
        """
        {
          "name": "\(name)",
          "version": "0.1.0",
          "lockfileVersion": 3,
          "requires": true,
          "packages": {
            "": {
              "name": "\(name)",
              "version": "0.1.0",
              "dependencies": {
                "left-pad": "^1.3.0"
              }
            },
            "node_modules/left-pad": {
              "version": "0.1.0",
              "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-0.1.0.tgz"
            }
          }
        }

        """
    }

    /// A package in a repository initialised for both forges; `npmrc`: the
    /// user's ~/.npmrc (REGISTRY is replaced by the stand-in's URL).
    func world(_ name: String, package: String = "hftool", scope: String = "npm/@alice/hftool/token", token: String = PublishNpmTests.token,
               auth: String? = nil, npmrc: String? = nil, publishTable: String = "registry = \"local\"",
               test: String = "node test.js", testPasses: Bool = true) throws -> World {
        let env = try TestEnvironment(name)
        let server = try SSHServer(in: env)
        let registry = try NpmRegistryStandIn(in: env, tokens: [PublishNpmTests.token: "alice"])
        env.environment["npm_config_cache"] = env.root + "/npm-cache"
        try env.write(auth ?? "[registries.npm.local]\nuser = \"alice\"\nurl = \"\(registry.url)\"\n", to: "home/.config/hyperforge/auth.toml")
        if let npmrc { try env.write(npmrc.replacingOccurrences(of: "REGISTRY", with: registry.url), to: "home/.npmrc") }
        let published = try PublishRepository("hftool", env: env, server: server)
        try env.write(PublishNpmTests.packageJSON(name: package, test: test), to: "projects/hftool/package.json")
        try env.write(PublishNpmTests.lockJSON(name: package), to: "projects/hftool/package-lock.json")
        try env.write("module.exports = () => 42;\n", to: "projects/hftool/index.js")
        try env.write("require('fs').mkdirSync('dist', {recursive: true}); require('fs').writeFileSync('dist/built.txt', 'built');\n", to: "projects/hftool/build.js")
        try env.write(testPasses ? "if (require('./index.js')() !== 42) process.exit(1); console.log('npm-tests-passed');\n"
                                 : "console.error('wrong answer: 41'); process.exit(1);\n", to: "projects/hftool/test.js")
        try env.write("/dist/\n/node_modules/\n", to: "projects/hftool/.gitignore")
        if !publishTable.isEmpty { try published.addPublishTable(publishTable) }
        try published.commit("the package", storing: token, in: scope, env: env)
        return World(env: env, server: server, registry: registry, repo: published.repo, bareA: published.bareA, bareB: published.bareB)
    }

    func files(_ w: World) throws -> [String: Data] {
        try TestEnvironment.snapshot(w.repo).filter { key, _ in !(key.hasPrefix("dist/") || key.hasPrefix(".git/hforge")) }
    }

    @Test func releasesEndToEnd() throws {
        let w = try world("npm-e2e")
        let manifestBefore = try String(contentsOfFile: w.repo + "/package.json", encoding: .utf8)
        let lockBefore = try String(contentsOfFile: w.repo + "/package-lock.json", encoding: .utf8)
        let start = try w.env.gitOK("rev-parse", "HEAD", in: w.repo).trimmingCharacters(in: .whitespacesAndNewlines)
        let r = try w.env.git("hforge", "publish", "--bump", "minor", "--json", in: w.repo)
        #expect(r.code == 0, "\(r)")
        #expect(r.stderr.contains("npm-tests-passed") || r.stdout.contains("npm-tests-passed"), "npm test ran: \(r)")
        #expect(FileManager.default.fileExists(atPath: w.repo + "/dist/built.txt"), "npm run build ran")
        #expect(w.registry.versions(of: "hftool") == ["0.2.0"])
        #expect(w.registry.tarballs == ["hftool--hftool-0.2.0.tgz"], "\(w.registry.tarballs)")
        #expect(w.registry.publishes.count == 1 && w.registry.publishes[0].authorized && w.registry.publishes[0].path == "/hftool")
        // Only the version strings changed: package.json's, and the lock file's top-level and packages[""] ones (not the dependency's 0.1.0).
        #expect(try String(contentsOfFile: w.repo + "/package.json", encoding: .utf8) == manifestBefore.replacingOccurrences(of: "\"version\":   \"0.1.0\"", with: "\"version\":   \"0.2.0\""))
        let lockAfter = try String(contentsOfFile: w.repo + "/package-lock.json", encoding: .utf8)
        #expect(lockAfter == lockBefore.replacingOccurrences(of: "\"name\": \"hftool\",\n  \"version\": \"0.1.0\"", with: "\"name\": \"hftool\",\n  \"version\": \"0.2.0\"")
            .replacingOccurrences(of: "\"name\": \"hftool\",\n      \"version\": \"0.1.0\"", with: "\"name\": \"hftool\",\n      \"version\": \"0.2.0\""))
        #expect(lockAfter.contains("\"node_modules/left-pad\": {\n      \"version\": \"0.1.0\""))
        let head = try w.env.gitOK("rev-parse", "HEAD", in: w.repo).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try w.env.gitOK("rev-parse", "HEAD^", in: w.repo).trimmingCharacters(in: .whitespacesAndNewlines) == start)
        #expect(try w.env.gitOK("log", "-1", "--format=%s", in: w.repo) == "release: hftool 0.2.0\n")
        #expect(try w.env.gitOK("show", "--name-only", "--format=", "HEAD", in: w.repo) == "package-lock.json\npackage.json\n")
        #expect(try w.env.gitOK("cat-file", "-t", "v0.2.0", in: w.repo) == "tag\n")
        for bare in [w.bareA, w.bareB] {
            #expect(try w.env.gitOK("rev-parse", "v0.2.0^{commit}", in: bare).trimmingCharacters(in: .whitespacesAndNewlines) == head)
            #expect(try w.env.gitOK("rev-parse", "refs/heads/main", in: bare).trimmingCharacters(in: .whitespacesAndNewlines) == head)
        }
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(json?["kind"] as? String == "npm" && json?["version"] as? String == "0.2.0")
        #expect(!r.stdout.contains(PublishNpmTests.token) && !r.stderr.contains(PublishNpmTests.token))
        // The temporary userconfig is gone with the journal's directory.
        #expect(!FileManager.default.fileExists(atPath: w.repo + "/.git/hforge"))
        // The registry has this version now: a second release of it is refused before anything changes.
        try w.env.gitOK("tag", "-d", "v0.2.0", in: w.repo)
        try w.env.gitOK("reset", "-q", "--hard", "HEAD^", in: w.repo)
        for forge in ["forgea", "forgeb"] { try w.env.gitOK("update-ref", "-d", "refs/remotes/\(forge)/main", in: w.repo) }
        let again = try w.env.git("hforge", "publish", "--version", "0.2.0", in: w.repo)
        #expect(again.code == 2 && again.stderr.contains("hftool 0.2.0 is already on registry local"), "\(again)")
        #expect(w.registry.publishes.count == 1)
    }

    /// A scoped package goes to its scope's registry from ~/.npmrc (not the
    /// `registry=` line, not a stale token of the user's for that host): the
    /// token's scope is npm/@acme/widget/token and no auth.toml account is needed.
    @Test func aScopedPackageUsesItsScopesRegistryFromNpmrc() throws {
        let w = try world("npm-scoped", package: "@acme/widget", scope: "npm/@acme/widget/token", auth: "",
                          npmrc: "registry=https://registry.invalid/\n@acme:registry=REGISTRY\n//\("127.0.0.1"):PORT/:_authToken=stale\n",
                          publishTable: "test = [\"true\"]")
        // The stale line names the stand-in's own host and port.
        let rc = try String(contentsOfFile: w.env.root + "/home/.npmrc", encoding: .utf8).replacingOccurrences(of: "PORT", with: "\(w.registry.port)")
        try rc.write(toFile: w.env.root + "/home/.npmrc", atomically: true, encoding: .utf8)
        let dry = try w.env.git("hforge", "publish", "--bump", "patch", "--dry-run", in: w.repo)
        #expect(dry.code == 0, "\(dry)")
        #expect(dry.stdout.contains("npm: npm pack --ignore-scripts --pack-destination '<a 0700 temporary directory>' (without the token); then npm publish '<the tarball npm pack made>' --ignore-scripts --registry \(w.registry.url) --@acme:registry=\(w.registry.url) --https-proxy=null --noproxy= --proxy=null --strict-ssl=true --dry-run=false '--prefix=<that directory>' --userconfig '<a 0600 temporary file>'"), "\(dry)")
        #expect(dry.stdout.contains("home/.npmrc:2"), "where the registry was declared: \(dry)")
        #expect(dry.stdout.contains("npm/@acme/widget/token: in provider"), "\(dry)")
        let r = try w.env.git("hforge", "publish", "--bump", "patch", in: w.repo)
        #expect(r.code == 0, "\(r)")
        #expect(w.registry.versions(of: "@acme/widget") == ["0.1.1"])
        #expect(w.registry.publishes.count == 1 && w.registry.publishes[0].path == "/@acme%2fwidget")
        #expect(!w.registry.requests.contains { $0.method == "PUT" && !$0.authorized })
        #expect(try w.env.gitOK("rev-parse", "v0.1.1^{commit}", in: w.bareA) == (try w.env.gitOK("rev-parse", "HEAD", in: w.repo)))
        #expect(try String(contentsOfFile: w.env.root + "/home/.npmrc", encoding: .utf8) == rc, "the user's ~/.npmrc is not changed")
    }

    @Test func aFailingTestLeavesBothFilesByteIdentical() throws {
        let w = try world("npm-test-fails", testPasses: false)
        let before = try files(w)
        let r = try w.env.git("hforge", "publish", "--bump", "patch", in: w.repo)
        #expect(r.code == 1, "\(r)")
        #expect(r.stderr.contains("test failed with exit status 1: npm test\n") && r.stderr.contains("wrong answer: 41"), "\(r)")
        #expect(r.stderr.contains("rolled back: package.json, package-lock.json"), "\(r)")
        #expect(try files(w) == before)
        #expect(try w.env.gitOK("status", "--porcelain", in: w.repo) == "")
        #expect(!w.registry.requests.contains { $0.method == "PUT" })
    }

    /// npm init's placeholder test script is not a test: no test step runs it.
    @Test func thePlaceholderTestScriptIsNotRun() throws {
        let w = try world("npm-placeholder", test: "echo \\\"Error: no test specified\\\" && exit 1")
        let r = try w.env.git("hforge", "publish", "--bump", "patch", "--dry-run", in: w.repo)
        #expect(r.code == 0, "\(r)")
        #expect(r.stdout.contains("test: no test command") && r.stdout.contains("build: npm run build"), "\(r)")
    }

    /// The dry run's plan is the run's, word for word (an empty build step
    /// included); every child command is echoed as /bin/sh reads it back;
    /// the token is in no output; and a package.json starting with a UTF-8
    /// BOM (which npm accepts) is read and bumped with its BOM kept.
    @Test func thePlanIsTheRunsEchoedAsTheShellReadsItWithABOMKept() throws {
        let w = try world("npm-words", publishTable: "registry = \"local\"\ntest = [\"node\", \"-e\", \"console.log(\\\"it's tested\\\")\"]")
        // No build script; a BOM before the document.
        let manifest = Data([0xEF, 0xBB, 0xBF]) + Data("{\n  \"name\": \"hftool\",\n  \"version\": \"0.1.0\",\n  \"main\": \"index.js\"\n}\n".utf8)
        try manifest.write(to: URL(fileURLWithPath: w.repo + "/package.json"))
        try w.env.gitOK("commit", "-qam", "no build script, a BOM", in: w.repo)
        let before = try TestEnvironment.snapshot(w.repo)
        let dry = try w.env.git("hforge", "publish", "--bump", "patch", "--dry-run", in: w.repo)
        #expect(dry.code == 0, "\(dry)")
        #expect(try TestEnvironment.snapshot(w.repo) == before)
        let r = try w.env.git("hforge", "publish", "--bump", "patch", in: w.repo)
        #expect(r.code == 0, "\(r)")
        PublishWords.expectSame(dry: dry.stdout, real: r.stdout, steps: ["bump", "build", "test"])
        #expect(PublishWords.done(r.stdout)["build"] == "no build command ([publish] build = [...] sets one)", "\(r)")
        // The test command as sh reads it back, and what it printed when it ran.
        let echoed = r.stdout.split(separator: "\n").first { $0.hasPrefix("$ node ") }.map { String($0.dropFirst(2)) } ?? ""
        #expect(echoed == "node -e 'console.log(\"it'\\''s tested\")'", "\(r)")
        #expect(try PublishWords.shellWords(echoed) == ["node", "-e", "console.log(\"it's tested\")"])
        #expect((r.stdout + r.stderr).contains("it's tested"))
        // Each echoed command splits back into a real command line (npm pack, npm publish with its real paths).
        for line in r.stdout.split(separator: "\n") where line.hasPrefix("$ npm ") {
            let words = try PublishWords.shellWords(String(line.dropFirst(2)))
            #expect(words.count > 2 && words.allSatisfy { !$0.contains("'") }, "\(line)")
        }
        // The publish line says its kind, in the plan and in the run.
        #expect(PublishWords.planned(dry.stdout)["publish"]?.hasPrefix("npm: npm pack ") == true, "\(dry)")
        #expect(PublishWords.done(r.stdout)["publish"] == "npm: hftool 0.1.1 on registry local", "\(r)")
        // The BOM is kept, and only the version's bytes changed.
        let after = try Data(contentsOf: URL(fileURLWithPath: w.repo + "/package.json"))
        #expect(after == Data([0xEF, 0xBB, 0xBF]) + Data("{\n  \"name\": \"hftool\",\n  \"version\": \"0.1.1\",\n  \"main\": \"index.js\"\n}\n".utf8))
        #expect(w.registry.versions(of: "hftool") == ["0.1.1"])
        for output in [dry.stdout, dry.stderr, r.stdout, r.stderr] { #expect(!output.contains(PublishNpmTests.token)) }
    }

    @Test func aRejectedTokenRollsBackAndPublishesNothing() throws {
        let w = try world("npm-bad-token", token: "not-the-token", publishTable: "registry = \"local\"\ntest = [\"true\"]")
        let before = try files(w)
        let r = try w.env.git("hforge", "publish", "--bump", "patch", in: w.repo)
        #expect(r.code == 1, "\(r)")
        #expect(r.stderr.contains("publish failed with exit status ") && r.stderr.contains(": npm publish ") && r.stderr.contains("403"), "npm's report is shown: \(r)")
        #expect(r.stderr.contains("rolled back: package.json, package-lock.json"), "\(r)")
        #expect(!r.stdout.contains("not-the-token") && !r.stderr.contains("not-the-token"))
        #expect(w.registry.publishes.isEmpty && w.registry.requests.contains { $0.method == "PUT" && $0.status == 403 })
        #expect(try files(w) == before)
        #expect(!FileManager.default.fileExists(atPath: w.repo + "/.git/hforge"))
    }

    @Test func aDryRunChangesNothingAndSendsNothingMutating() throws {
        let w = try world("npm-dry")
        let before = try TestEnvironment.snapshot(w.repo)
        let bareBefore = try TestEnvironment.snapshot(w.bareA)
        let r = try w.env.git("hforge", "publish", "--bump", "patch", "--dry-run", in: w.repo)
        #expect(r.code == 0, "\(r)")
        #expect(r.stdout.contains("0.1.0 -> 0.1.1 in package.json, package-lock.json"), "\(r)")
        #expect(r.stdout.contains("build: npm run build") && r.stdout.contains("test: npm test"), "\(r)")
        #expect(r.stdout.contains("npm publish '<the tarball npm pack made>' --ignore-scripts --registry \(w.registry.url) --https-proxy=null --noproxy= --proxy=null --strict-ssl=true --dry-run=false '--prefix=<that directory>' --userconfig '<a 0600 temporary file>'"), "\(r)")
        #expect(r.stdout.contains("token in HFORGE_NPM_TOKEN"), "\(r)")
        #expect(r.stdout.contains("npm/@alice/hftool/token: in provider"), "\(r)")
        #expect(r.stdout.contains("has no hftool 0.1.1"), "the packument was read: \(r)")
        #expect(try TestEnvironment.snapshot(w.repo) == before)
        #expect(try TestEnvironment.snapshot(w.bareA) == bareBefore)
        #expect(!w.registry.requests.isEmpty && w.registry.requests.allSatisfy { $0.method == "GET" })
    }

    @Test func aPrivatePackageIsRefused() throws {
        let w = try world("npm-private", publishTable: "")
        let manifest = try String(contentsOfFile: w.repo + "/package.json", encoding: .utf8)
        try manifest.replacingOccurrences(of: "\"main\"", with: "\"private\": true,\n  \"main\"").write(toFile: w.repo + "/package.json", atomically: true, encoding: .utf8)
        try w.env.gitOK("commit", "-qam", "private", in: w.repo)
        let r = try w.env.git("hforge", "publish", "--bump", "patch", in: w.repo)
        #expect(r.code == 3 && r.stderr.contains("marks hftool \"private\": true"), "\(r)")
        #expect(w.registry.requests.isEmpty)
    }

    /// What the repository's author controls cannot reach the token: the
    /// package's `prepare` script (which npm runs whenever it packs a
    /// directory, --ignore-scripts or not) runs in `npm pack`, without the
    /// token; a proxy set in package.json's publishConfig or a committed
    /// .npmrc is overridden by the user's own settings on npm's command line
    /// (here: none, so a proxy at a closed port would make the upload fail).
    @Test func thePackagesOwnScriptsAndSettingsCannotReachTheToken() throws {
        let w = try world("npm-hostile")
        let seen = w.env.root + "/prepare-env.txt"
        let manifest = try String(contentsOfFile: w.repo + "/package.json", encoding: .utf8)
        try manifest.replacingOccurrences(of: "\"scripts\": {", with: "\"publishConfig\": {\"proxy\": \"http://127.0.0.1:1/\", \"https-proxy\": \"http://127.0.0.1:1/\", \"noproxy\": \"\"},\n  \"scripts\": {\"prepare\": \"node -e \\\"require('fs').writeFileSync('\(seen)', JSON.stringify(process.env))\\\"\", ")
            .write(toFile: w.repo + "/package.json", atomically: true, encoding: .utf8)
        try "proxy=http://127.0.0.1:1/\nhttps-proxy=http://127.0.0.1:1/\n".write(toFile: w.repo + "/.npmrc", atomically: true, encoding: .utf8)
        try w.env.gitOK("add", "-A", in: w.repo)
        try w.env.gitOK("commit", "-qm", "hostile settings", in: w.repo)
        let r = try w.env.git("hforge", "publish", "--bump", "patch", "--no-push", in: w.repo)
        #expect(r.code == 0, "\(r)")
        #expect(w.registry.versions(of: "hftool") == ["0.1.1"] && w.registry.publishes.count == 1)
        let env = try String(contentsOfFile: seen, encoding: .utf8)
        #expect(env.contains("npm_lifecycle_event") && !env.contains(PublishNpmTests.token), "prepare ran, without the token")
        #expect(r.stdout.contains("npm pack --ignore-scripts") && r.stdout.contains("--proxy=null"), "\(r)")
    }

    /// A package.json committed as a symbolic link to a file outside the
    /// repository is refused before anything changes: the bump would put
    /// that file's content in the release commit and the upload.
    @Test func aSymlinkedManifestIsRefused() throws {
        let w = try world("npm-symlink")
        let outside = w.env.root + "/outside.json"
        try FileManager.default.moveItem(atPath: w.repo + "/package.json", toPath: outside)
        try FileManager.default.createSymbolicLink(atPath: w.repo + "/package.json", withDestinationPath: outside)
        try w.env.gitOK("add", "-A", in: w.repo)
        try w.env.gitOK("commit", "-qm", "linked", in: w.repo)
        let before = try files(w), outsideBefore = try Data(contentsOf: URL(fileURLWithPath: outside))
        for args in [["--dry-run"], []] {
            let r = try w.env.run("git", ["hforge", "publish", "--bump", "patch", "--no-push"] + args, in: w.repo)
            #expect(r.code != 0 && r.stderr.contains("symbolic link"), "\(r)")
        }
        #expect(try files(w) == before && (try Data(contentsOf: URL(fileURLWithPath: outside))) == outsideBefore)
        #expect(w.registry.publishes.isEmpty)
    }

    /// Killed (-9) at each journal step (as the upload starts, and just after
    /// each step ran), then resumed: one upload, the right commit and tag.
    @Test(arguments: PublishFaults.killPoints)
    func killedAtEachStepThenResumed(point: String) throws {
        let w = try world("npm-kill", publishTable: "registry = \"local\"\ntest = [\"true\"]")
        try PublishFaults.killThenResume(w.env, repo: w.repo, bare: w.bareB, at: point, tag: "v0.1.1", commits: 1, subject: "release: hftool 0.1.1")
        #expect(w.registry.versions(of: "hftool") == ["0.1.1"], "\(point)")
        #expect(w.registry.publishes.count == 1, "\(point): published once")
        #expect(!w.registry.requests.contains { $0.method == "PUT" && $0.status != 200 }, "\(point): no second attempt")
    }

    /// A forge refusing the push after the registry took the version: the
    /// release stays in progress, and --resume pushes where it had not.
    @Test func aPushRejectedAfterPublishingIsResumed() throws {
        let w = try world("npm-push", publishTable: "registry = \"local\"\ntest = [\"true\"]")
        try PublishFaults.pushRejectedThenResumed(w.env, repo: w.repo, bareA: w.bareA, bareB: w.bareB, tag: "v0.1.1", subject: "release: hftool 0.1.1") {
            #expect(w.registry.versions(of: "hftool") == ["0.1.1"])
        }
        #expect(w.registry.publishes.count == 1 && !w.registry.requests.contains { $0.method == "PUT" && $0.status != 200 }, "published once")
    }
}
