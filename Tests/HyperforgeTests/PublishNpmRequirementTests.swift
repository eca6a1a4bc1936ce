import Foundation
@testable import HyperforgeHforge
import HyperforgeCore
import Testing

/// npm's side of `workspace publish` (package.json's four dependency
/// sections, rewritten byte for byte) and Swift's (none), and the JSON
/// span scanner the npm bump uses.
@Suite struct PublishNpmRequirementTests {
    /// A directory holding `files` (PublishBumpTests' own helper).
    func directory(_ files: [String: String]) throws -> String { try PublishBumpTests().crate(files) }

    @Test func npmRequirementsInEverySectionAreRewrittenAndNothingElse() throws {
        let manifest = """
        {"name": "app", "version": "1.0.0",
          "dependencies": { "bee": "^0.1.0", "sea": "~0.1", "left-pad": "^1.3.0", "local": "file:../local", "tagged": "latest" },
          "devDependencies": {"dee":"0.1.0"},
          "peerDependencies": { "@acme/eff": "0.x" },
          "optionalDependencies": { "gee": "=0.1.0" },
          "scripts": { "bee": "^0.1.0" }
        }
        """
        let dir = try directory(["package.json": manifest])
        let package = try NpmPackage.load(directory: dir)
        let requirements = try package.requirements()
        #expect(requirements.map(\.package) == ["bee", "sea", "left-pad", "local", "tagged", "dee", "@acme/eff", "gee"])
        #expect(requirements.first { $0.package == "local" }?.span == nil && requirements.first { $0.package == "tagged" }?.span == nil)
        #expect(requirements.first { $0.package == "dee" }?.line == 3)
        let v = ReleaseVersion("0.2.0")!
        let versions = Dictionary(uniqueKeysWithValues: ["bee", "sea", "local", "tagged", "dee", "@acme/eff", "gee"].map { (PackageKind.key(kind: "npm", name: $0), v) })
        let (edits, rewritten) = try PackageKind.requirementEdits(of: package, to: versions, over: try package.bumpEdits(to: ReleaseVersion("1.0.1")!))
        #expect(rewritten.map(\.after) == ["^0.2.0", "~0.2", "0.2.0", "=0.2.0"], "0.x allows 0.2.0 as written")
        #expect(edits.count == 1)
        let expected = manifest.replacingOccurrences(of: "\"version\": \"1.0.0\"", with: "\"version\": \"1.0.1\"")
            .replacingOccurrences(of: "\"bee\": \"^0.1.0\", \"sea\": \"~0.1\"", with: "\"bee\": \"^0.2.0\", \"sea\": \"~0.2\"")
            .replacingOccurrences(of: "{\"dee\":\"0.1.0\"}", with: "{\"dee\":\"0.2.0\"}")
            .replacingOccurrences(of: "\"=0.1.0\"", with: "\"=0.2.0\"")
        #expect(String(decoding: edits[0].after, as: UTF8.self) == expected, "scripts.bee is not a requirement")
    }

    /// An alias ("x": "npm:wa@^0.1.0") is a requirement on the real package
    /// wa, whatever its key: it orders the publish and its range is rewritten in place.
    @Test func anAliasIsARequirementOnTheRealPackage() throws {
        let manifest = "{\"name\": \"wb\", \"version\": \"0.1.0\", \"dependencies\": {\"x\": \"npm:wa@^0.1.0\", \"y\": \"npm:@acme/wc@~0.1\", \"z\": \"npm:wd\"}}"
        let package = try NpmPackage.load(directory: try directory(["package.json": manifest]))
        let requirements = try package.requirements()
        #expect(requirements.map(\.package) == ["wa", "@acme/wc", "wd"])
        #expect(requirements.map(\.text) == ["^0.1.0", "~0.1", ""])
        let v = ReleaseVersion("0.2.0")!
        let versions = Dictionary(uniqueKeysWithValues: ["wa", "@acme/wc", "wd"].map { (PackageKind.key(kind: "npm", name: $0), v) })
        let (edits, _) = try PackageKind.requirementEdits(of: package, to: versions, over: try package.bumpEdits(to: ReleaseVersion("0.2.0")!))
        #expect(String(decoding: edits[0].after, as: UTF8.self) == manifest.replacingOccurrences(of: "\"version\": \"0.1.0\"", with: "\"version\": \"0.2.0\"")
            .replacingOccurrences(of: "npm:wa@^0.1.0", with: "npm:wa@^0.2.0").replacingOccurrences(of: "npm:@acme/wc@~0.1", with: "npm:@acme/wc@~0.2"))
    }

    @Test func npmRewritesOneComparatorAndRefusesRanges() throws {
        let package = try NpmPackage.load(directory: try directory(["package.json": "{\"name\": \"a\", \"version\": \"0.1.0\"}"]))
        func rewrite(_ text: String, _ version: String) throws -> String? {
            try package.rewrittenRequirement(PackageRequirement(package: "b", file: "package.json", line: 1, span: 0..<1, text: text), to: ReleaseVersion(version)!)
        }
        #expect(try rewrite("^1.2.3", "1.3.0") == "^1.3.0")
        #expect(try rewrite("~1.2", "2.0.0") == "~2.0")
        #expect(try rewrite("1.x", "2.0.0") == "2.x")
        #expect(try rewrite("1.2.3", "1.3.0-rc.1") == "1.3.0-rc.1")
        #expect(try rewrite("^0.1", "0.1.1") == nil)
        #expect(try rewrite("*", "5.0.0") == nil)
        #expect(throws: WorkspacePublishError.self) { try rewrite(">=1.2.0 <2", "2.0.0") }
        #expect(throws: WorkspacePublishError.self) { try rewrite("^1 || ^2", "3.0.0") }
        #expect(throws: WorkspacePublishError.self) { try rewrite(">1.0.0", "2.0.0") }
    }

    @Test func swiftPackagesHaveNoRequirementsToRewrite() throws {
        let dir = try directory(["Package.swift": "// swift-tools-version:5.9\nimport PackageDescription\nlet package = Package(\n    name: \"Tiny\",\n    dependencies: [.package(url: \"https://example.invalid/b.git\", from: \"0.1.0\")]\n)\n"])
        let package = try SwiftPackage.load(directory: dir, tags: ["v1.2.3", "1.10.0", "v2.0.0-beta.1", "junk"])
        #expect(package.name == "Tiny" && package.version.description == "2.0.0-beta.1" && package.currentTag == "v2.0.0-beta.1")
        #expect(try package.requirements().isEmpty)
        #expect(try package.bumpEdits(to: ReleaseVersion("2.0.0")!).isEmpty)
    }

    @Test func theSpanScannerFindsValuesWhereTheyAreWritten() throws {
        let text = "{\n \"a\\\"b\": [1, {\"version\": \"x\"}],\n  \"version\"  :\t\"1.2.3\" ,\n \"packages\": {\"\": {\"version\": \"1.2.3\"}, \"n\": null}\n}"
        let spans = try JSONSpans(Array(text.utf8), file: "t.json")
        let top = spans.values(at: ["version"])
        #expect(top.count == 1 && spans.text(top[0].stringContent!) == "1.2.3" && top[0].line == 3)
        let root = spans.values(at: ["packages", "", "version"])
        #expect(root.count == 1 && root[0].line == 4)
        #expect(spans.values(at: ["a\"b"]).count == 1, "an escaped key is decoded")
        #expect(spans.values(at: ["a\"b", "[]", "version"]).count == 1)
        #expect(throws: JSONSyntaxError.self) { try JSONSpans(Array("{\"version\": \"1\",}".utf8), file: "bad.json") }
    }
}
