import HyperforgeCore
import HyperforgeRealm
import Testing

@Suite struct SemverTests {
    func v(_ s: String) throws -> SemanticVersion { try SemanticVersion(parsing: s) }
    func req(_ s: String) throws -> VersionRequirement { try VersionRequirement(parsing: s) }

    @Test func parsesAndPrints() throws {
        let x = try v("1.4.0-rc.1+build.7")
        #expect(x.major == 1 && x.minor == 4 && x.patch == 0)
        #expect(x.prerelease.identifiers == [.alphanumeric("rc"), .numeric(1)])
        #expect(x.build == ["build", "7"])
        #expect(x.description == "1.4.0-rc.1+build.7")
    }

    @Test(arguments: ["", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "v1.2.3", " 1.2.3", "1.2.3-", "1.2.3-a..b",
                      "1.2.3-01", "1.2.3+", "1.2.3+a_b", "1.2.3-é", "-1.2.3", "1.2.x", "99999999999999999999.0.0"])
    func rejectsInvalidVersions(text: String) {
        let e = #expect(throws: SemverError.self) { try SemanticVersion(parsing: text) }
        #expect(e?.description.contains("\"\(text)\"") == true)
    }

    /// semver.org §11's precedence example, and build metadata ignored.
    @Test func precedence() throws {
        let ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                       "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"]
        let versions = try ordered.map(v)
        for i in 0..<(versions.count - 1) { #expect(versions[i] < versions[i + 1], "\(ordered[i]) < \(ordered[i + 1])") }
        #expect(try v("1.0.0+a") == v("1.0.0+b"))
        #expect(try !(v("1.0.0+a") < v("1.0.0+b")))
    }

    /// Cargo's documented requirement semantics ("Specifying Dependencies").
    @Test(arguments: [
        // caret, the default
        ("1.2.3", ["1.2.3", "1.2.4", "1.9.0"], ["1.2.2", "2.0.0", "1.2.4-beta"]),
        ("^1.2.3", ["1.2.3", "1.99.99"], ["2.0.0", "1.2.2"]),
        ("^1.2", ["1.2.0", "1.9.9"], ["1.1.9", "2.0.0"]),
        ("^1", ["1.0.0", "1.99.0"], ["0.9.9", "2.0.0"]),
        ("^0.2.3", ["0.2.3", "0.2.9"], ["0.3.0", "0.2.2"]),
        ("^0.2", ["0.2.0", "0.2.99"], ["0.3.0", "0.1.9"]),
        ("^0.0.3", ["0.0.3"], ["0.0.4", "0.0.2"]),
        ("^0.0", ["0.0.0", "0.0.9"], ["0.1.0"]),
        ("^0", ["0.0.0", "0.9.9"], ["1.0.0"]),
        // tilde
        ("~1.2.3", ["1.2.3", "1.2.9"], ["1.3.0", "1.2.2"]),
        ("~1.2", ["1.2.0", "1.2.9"], ["1.3.0"]),
        ("~1", ["1.0.0", "1.9.9"], ["2.0.0"]),
        // wildcards
        ("*", ["0.0.0", "9.9.9"], ["1.0.0-alpha"]),
        ("1.*", ["1.0.0", "1.9.9"], ["2.0.0", "0.9.9"]),
        ("1.2.*", ["1.2.0", "1.2.9"], ["1.3.0"]),
        ("=1.2.*", ["1.2.5"], ["1.3.0"]),
        // comparisons, with partial versions
        (">= 1.2.0", ["1.2.0", "5.0.0"], ["1.1.9"]),
        ("> 1", ["2.0.0"], ["1.9.9", "1.0.0"]),
        ("> 1.2", ["1.3.0"], ["1.2.9"]),
        ("< 2", ["1.9.9"], ["2.0.0", "2.0.1"]),
        ("<= 1.2", ["1.2.9", "1.0.0"], ["1.3.0"]),
        ("= 1.2.3", ["1.2.3", "1.2.3+build"], ["1.2.4"]),
        ("=1.2", ["1.2.0", "1.2.7"], ["1.3.0"]),
        // the RFC's import range
        (">=1.0.0, <2.0.0", ["1.0.0", "1.4.0", "1.99.0"], ["0.9.0", "2.0.0", "1.5.0-rc.1"]),
        (">= 1.2, < 1.5", ["1.2.0", "1.4.9"], ["1.5.0", "1.1.0"]),
        // pre-releases match only when a comparator names the same version with a pre-release
        (">=1.2.3-alpha.1", ["1.2.3-alpha.1", "1.2.3-alpha.2", "1.2.3", "1.3.0"], ["1.2.4-alpha.1", "1.2.3-alpha.0"]),
        ("^1.2.3-beta", ["1.2.3-beta", "1.2.3-rc.1", "1.2.3", "1.9.0"], ["1.2.4-beta", "2.0.0"]),
        ("~1.2.3-beta.2", ["1.2.3-beta.2", "1.2.3-beta.10", "1.2.5"], ["1.2.3-beta.1", "1.3.0"]),
        ("<1.2.3-rc.1", ["1.2.3-beta", "1.2.2"], ["1.2.3-rc.1", "1.2.3"]),
    ])
    func cargoSemantics(requirement: String, accepted: [String], rejected: [String]) throws {
        let r = try req(requirement)
        for a in accepted { #expect(r.matches(try v(a)), "\(requirement) should match \(a)") }
        for x in rejected { #expect(!r.matches(try v(x)), "\(requirement) should not match \(x)") }
    }

    @Test(arguments: ["", ",", ">=1.0.0,", "1.2.3.4", ">=1.*", "~1.*", "*.1", "1.*.3", "1.2-beta", ">=a.b.c", "01.2", ">==1.0.0", "1.0.0 2.0.0"])
    func rejectsInvalidRequirements(text: String) {
        let e = #expect(throws: SemverError.self) { try VersionRequirement(parsing: text) }
        #expect(e?.description.contains("\"\(text)\"") == true)
    }
}
