import Foundation
@testable import HyperforgeHforge
import HyperforgeCore
import Testing

/// `workspace publish`'s reading and rewriting of requirements (Cargo and
/// PEP 508), byte for byte, and the confinement of the paths a journal names.
@Suite struct WorkspacePublishRequirementTests {
    /// A directory holding `files` (PublishBumpTests' own helper).
    func directory(_ files: [String: String]) throws -> String { try PublishBumpTests().crate(files) }

    @Test func cargoRequirementsInEveryFormAreRewrittenAndNothingElse() throws {
        let manifest = """
        [package]
        name = "app"
        version = "1.0.0"

        [dependencies]
        bee = "0.1.0"                              # plain
        sea = { version = "^0.1", path = "../sea" } # caret, two components
        renamed = { package = "dee", version = "~0.1.2", registry = "local" }
        serde = "1.0"
        eff.version = "=0.1.0"

        [dev-dependencies]
        gee = { path = "../gee" }                  # no version: does not order the publish

        [build-dependencies.aitch]
        version = "0.1"

        [target.'cfg(unix)'.dependencies]
        eye = "0.*"

        """
        let dir = try directory(["Cargo.toml": manifest])
        let package = try CargoPackage.load(directory: dir)
        let requirements = try package.requirements()
        #expect(requirements.map(\.package) == ["bee", "sea", "dee", "serde", "eff", "gee", "aitch", "eye"])
        #expect(requirements.first { $0.package == "gee" }?.ordersPublish == false)
        #expect(requirements.first { $0.package == "gee" }?.span == nil)
        #expect(requirements.first { $0.package == "sea" }?.line == 7)
        let v = ReleaseVersion("0.2.0")!
        let names = ["bee", "sea", "dee", "eff", "gee", "aitch", "eye"]
        let versions = Dictionary(uniqueKeysWithValues: names.map { (PackageKind.key(kind: "cargo", name: $0), v) })
        let (edits, rewritten) = try PackageKind.requirementEdits(of: package, to: versions, over: try package.bumpEdits(to: ReleaseVersion("1.0.1")!))
        #expect(rewritten.map(\.after) == ["0.2.0", "^0.2", "~0.2.0", "=0.2.0", "0.2"], "0.* allows 0.2.0 as written")
        #expect(edits.count == 1)
        let expected = manifest.replacingOccurrences(of: "version = \"1.0.0\"", with: "version = \"1.0.1\"")
            .replacingOccurrences(of: "bee = \"0.1.0\"", with: "bee = \"0.2.0\"")
            .replacingOccurrences(of: "\"^0.1\"", with: "\"^0.2\"")
            .replacingOccurrences(of: "\"~0.1.2\"", with: "\"~0.2.0\"")
            .replacingOccurrences(of: "\"=0.1.0\"", with: "\"=0.2.0\"")
            .replacingOccurrences(of: "version = \"0.1\"\n", with: "version = \"0.2\"\n")
        #expect(String(decoding: edits[0].after, as: UTF8.self) == expected)
    }

    @Test func cargoRewritesAsCargoReleaseDoes() throws {
        let package = try CargoPackage.load(directory: try directory(["Cargo.toml": "[package]\nname = \"a\"\nversion = \"0.1.0\"\n"]))
        func rewrite(_ text: String, _ version: String) throws -> String? {
            try package.rewrittenRequirement(PackageRequirement(package: "b", file: "Cargo.toml", line: 1, span: 0..<1, text: text), to: ReleaseVersion(version)!)
        }
        #expect(try rewrite("^1.2", "1.3.0") == "^1.3")
        #expect(try rewrite("1.2.3", "1.3.0") == "1.3.0")
        #expect(try rewrite("~1.2", "2.0.0") == "~2.0")
        #expect(try rewrite("=1.2.3", "1.2.4") == "=1.2.4")
        #expect(try rewrite("1", "2.0.0") == "2")
        #expect(try rewrite("0.1", "0.1.1") == nil, "as written it allows 0.1.1 already")
        #expect(try rewrite("*", "5.0.0") == nil)
        #expect(try rewrite("1.2.3", "1.3.0-rc.1") == "1.3.0-rc.1")
        #expect(throws: WorkspacePublishError.self) { try rewrite(">=1.2, <2", "2.0.0") }
    }

    @Test func pep508RequirementsAreReadAndRewritten() throws {
        let pyproject = """
        [project]
        name = "app"
        version = "1.0.0"
        dependencies = [
            "Bee_Lib>=0.1.0",   # name spelt differently
            'sea ~= 0.1',
            "dee[extra] ==0.1.0 ; python_version >= '3.8'",
            "requests",
            "eff @ https://example.invalid/eff.whl",
        ]

        """
        let dir = try directory(["pyproject.toml": pyproject])
        let package = try PythonPackage.load(directory: dir)
        let requirements = try package.requirements()
        #expect(requirements.map(\.package) == ["Bee_Lib", "sea", "dee", "requests", "eff"])
        #expect(requirements.map(\.text) == [">=0.1.0", "~= 0.1", "==0.1.0", "", ""])
        #expect(requirements.map(\.line) == [5, 6, 7, 8, 9])
        let v = ReleaseVersion("0.2.0")!
        let versions = Dictionary(uniqueKeysWithValues: ["bee-lib", "sea", "dee", "eff"].map { (PackageKind.key(kind: "pypi", name: $0), v) })
        let (edits, _) = try PackageKind.requirementEdits(of: package, to: versions, over: [])
        #expect(String(decoding: edits[0].after, as: UTF8.self) == pyproject
            .replacingOccurrences(of: ">=0.1.0", with: ">=0.2.0").replacingOccurrences(of: "~= 0.1", with: "~= 0.2")
            .replacingOccurrences(of: "==0.1.0 ;", with: "==0.2.0 ;"))
        func rewrite(_ text: String) throws -> String? {
            try package.rewrittenRequirement(PackageRequirement(package: "b", file: "pyproject.toml", line: 1, span: 0..<1, text: text), to: v)
        }
        #expect(throws: WorkspacePublishError.self) { try rewrite(">=0.1,<0.2") }
        #expect(throws: WorkspacePublishError.self) { try rewrite("<0.2") }
        #expect(throws: WorkspacePublishError.self) { try rewrite("==0.1.*") }
    }

    @Test func journalPathsAreConfined() throws {
        let root = try directory(["inside/file": "x", "outside/file": "y"])
        try FileManager.default.createSymbolicLink(atPath: root + "/inside/link", withDestinationPath: root + "/outside")
        let inner = root + "/inside"
        #expect(JournalConfinement.problem("file", in: inner) == nil)
        #expect(JournalConfinement.problem("new/Cargo.lock", in: inner) == nil)
        #expect(JournalConfinement.problem(".", in: inner) == nil)
        #expect(JournalConfinement.problem("../outside/file", in: inner) != nil)
        #expect(JournalConfinement.problem("/etc/passwd", in: inner) != nil)
        #expect(JournalConfinement.problem("a/./b", in: inner) != nil)
        #expect(JournalConfinement.problem("a//b", in: inner) != nil)
        #expect(JournalConfinement.problem("link/file", in: inner)?.contains("symbolic link") == true)
        #expect(JournalConfinement.problem("link", in: inner)?.contains("symbolic link") == true)
        #expect(JournalConfinement.refNameProblem("--upload-pack=x") != nil)
        #expect(JournalConfinement.refNameProblem("v1.2.3") == nil)
    }

    /// The hand-edited journal of the report: --abort (and --resume) refuse it, and write nothing outside.
    @Test func aHostileJournalIsRefusedAndWritesNothing() throws {
        let env = try TestEnvironment("hostile-journal")
        let repo = try env.makeRepository("projects/tool")
        try env.write("[package]\nname = \"tool\"\nversion = \"0.1.0\"\n", to: "projects/tool/Cargo.toml")
        try env.gitOK("add", "-A", in: repo)
        try env.gitOK("commit", "-q", "-m", "crate", in: repo)
        try FileManager.default.createDirectory(atPath: env.root + "/projects/elsewhere", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: repo + "/link", withDestinationPath: env.root + "/projects/elsewhere")
        let outside = Data("pwned\n".utf8).base64EncodedString()
        func journal(_ path: String, directory: String = ".", tag: String = "v0.1.1") -> String {
            """
            {"format":1,"kind":"cargo","package":"tool","previous_version":"0.1.0","version":"0.1.1","directory":"\(directory)",
             "registry":"local","branch":"main","start_commit":"0000","tag":"\(tag)","message":"release","push":false,"forges":[],
             "build":[],"test":[],"files":[{"path":"\(path)","before":"\(outside)","after":"\(outside)"}],
             "state":{"bump":"done","build":"done","test":"done"},"pushed":[],"already_on_registry":false}
            """
        }
        let cases: [(String, String, String, String)] = [
            (journal("../OUTSIDE.txt"), "files[0].path", "not a normalised relative path", env.root + "/projects/OUTSIDE.txt"),
            (journal("/tmp/hforge-outside-\(UUID().uuidString.prefix(6))"), "files[0].path", "absolute path", ""),
            (journal("link/OUTSIDE.txt"), "files[0].path", "symbolic link", env.root + "/projects/elsewhere/OUTSIDE.txt"),
            (journal("Cargo.toml", directory: "../elsewhere"), "directory", "not a normalised", ""),
            (journal("Cargo.toml", tag: "--upload-pack=touch x"), "tag", "not a ref name", ""),
        ]
        let before = try TestEnvironment.snapshot(repo)
        for (text, entry, words, target) in cases {
            try FileManager.default.createDirectory(atPath: repo + "/.git/hforge", withIntermediateDirectories: true)
            try text.write(toFile: repo + "/.git/hforge/publish.json", atomically: true, encoding: .utf8)
            for mode in ["--abort", "--resume"] {
                let r = try env.git("hforge", "publish", mode, "--no-push", in: repo)
                #expect(r.code == 2, "\(mode) \(entry): \(r)")
                #expect(r.stderr.contains("its entry \(entry)") && r.stderr.contains(words), "\(r)")
                #expect(r.stderr.contains("hint:"), "\(r)")
                if !target.isEmpty { #expect(!FileManager.default.fileExists(atPath: target)) }
            }
            #expect(try TestEnvironment.snapshot(repo).filter { !$0.key.hasPrefix(".git/hforge") } == before.filter { !$0.key.hasPrefix(".git/hforge") })
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: env.root + "/projects/elsewhere").isEmpty)
    }
}
