import Foundation
import Testing

/// `git hforge publish` of a Rust crate with Python bindings (Cargo.toml and
/// pyproject.toml in one directory): both bumped to one version, built and
/// tested, the crate published first (the real cargo to the stand-in Cargo
/// registry), then the wheel (the real twine to the real pypiserver), in
/// one journal, one commit and one tag pushed to the two sshd forges.
@Suite(.enabled(if: SSHServer.isAvailable && CargoRegistryStandIn.available && PyPIServer.available, "needs sshd, cargo, and python3 with pypiserver, build, twine"))
struct PublishSeveralKindsTests {
    static let cargoToken = "cargo-token-2b7d"
    static let pypiToken = "pypi-token-8e11"

    struct World {
        let env: TestEnvironment
        let server: SSHServer
        let cargo: CargoRegistryStandIn
        let pypi: PyPIServer
        let repo: String
        let bareA: String
        let bareB: String
    }

    func world(_ name: String, pypiToken: String = PublishSeveralKindsTests.pypiToken) throws -> World {
        let env = try TestEnvironment(name)
        let server = try SSHServer(in: env)
        let cargo = try CargoRegistryStandIn(in: env, tokens: [PublishSeveralKindsTests.cargoToken])
        // Anyone may read the index; uploads need the token.
        let pypi = try PyPIServer(in: env, token: PublishSeveralKindsTests.pypiToken, authenticate: "update")
        env.environment["CARGO_HOME"] = env.root + "/cargo-home"
        env.environment["CARGO_TARGET_DIR"] = env.root + "/target"
        env.environment["RUSTUP_HOME"] = ProcessInfo.processInfo.environment["RUSTUP_HOME"] ?? NSHomeDirectory() + "/.rustup"
        env.environment["CARGO_TERM_COLOR"] = "never"
        env.environment["PYTHONDONTWRITEBYTECODE"] = "1"
        try env.write("[registries.local]\nindex = \"\(cargo.index)\"\n", to: "cargo-home/config.toml")
        try env.write("[registries.cargo.local]\nuser = \"alice\"\n\n[registries.pypi.local]\nuser = \"alice\"\nurl = \"\(pypi.url)\"\n", to: "home/.config/hyperforge/auth.toml")
        let published = try PublishRepository("hfcore", env: env, server: server)
        try env.write("""
        [package]
        name = "hfcore"
        version = "0.1.0"
        edition = "2021"
        publish = ["local"]
        description = "the core"
        license = "MIT"
        include = ["src/**", "Cargo.toml"]

        """, to: "projects/hfcore/Cargo.toml")
        try env.write("pub fn answer() -> u32 { 42 }\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn answers() { assert_eq!(super::answer(), 42); }\n}\n", to: "projects/hfcore/src/lib.rs")
        try env.write("""
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "hfcore"
        version = "0.1.0"   # kept equal to Cargo.toml's
        description = "bindings"

        [tool.setuptools]
        packages = ["hfcore"]

        """, to: "projects/hfcore/pyproject.toml")
        try env.write("def answer():\n    return 42\n", to: "projects/hfcore/hfcore/__init__.py")
        try env.write("/target\nCargo.lock\n/dist/\n/build/\n*.egg-info/\n__pycache__/\n", to: "projects/hfcore/.gitignore")
        // The wheel only, offline; cargo build and, by default, cargo test (pytest has no tests/ here).
        try published.addPublishTable("registry = \"local\"\nbuild = [[\"cargo\", \"build\"], [\"python3\", \"-m\", \"build\", \"--no-isolation\", \"--wheel\"]]")
        try published.commit("the crate and its bindings", storing: PublishSeveralKindsTests.cargoToken, in: "cargo/alice/hfcore/token", env: env)
        #expect(try env.run("git", ["scope", "set", "pypi/alice/hfcore/token"], input: pypiToken).code == 0)
        return World(env: env, server: server, cargo: cargo, pypi: pypi, repo: published.repo, bareA: published.bareA, bareB: published.bareB)
    }

    @Test func bothKindsReleaseTogether() throws {
        let w = try world("kinds-e2e")
        let before = try TestEnvironment.snapshot(w.repo)
        let dry = try w.env.git("hforge", "publish", "--bump", "minor", "--dry-run", in: w.repo)
        #expect(dry.code == 0, "\(dry)")
        #expect(dry.stdout.contains("0.1.0 -> 0.2.0 (cargo, pypi, released together in this order)"), "\(dry)")
        #expect(dry.stdout.contains("0.1.0 -> 0.2.0 in Cargo.toml, pyproject.toml"), "\(dry)")
        #expect(dry.stdout.contains("cargo: cargo publish --allow-dirty --no-verify --registry local") && dry.stdout.contains("; then pypi: twine upload"), "\(dry)")
        // One registry name, local, for both kinds: each line says which kind's it is.
        #expect(dry.stdout.contains("registry: cargo: local (") && dry.stdout.contains("registry: pypi: local ("), "\(dry)")
        #expect(dry.stdout.contains("test: cargo test"), "\(dry)")
        #expect(try TestEnvironment.snapshot(w.repo) == before)
        #expect(w.cargo.requests.allSatisfy { $0.method == "GET" } && w.pypi.requests.allSatisfy { $0.method == "GET" })

        let start = try w.env.gitOK("rev-parse", "HEAD", in: w.repo).trimmingCharacters(in: .whitespacesAndNewlines)
        let r = try w.env.git("hforge", "publish", "--bump", "minor", "--json", in: w.repo)
        #expect(r.code == 0, "\(r)")
        #expect(w.cargo.versions(of: "hfcore") == ["0.2.0"] && w.cargo.publishes.count == 1)
        #expect(w.pypi.files == ["hfcore-0.2.0-py3-none-any.whl"], "\(w.pypi.files)")
        #expect(try w.env.gitOK("rev-list", "--count", "\(start)..HEAD", in: w.repo) == "1\n")
        #expect(try w.env.gitOK("show", "--name-only", "--format=", "HEAD", in: w.repo) == "Cargo.toml\npyproject.toml\n")
        #expect(try String(contentsOfFile: w.repo + "/pyproject.toml", encoding: .utf8).contains("version = \"0.2.0\"   # kept equal"))
        let head = try w.env.gitOK("rev-parse", "HEAD", in: w.repo)
        for bare in [w.bareA, w.bareB] { #expect(try w.env.gitOK("rev-parse", "v0.2.0^{commit}", in: bare) == head) }
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect((json?["packages"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["cargo", "pypi"])
        let steps = Dictionary(((json?["steps"] as? [[String: Any]]) ?? []).map { ($0["step"] as? String ?? "", $0["result"] as? String ?? "") }, uniquingKeysWith: { a, _ in a })
        #expect(steps["publish"] == "cargo: hfcore 0.2.0 on registry local; pypi: hfcore 0.2.0 on registry local", "\(steps)")
        for output in [dry.stdout, dry.stderr, r.stdout, r.stderr] {
            #expect(!output.contains(PublishSeveralKindsTests.cargoToken) && !output.contains(PublishSeveralKindsTests.pypiToken))
        }
    }

    /// The wheel's upload is refused after the crate was published: the crate
    /// stays, nothing is rolled back, and --resume (with the right token now)
    /// uploads only the wheel, then commits, tags and pushes once.
    @Test func aFailurePublishingTheSecondIsResumedWithTheSecond() throws {
        let w = try world("kinds-second-fails", pypiToken: "not-the-token")
        let start = try w.env.gitOK("rev-parse", "HEAD", in: w.repo).trimmingCharacters(in: .whitespacesAndNewlines)
        let r = try w.env.git("hforge", "publish", "--bump", "patch", in: w.repo)
        #expect(r.code == 1, "\(r)")
        #expect(r.stderr.contains("publishing hfcore 0.1.1 to local failed") && r.stderr.contains("403"), "\(r)")
        #expect(r.stderr.contains("staying so") && r.stderr.contains("hfcore 0.1.1 on local"), "\(r)")
        #expect(!r.stderr.contains("rolled back"), "\(r)")
        #expect(w.cargo.versions(of: "hfcore") == ["0.1.1"] && w.pypi.files.isEmpty)
        #expect(try String(contentsOfFile: w.repo + "/Cargo.toml", encoding: .utf8).contains("version = \"0.1.1\""), "the bump stays")
        #expect(try w.env.gitOK("rev-parse", "HEAD", in: w.repo).trimmingCharacters(in: .whitespacesAndNewlines) == start)
        #expect(FileManager.default.fileExists(atPath: w.repo + "/.git/hforge/publish.json"))

        #expect(try w.env.run("git", ["scope", "set", "pypi/alice/hfcore/token"], input: PublishSeveralKindsTests.pypiToken).code == 0)
        let resumed = try w.env.git("hforge", "publish", "--resume", in: w.repo)
        #expect(resumed.code == 0, "\(resumed)")
        #expect(w.cargo.publishes.count == 1, "the crate is not published again")
        #expect(w.pypi.files == ["hfcore-0.1.1-py3-none-any.whl"])
        #expect(try w.env.gitOK("rev-list", "--count", "\(start)..HEAD", in: w.repo) == "1\n")
        #expect(try w.env.gitOK("rev-parse", "v0.1.1^{commit}", in: w.bareB) == (try w.env.gitOK("rev-parse", "HEAD", in: w.repo)))
        #expect(try w.env.gitOK("status", "--porcelain", in: w.repo) == "")
    }

    /// workspace publish takes a directory's kinds as one package, as publish
    /// there does: hfcore's crate and wheel at one version, and hfapp, which
    /// requires the wheel (and comes first by path), after it, its requirement
    /// rewritten in its release commit.
    @Test func workspacePublishTakesADirectorysKindsAsOnePackage() throws {
        let w = try world("kinds-workspace")
        let app = try PublishRepository("hfapp", env: w.env, server: w.server)
        let manifest = """
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "hfapp"
        version = "0.1.0"
        description = "uses the bindings"
        dependencies = ["hfcore >=0.1.0"]

        [tool.setuptools]
        packages = ["hfapp"]

        """
        try w.env.write(manifest, to: "projects/hfapp/pyproject.toml")
        try w.env.write("VALUE = 1\n", to: "projects/hfapp/hfapp/__init__.py")
        try w.env.write("/dist/\n/build/\n*.egg-info/\n__pycache__/\n", to: "projects/hfapp/.gitignore")
        try app.addPublishTable("registry = \"local\"\n" + PublishPyPITests.wheelOnly + "\ntest = [\"true\"]")
        try app.commit("the app", storing: PublishSeveralKindsTests.pypiToken, in: "pypi/alice/hfapp/token", env: w.env)
        let workspace = w.env.root + "/projects"
        let dry = try w.env.run("git", ["hforge", "workspace", "publish", "--bump", "minor", "--dry-run"], in: workspace)
        #expect(dry.code == 0, "\(dry)")
        #expect(dry.stdout.contains("1. hfcore 0.1.0 -> 0.2.0 [cargo, pypi] in hfcore\n"), "\(dry)")
        #expect(dry.stdout.contains("2. hfapp 0.1.0 -> 0.2.0 [pypi] in hfapp (requires hfcore 0.2.0)"), "\(dry)")
        #expect(w.cargo.requests.allSatisfy { $0.method == "GET" } && w.pypi.requests.allSatisfy { $0.method == "GET" })

        let start = try w.env.gitOK("rev-parse", "HEAD", in: w.repo).trimmingCharacters(in: .whitespacesAndNewlines)
        let r = try w.env.run("git", ["hforge", "workspace", "publish", "--bump", "minor", "--json"], in: workspace)
        #expect(r.code == 0, "\(r)")
        // The workspace journal recorded every kind of hfcore's directory, not the first alone.
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let kinds = ((json?["packages"] as? [[String: Any]]) ?? []).map { "\($0["name"] ?? ""): \($0["kinds"] as? [String] ?? [])" }
        #expect(kinds == ["hfcore: [\"cargo\", \"pypi\"]", "hfapp: [\"pypi\"]"], "\(kinds)")
        #expect(w.cargo.versions(of: "hfcore") == ["0.2.0"] && w.cargo.publishes.count == 1)
        #expect(Set(w.pypi.files) == ["hfcore-0.2.0-py3-none-any.whl", "hfapp-0.2.0-py3-none-any.whl"], "\(w.pypi.files)")
        #expect(try w.env.gitOK("rev-list", "--count", "\(start)..HEAD", in: w.repo) == "1\n", "one release of both kinds")
        #expect(try w.env.gitOK("show", "--name-only", "--format=", "HEAD", in: w.repo) == "Cargo.toml\npyproject.toml\n")
        #expect(try String(contentsOfFile: app.repo + "/pyproject.toml", encoding: .utf8)
                == manifest.replacingOccurrences(of: "version = \"0.1.0\"", with: "version = \"0.2.0\"").replacingOccurrences(of: ">=0.1.0", with: ">=0.2.0"))
        #expect(try w.env.gitOK("log", "-1", "--format=%s", in: app.repo) == "release: hfapp 0.2.0\n")
        #expect(try w.env.gitOK("rev-parse", "v0.2.0^{commit}", in: w.bareB) == (try w.env.gitOK("rev-parse", "HEAD", in: w.repo)))
        #expect(try w.env.gitOK("rev-parse", "v0.2.0^{commit}", in: app.bareB) == (try w.env.gitOK("rev-parse", "HEAD", in: app.repo)))
    }

    /// Kinds in one directory disagreeing on the version: refused before anything changes, as publish does.
    @Test func workspacePublishRefusesKindsThatDisagree() throws {
        let env = try TestEnvironment("kinds-workspace-differ")
        let repo = try env.makeRepository("projects/both")
        try env.write("forges = [\"github\"]\norg = \"alice\"\n", to: "projects/both/.hyperforge/config.toml")
        try env.write("[package]\nname = \"both\"\nversion = \"0.1.0\"\n", to: "projects/both/Cargo.toml")
        try env.write("[project]\nname = \"both\"\nversion = \"0.2.0\"\n", to: "projects/both/pyproject.toml")
        try env.gitOK("add", "-A", in: repo)
        try env.gitOK("commit", "-q", "-m", "both", in: repo)
        let before = try TestEnvironment.snapshot(env.root + "/projects")
        for extra in [[], ["--dry-run"]] {
            let r = try env.run("git", ["hforge", "workspace", "publish", "--bump", "patch", "--no-push"] + extra, in: env.root + "/projects")
            #expect(r.code != 0 && r.stderr.contains("both/Cargo.toml says 0.1.0") && r.stderr.contains("both/pyproject.toml says 0.2.0"), "\(r)")
        }
        #expect(try TestEnvironment.snapshot(env.root + "/projects") == before)
    }
}
