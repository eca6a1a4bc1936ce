import Foundation
@testable import HyperforgeHforge
import HyperforgeCore
import Testing

/// `git hforge workspace publish` end to end: real repositories under one
/// workspace, the real cargo publishing to the stand-in registry, the real
/// twine to the real pypiserver, pushes to the two sshd forges.
@Suite(.enabled(if: SSHServer.isAvailable && CargoRegistryStandIn.available, "needs sshd, python3 and cargo"))
struct WorkspacePublishTests {
    static let token = "ws-cargo-token-91b2"
    static let pypiToken = "ws-pypi-token-44e0"

    struct World {
        let env: TestEnvironment
        let server: SSHServer
        let registry: CargoRegistryStandIn
        let pypi: PyPIServer?
        var repos: [String: PublishRepository] = [:]
        var workspace: String { env.root + "/projects" }
        func repo(_ name: String) -> String { repos[name]!.repo }
        func head(_ name: String) throws -> String { try env.gitOK("rev-parse", "HEAD", in: repo(name)).trimmingCharacters(in: .whitespacesAndNewlines) }
        func publish(_ args: String...) throws -> TestEnvironment.Result { try env.run("git", ["hforge", "workspace", "publish"] + args, in: workspace) }
    }

    static let appManifest = """
    [package]
    name = "app"
    version = "0.1.0"
    edition = "2021"
    publish = ["local"]
    description = "the app"
    license = "MIT"

    [dependencies]
    # the workspace's crate, through the registry
    bee = { version = "0.1.0", registry = "local" }   # kept as written

    """

    /// bee's manifest when it requires cee through the registry.
    static let beeOnCeeManifest = """
    [package]
    name = "bee"
    version = "0.1.0"
    edition = "2021"
    publish = ["local"]
    description = "bee"
    license = "MIT"

    [dependencies]
    cee = { version = "0.1.0", registry = "local" }

    """

    /// Crates `bee`, `app` (requiring bee) and, with `cee`, `cee`: independent,
    /// or with `chain` required by bee (app -> bee -> cee, all through the
    /// registry `local`); with `python`, the projects `hf-lib` and `hf-app`
    /// (requiring hf-lib). `fast`: build and test are `true` (cargo publish
    /// --no-verify still packages each crate).
    func world(_ name: String, fast: Bool = true, cee: Bool = true, chain: Bool = false, python: Bool = false, appBuild: String? = nil) throws -> World {
        let env = try TestEnvironment(name)
        let server = try SSHServer(in: env)
        let registry = try CargoRegistryStandIn(in: env, tokens: [WorkspacePublishTests.token])
        let pypi = python ? try PyPIServer(in: env, token: WorkspacePublishTests.pypiToken) : nil
        env.environment["PYTHONDONTWRITEBYTECODE"] = "1"
        try registry.configure(env, auth: "[registries.cargo.local]\nuser = \"alice\"\n" + (pypi.map { "\n[registries.pypi.local]\nuser = \"alice\"\nurl = \"\($0.url)\"\n" } ?? ""))
        var w = World(env: env, server: server, registry: registry, pypi: pypi)
        let quick = fast ? "build = [\"true\"]\ntest = [\"true\"]" : ""
        func crate(_ crate: String, manifest: String, lib: String, publish: String) throws {
            let r = try PublishRepository(crate, env: env, server: server)
            try env.write(manifest, to: "projects/\(crate)/Cargo.toml")
            try env.write(lib, to: "projects/\(crate)/src/lib.rs")
            try env.write("/target\nCargo.lock\n", to: "projects/\(crate)/.gitignore")
            if !publish.isEmpty { try r.addPublishTable(publish) }
            try r.commit("the crate", storing: WorkspacePublishTests.token, in: "cargo/alice/\(crate)/token", env: env)
            w.repos[crate] = r
        }
        func simple(_ crate: String) -> String {
            "[package]\nname = \"\(crate)\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = [\"local\"]\ndescription = \"\(crate)\"\nlicense = \"MIT\"\n"
        }
        if cee { try crate("cee", manifest: simple("cee"), lib: "pub fn cee() -> u32 { 1 }\n", publish: quick) }
        try crate("bee", manifest: chain ? WorkspacePublishTests.beeOnCeeManifest : simple("bee"),
                  lib: "pub fn bee() -> u32 { \(chain ? "cee::cee()" : "1") }\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn one() { assert_eq!(super::bee(), 1); }\n}\n", publish: quick)
        try crate("app", manifest: WorkspacePublishTests.appManifest, lib: "pub fn app() -> u32 { bee::bee() + 1 }\n",
                  publish: appBuild.map { "build = \($0)\ntest = [\"true\"]" } ?? quick)
        if python {
            func project(_ dir: String, _ name: String, _ module: String, dependencies: String) throws {
                let r = try PublishRepository(dir, env: env, server: server)
                try env.write("""
                [build-system]
                requires = ["setuptools>=61"]
                build-backend = "setuptools.build_meta"

                [project]
                name = "\(name)"
                version = "0.1.0"
                description = "\(name)"
                dependencies = [
                    \(dependencies)
                ]

                [tool.setuptools]
                packages = ["\(module)"]

                """, to: "projects/\(dir)/pyproject.toml")
                try env.write("VALUE = 1\n", to: "projects/\(dir)/\(module)/__init__.py")
                try env.write("/dist/\n/build/\n*.egg-info/\n__pycache__/\n", to: "projects/\(dir)/.gitignore")
                try r.addPublishTable("registry = \"local\"\n" + PublishPyPITests.wheelOnly)
                try r.commit("the project", storing: WorkspacePublishTests.pypiToken, in: "pypi/alice/\(name)/token", env: env)
                w.repos[dir] = r
            }
            try project("pylib", "hf-lib", "hf_lib", dependencies: "")
            try project("pyapp", "hf-app", "hf_app", dependencies: "\"hf_lib >=0.1.0\",  # spelt as pip allows")
        }
        return w
    }

    func stateFiles(_ w: World) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: w.env.home + "/.local/state/hyperforge/workspace-publish")) ?? []
    }

    /// One commit `release: NAME VERSION` on top of `start`, its annotated tag, pushed to both forges.
    func expectReleased(_ w: World, _ repo: String, _ name: String, _ version: String, since start: String, tag: String? = nil,
                        sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let dir = w.repo(repo), tag = tag ?? "v\(version)"
        #expect(try w.env.gitOK("rev-list", "--count", "\(start)..HEAD", in: dir) == "1\n", "\(name): one release commit", sourceLocation: sourceLocation)
        #expect(try w.env.gitOK("log", "-1", "--format=%s", in: dir) == "release: \(name) \(version)\n", sourceLocation: sourceLocation)
        #expect(try w.env.gitOK("cat-file", "-t", tag, in: dir) == "tag\n", sourceLocation: sourceLocation)
        #expect(try w.env.gitOK("status", "--porcelain", in: dir) == "", sourceLocation: sourceLocation)
        let head = try w.head(repo)
        for bare in [w.repos[repo]!.bareA, w.repos[repo]!.bareB] {
            #expect(try w.env.gitOK("rev-parse", "refs/heads/main", in: bare).trimmingCharacters(in: .whitespacesAndNewlines) == head, sourceLocation: sourceLocation)
            #expect(try w.env.gitOK("rev-parse", "\(tag)^{commit}", in: bare).trimmingCharacters(in: .whitespacesAndNewlines) == head, sourceLocation: sourceLocation)
        }
    }

    /// The issue's workspace: three repositories, one crate each, app requiring
    /// bee and bee requiring cee through the stand-in registry (no crates.io),
    /// built and tested by the real cargo: cee, then bee, then app, each
    /// requirement rewritten before its dependent is built, and each new index
    /// entry served (cargo waits for it after uploading); with two Python
    /// projects in the same run.
    @Test(.enabled(if: PyPIServer.available, "needs pypiserver, build, twine"))
    func publishesInDependencyOrderWithRequirementsRewritten() throws {
        let w = try world("wspub-e2e", fast: false, chain: true, python: true)
        let starts = try Dictionary(uniqueKeysWithValues: ["cee", "bee", "app", "pylib", "pyapp"].map { ($0, try w.head($0)) })
        let pyappBefore = try String(contentsOfFile: w.repo("pyapp") + "/pyproject.toml", encoding: .utf8)
        let r = try w.publish("--bump", "patch", "--json")
        #expect(r.code == 0, "\(r)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let packages = json?["packages"] as? [[String: Any]] ?? []
        #expect(packages.map { $0["name"] as? String } == ["cee", "bee", "app", "hf-lib", "hf-app"], "each after what it requires, else path order")
        #expect(["cee", "bee", "app"].allSatisfy { w.registry.versions(of: $0) == ["0.1.1"] })
        // Uploaded in that order, and each new entry read back from the index after its upload (cargo's wait).
        let requests = w.registry.requests
        let uploads = requests.indices.filter { requests[$0].method == "PUT" && requests[$0].status == 200 }
        #expect(uploads.count == 3, "\(requests.map { "\($0.method) \($0.path) \($0.status)" })")
        for (upload, path) in zip(uploads, ["/index/3/c/cee", "/index/3/b/bee", "/index/3/a/app"]) {
            #expect(requests[(upload + 1)...].contains { $0.method == "GET" && $0.path == path && $0.status == 200 }, "\(path) served after its upload")
        }
        #expect(w.pypi!.files.contains("hf_lib-0.1.1-py3-none-any.whl") && w.pypi!.files.contains("hf_app-0.1.1-py3-none-any.whl"), "\(w.pypi!.files)")
        // The requirements' bytes changed, and nothing around them.
        let app = try String(contentsOfFile: w.repo("app") + "/Cargo.toml", encoding: .utf8)
        #expect(app == WorkspacePublishTests.appManifest.replacingOccurrences(of: "\"0.1.0\"", with: "\"0.1.1\""))
        let bee = try String(contentsOfFile: w.repo("bee") + "/Cargo.toml", encoding: .utf8)
        #expect(bee == WorkspacePublishTests.beeOnCeeManifest.replacingOccurrences(of: "\"0.1.0\"", with: "\"0.1.1\""))
        #expect(try w.env.gitOK("show", "HEAD", "--format=", "--", "Cargo.toml", in: w.repo("bee")).contains("+cee = { version = \"0.1.1\", registry = \"local\" }"))
        let pyapp = try String(contentsOfFile: w.repo("pyapp") + "/pyproject.toml", encoding: .utf8)
        #expect(pyapp == pyappBefore.replacingOccurrences(of: "version = \"0.1.0\"", with: "version = \"0.1.1\"").replacingOccurrences(of: ">=0.1.0", with: ">=0.1.1"))
        // In the dependent's own release commit.
        #expect(try w.env.gitOK("show", "HEAD", "--format=", "--", "Cargo.toml", in: w.repo("app")).contains("+bee = { version = \"0.1.1\", registry = \"local\" }   # kept as written"))
        try expectReleased(w, "cee", "cee", "0.1.1", since: starts["cee"]!)
        try expectReleased(w, "bee", "bee", "0.1.1", since: starts["bee"]!)
        try expectReleased(w, "app", "app", "0.1.1", since: starts["app"]!)
        try expectReleased(w, "pylib", "hf-lib", "0.1.1", since: starts["pylib"]!)
        try expectReleased(w, "pyapp", "hf-app", "0.1.1", since: starts["pyapp"]!)
        #expect(stateFiles(w).isEmpty, "the workspace's journal is gone once all are published")
        #expect(!r.stdout.contains(WorkspacePublishTests.token) && !r.stderr.contains(WorkspacePublishTests.token))
        #expect(!r.stdout.contains(WorkspacePublishTests.pypiToken) && !r.stderr.contains(WorkspacePublishTests.pypiToken))
    }

    @Test func aFailureStopsTheRestAndResumeFinishesWithoutRepublishing() throws {
        let flag = FileManager.default.temporaryDirectory.path + "/hforge-wspub-flag-\(UUID().uuidString.prefix(8))"
        defer { unlink(flag) }
        let w = try world("wspub-fail", appBuild: "[\"sh\", \"-c\", \"test -e \(flag) || { echo 'error: app does not build' >&2; exit 3; }\"]")
        let starts = try Dictionary(uniqueKeysWithValues: ["bee", "app", "cee"].map { ($0, try w.head($0)) })
        let appBefore = try TestEnvironment.snapshot(w.repo("app")).filter { !$0.key.hasPrefix(".git/") }
        let r = try w.publish("--bump", "patch")
        #expect(r.code == 1, "\(r)")
        #expect(r.stderr.contains("app 0.1.1 (app) failed") && r.stderr.contains("error: app does not build"), "\(r)")
        #expect(r.stderr.contains("published: bee 0.1.1") && r.stderr.contains("not attempted: cee 0.1.1"), "\(r)")
        #expect(r.stderr.contains("workspace publish --resume"), "\(r)")
        #expect(w.registry.versions(of: "bee") == ["0.1.1"] && w.registry.versions(of: "app").isEmpty && w.registry.versions(of: "cee").isEmpty)
        #expect(try TestEnvironment.snapshot(w.repo("app")).filter { !$0.key.hasPrefix(".git/") } == appBefore, "app's bump and requirement rolled back")
        #expect(try w.head("cee") == starts["cee"]!, "cee not attempted")
        #expect(stateFiles(w).count == 1)
        // A plain run refuses while one is in progress.
        let plain = try w.publish("--bump", "patch")
        #expect(plain.code == 2 && plain.stderr.contains("in progress"), "\(plain)")

        #expect(FileManager.default.createFile(atPath: flag, contents: Data()))
        let resumed = try w.publish("--resume")
        #expect(resumed.code == 0, "\(resumed)")
        #expect(w.registry.publishes.count == 3, "bee once, app, cee")
        #expect(w.registry.versions(of: "bee") == ["0.1.1"] && w.registry.versions(of: "app") == ["0.1.1"] && w.registry.versions(of: "cee") == ["0.1.1"])
        try expectReleased(w, "bee", "bee", "0.1.1", since: starts["bee"]!)
        try expectReleased(w, "app", "app", "0.1.1", since: starts["app"]!)
        try expectReleased(w, "cee", "cee", "0.1.1", since: starts["cee"]!)
        #expect(try String(contentsOfFile: w.repo("app") + "/Cargo.toml", encoding: .utf8).contains("bee = { version = \"0.1.1\""))
        #expect(stateFiles(w).isEmpty)
    }

    /// A run started with --no-push and resumed without it stays unpushed (the journal keeps how it was started).
    @Test func aResumedRunKeepsItsNoPush() throws {
        let flag = FileManager.default.temporaryDirectory.path + "/hforge-wspub-nopush-\(UUID().uuidString.prefix(8))"
        defer { unlink(flag) }
        let w = try world("wspub-nopush", appBuild: "[\"sh\", \"-c\", \"test -e \(flag) || exit 3\"]")
        let r = try w.publish("--bump", "patch", "--no-push")
        #expect(r.code == 1, "\(r)")
        #expect(FileManager.default.createFile(atPath: flag, contents: Data()))
        let resumed = try w.publish("--resume")
        #expect(resumed.code == 0, "\(resumed)")
        for name in ["bee", "app", "cee"] {
            #expect(try w.env.gitOK("tag", "-l", "v0.1.1", in: w.repo(name)) == "v0.1.1\n", "\(name) tagged")
            for bare in [w.repos[name]!.bareA, w.repos[name]!.bareB] {
                #expect(try w.env.run("git", ["rev-parse", "-q", "--verify", "refs/tags/v0.1.1"], in: bare).code != 0, "\(name) not pushed")
            }
        }
    }

    @Test func abortForgetsTheRunAndSaysWhatStaysPublished() throws {
        let w = try world("wspub-abort", cee: false, appBuild: "[\"false\"]")
        let appStart = try w.head("app")
        let r = try w.publish("--bump", "patch", "--json")
        #expect(r.code == 1, "\(r)")
        let error = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let message = (error?["error"] as? [String: Any])?["message"] as? String ?? ""
        #expect(message.contains("app 0.1.1 (app) failed: build failed with exit status 1: false") && message.contains("published: bee 0.1.1"), "the error document: \(r)")
        let aborted = try w.publish("--abort")
        #expect(aborted.code == 0, "\(aborted)")
        #expect(aborted.stdout.contains("Published (they stay published): bee 0.1.1"), "\(aborted)")
        #expect(stateFiles(w).isEmpty)
        #expect(try w.head("app") == appStart && w.env.gitOK("status", "--porcelain", in: w.repo("app")) == "")
        let again = try w.publish("--resume")
        #expect(again.code == 2 && again.stderr.contains("no workspace publish is in progress"), "\(again)")
    }

    /// Killed (-9) after bee reached the registry (its own journal not yet
    /// saying so), or when app had just started; --resume publishes each once.
    @Test(arguments: ["publish.ran:publish", "workspace-publish.started:app"])
    func killedMidWayThenResumed(point: String) throws {
        let w = try world("wspub-kill", cee: false)
        let starts = try Dictionary(uniqueKeysWithValues: ["bee", "app"].map { ($0, try w.head($0)) })
        let paused = try FaultTests.startPaused(w.env, ["git-hforge", "workspace", "publish", "--bump", "patch"], in: w.workspace, at: point)
        _ = paused.stop(with: SIGKILL)
        #expect(stateFiles(w).count == 1)
        let r = try w.publish("--resume")
        #expect(r.code == 0, "\(point): \(r)\n\((try? String(contentsOfFile: paused.log, encoding: .utf8)) ?? "")")
        #expect(w.registry.publishes.count == 2, "\(point): each published once")
        #expect(w.registry.versions(of: "bee") == ["0.1.1"] && w.registry.versions(of: "app") == ["0.1.1"])
        try expectReleased(w, "bee", "bee", "0.1.1", since: starts["bee"]!)
        try expectReleased(w, "app", "app", "0.1.1", since: starts["app"]!)
        #expect(stateFiles(w).isEmpty)
    }

    @Test func aDryRunChangesNothingAndChangedTakesOnlyWhatMoved() throws {
        let w = try world("wspub-dry")
        let bares = w.repos.values.flatMap { [$0.bareA, $0.bareB] }
        func everything() throws -> [String: Data] {
            var all: [String: Data] = [:]
            for path in [w.workspace] + bares { for (k, v) in try TestEnvironment.snapshot(path) { all[path + "/" + k] = v } }
            return all
        }
        let before = try everything()
        let r = try w.publish("--bump", "minor", "--dry-run")
        #expect(r.code == 0, "\(r)")
        let order = ["1. bee 0.1.0 -> 0.2.0", "2. app 0.1.0 -> 0.2.0", "3. cee 0.1.0 -> 0.2.0"]
        #expect(order.allSatisfy(r.stdout.contains), "\(r)")
        #expect(r.stdout.contains("requirement: bee '0.1.0' -> '0.2.0' (Cargo.toml:11)"), "\(r)")
        #expect(r.stdout.contains("cargo publish --allow-dirty --no-verify --registry local") && r.stdout.contains("git push --porcelain forgea"), "\(r)")
        #expect(try everything() == before, "no file, ref or forge changed")
        #expect(w.registry.requests.allSatisfy { $0.method == "GET" }, "the registry was only read")
        #expect(stateFiles(w).isEmpty, "no journal")
        let j = try w.publish("--bump", "minor", "--dry-run", "--json")
        let plan = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any]
        let packages = plan?["packages"] as? [[String: Any]] ?? []
        #expect(packages.map { $0["package"] as? String } == ["bee", "app", "cee"], "\(j)")
        #expect((packages.dropFirst().first?["requirements"] as? [[String: String]]) == [["kind": "cargo", "package": "bee", "version": "0.2.0"]])

        // Released before (their tags), then a commit in bee only: bee, and app which requires it.
        for name in ["bee", "app", "cee"] { try w.env.gitOK("tag", "-a", "v0.1.0", "-m", "0.1.0", in: w.repo(name)) }
        let unchanged = try w.publish("--bump", "patch", "--changed", "--dry-run")
        #expect(unchanged.code == 0 && unchanged.stdout.contains("Nothing to publish"), "\(unchanged)")
        #expect(unchanged.stdout.contains("no package has commits since its last release tag (app v0.1.0, bee v0.1.0, cee v0.1.0)"), "\(unchanged)")
        try w.env.write("pub fn bee() -> u32 { 2 }\n", to: "projects/bee/src/lib.rs")
        try w.env.gitOK("commit", "-q", "-am", "bee changes", in: w.repo("bee"))
        let ceeStart = try w.head("cee")
        let changed = try w.publish("--bump", "patch", "--changed", "--no-push")
        #expect(changed.code == 0, "\(changed)")
        #expect(w.registry.versions(of: "bee") == ["0.1.1"] && w.registry.versions(of: "app") == ["0.1.1"] && w.registry.versions(of: "cee").isEmpty)
        #expect(changed.stdout.contains("Unchanged since their last release tag: cee (v0.1.0)"), "\(changed)")
        #expect(try w.head("cee") == ceeStart)
        #expect(try w.env.gitOK("log", "-1", "--format=%s", in: w.repo("app")) == "release: app 0.1.1\n")
    }
}

/// What is refused before anything changes: cycles (with their path),
/// requirements that cannot be rewritten, hostile workspace journals.
@Suite struct WorkspacePublishRefusalTests {
    func workspace(_ name: String, _ crates: [String: String]) throws -> TestEnvironment {
        let env = try TestEnvironment(name)
        for (crate, deps) in crates {
            let repo = try env.makeRepository("projects/\(crate)")
            try env.write("forges = [\"github\"]\norg = \"alice\"\n", to: "projects/\(crate)/.hyperforge/config.toml")
            try env.write("[package]\nname = \"\(crate)\"\nversion = \"0.1.0\"\n\n[dependencies]\n\(deps)", to: "projects/\(crate)/Cargo.toml")
            try env.gitOK("add", "-A", in: repo)
            try env.gitOK("commit", "-q", "-m", "crate", in: repo)
        }
        return env
    }

    @Test func aCycleIsRefusedWithItsPath() throws {
        let env = try workspace("wspub-cycle", ["a": "b = \"0.1.0\"\n", "b": "c = { version = \"0.1\" }\n", "c": "a = \"0.1.0\"\n", "d": ""])
        let before = try TestEnvironment.snapshot(env.root + "/projects")
        for extra in [[], ["--dry-run"]] {
            let r = try env.run("git", ["hforge", "workspace", "publish", "--bump", "patch", "--no-push"] + extra, in: env.root + "/projects")
            #expect(r.code == 3, "\(r)")
            #expect(r.stderr.contains("in a cycle: a -> b -> c -> a"), "\(r)")
        }
        #expect(try TestEnvironment.snapshot(env.root + "/projects") == before)
    }

    @Test func aRequirementThatCannotBeRewrittenIsRefusedBeforeAnythingChanges() throws {
        let env = try workspace("wspub-range", ["a": "b = \">=0.1, <0.2\"\n", "b": ""])
        let before = try TestEnvironment.snapshot(env.root + "/projects")
        let r = try env.run("git", ["hforge", "workspace", "publish", "--bump", "minor", "--no-push"], in: env.root + "/projects")
        #expect(r.code == 3, "\(r)")
        #expect(r.stderr.contains("a/Cargo.toml:6") && r.stderr.contains("'>=0.1, <0.2' on b"), "\(r)")
        #expect(try TestEnvironment.snapshot(env.root + "/projects") == before)
    }

    /// The journal records every kind of a directory released together
    /// (`kinds`); a journal written before that (only `kind`) is still read,
    /// its one kind standing for all; `kinds` not led by `kind` is refused.
    @Test func theJournalsKindsAndOlderJournalsWithoutThem() throws {
        let env = try workspace("wspub-kinds", ["a": ""])
        let workspace = FilePaths.real(env.root + "/projects")!
        let path = WorkspacePublishJournal.path(workspace: workspace, context: env.context(in: workspace))
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        func write(_ kinds: String) throws {
            try """
            {"format":1,"workspace":"\(workspace)","bump":"patch","no_push":true,"packages":[{"repository":"a","directory":".",
             "name":"a","kind":"cargo",\(kinds)"previous_version":"0.1.0","version":"0.1.1","tag":"v0.1.1","requirements":{},"state":"pending",
             "journal":".git/hforge/publish.json","already_on_registry":false}]}
            """.write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o600)
        }
        try write("")
        #expect(try WorkspacePublishJournal.load(path, workspace: workspace)?.packages.map(\.allKinds) == [["cargo"]])
        try write("\"kinds\":[\"cargo\",\"pypi\"],")
        var journal = try #require(try WorkspacePublishJournal.load(path, workspace: workspace))
        #expect(journal.packages.map(\.allKinds) == [["cargo", "pypi"]])
        // Saved again, the kinds stay.
        journal.packages[0].state = "started"
        try journal.save(path)
        #expect(try WorkspacePublishJournal.load(path, workspace: workspace)?.packages.map(\.allKinds) == [["cargo", "pypi"]])
        try write("\"kinds\":[\"pypi\",\"cargo\"],")
        #expect(throws: WorkspacePublishError.self) { try WorkspacePublishJournal.load(path, workspace: workspace) }
    }

    @Test func aHostileWorkspaceJournalIsRefused() throws {
        let env = try workspace("wspub-hostile", ["a": ""])
        try FileManager.default.createDirectory(atPath: env.root + "/outside", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: env.root + "/projects/link", withDestinationPath: env.root + "/outside")
        let workspace = FilePaths.real(env.root + "/projects")!
        let path = WorkspacePublishJournal.path(workspace: workspace, context: env.context(in: workspace))
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        func journal(repository: String = "a", directory: String = ".", journal: String = ".git/hforge/publish.json", at: String = workspace) -> String {
            """
            {"format":1,"workspace":"\(at)","bump":"patch","no_push":true,"packages":[{"repository":"\(repository)","directory":"\(directory)",
             "name":"a","kind":"cargo","previous_version":"0.1.0","version":"0.1.1","tag":"v0.1.1","requirements":{},"state":"started",
             "journal":"\(journal)","already_on_registry":false}]}
            """
        }
        let cases: [(String, String, String)] = [
            (journal(repository: "../outside"), "packages[0].repository", "not a normalised relative path"),
            (journal(repository: "/etc"), "packages[0].repository", "absolute path"),
            (journal(repository: "link"), "packages[0].repository", "symbolic link"),
            (journal(directory: "../../outside"), "packages[0].directory", "not a normalised"),
            (journal(journal: "../../outside/publish.json"), "packages[0].journal", "not a normalised"),
            (journal(at: "/elsewhere"), "workspace", "names /elsewhere"),
        ]
        let before = try TestEnvironment.snapshot(env.root + "/projects")
        for (text, entry, words) in cases {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o600)
            for mode in ["--resume", "--abort"] {
                let r = try env.run("git", ["hforge", "workspace", "publish", mode], in: env.root + "/projects")
                #expect(r.code == 2 && r.stderr.contains("its entry \(entry)") && r.stderr.contains(words), "\(mode) \(entry): \(r)")
            }
        }
        // Readable by others, or a symbolic link in its place: refused too.
        try journal().write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o644)
        let open = try env.run("git", ["hforge", "workspace", "publish", "--resume"], in: env.root + "/projects")
        #expect(open.code == 2 && open.stderr.contains("not yours alone"), "\(open)")
        try journal().write(toFile: env.root + "/outside/j.json", atomically: true, encoding: .utf8)
        chmod(env.root + "/outside/j.json", 0o600)
        unlink(path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: env.root + "/outside/j.json")
        let link = try env.run("git", ["hforge", "workspace", "publish", "--resume"], in: env.root + "/projects")
        #expect(link.code == 2 && link.stderr.contains("is a symbolic link"), "\(link)")
        #expect(try TestEnvironment.snapshot(env.root + "/projects") == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: env.root + "/outside") == ["j.json"])
    }
}

/// A repository holding a Cargo workspace: each member crate is a package,
/// a member's `workspace = true` requirement is rewritten in the root's
/// [workspace.dependencies], and each release has its NAME-vX.Y.Z tag.
@Suite(.enabled(if: CargoRegistryStandIn.available, "needs python3 and cargo"))
struct WorkspacePublishCargoWorkspaceTests {
    @Test func eachMemberCrateIsReleasedInOrder() throws {
        let env = try TestEnvironment("wspub-cargo-ws")
        let registry = try CargoRegistryStandIn(in: env, tokens: [WorkspacePublishTests.token])
        try registry.configure(env)
        let repo = try env.makeRepository("projects/tools")
        try env.write("forges = [\"github\"]\norg = \"alice\"\n\n[publish]\nbuild = [\"true\"]\ntest = [\"true\"]\n", to: "projects/tools/.hyperforge/config.toml")
        let root = """
        [workspace]
        members = ["crates/*"]
        resolver = "2"

        [workspace.dependencies]
        wscore = { version = "0.1.0", path = "crates/wscore", registry = "local" }  # the member

        """
        try env.write(root, to: "projects/tools/Cargo.toml")
        for (name, deps) in [("wscli", "wscore.workspace = true\n"), ("wscore", "")] {
            try env.write("[package]\nname = \"\(name)\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = [\"local\"]\ndescription = \"\(name)\"\nlicense = \"MIT\"\n\n[dependencies]\n\(deps)",
                          to: "projects/tools/crates/\(name)/Cargo.toml")
            try env.write("pub fn f() {}\n", to: "projects/tools/crates/\(name)/src/lib.rs")
            #expect(try env.run("git", ["scope", "set", "cargo/alice/\(name)/token"], input: WorkspacePublishTests.token).code == 0)
        }
        try env.write("/target\nCargo.lock\n", to: "projects/tools/.gitignore")
        try env.gitOK("add", "-A", in: repo)
        try env.gitOK("commit", "-q", "-m", "the crates", in: repo)
        let r = try env.run("git", ["hforge", "workspace", "publish", "--bump", "minor", "--no-push"], in: env.root + "/projects")
        #expect(r.code == 0, "\(r)")
        #expect(registry.versions(of: "wscore") == ["0.2.0"] && registry.versions(of: "wscli") == ["0.2.0"])
        #expect(try env.gitOK("log", "--format=%s", "-2", in: repo) == "release: wscli 0.2.0\nrelease: wscore 0.2.0\n")
        #expect(try env.gitOK("cat-file", "-t", "wscore-v0.2.0", in: repo) == "tag\n" && env.gitOK("cat-file", "-t", "wscli-v0.2.0", in: repo) == "tag\n")
        #expect(try env.gitOK("show", "--format=", "--name-only", "HEAD", in: repo) == "Cargo.toml\ncrates/wscli/Cargo.toml\n", "the requirement is rewritten in the root, in wscli's commit")
        #expect(try String(contentsOfFile: repo + "/Cargo.toml", encoding: .utf8) == root.replacingOccurrences(of: "\"0.1.0\"", with: "\"0.2.0\""))
        #expect(try env.gitOK("status", "--porcelain", in: repo) == "")
    }
}
