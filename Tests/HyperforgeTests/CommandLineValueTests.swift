import Foundation
import Testing

/// Option values the argument parser checks: comma lists and closed sets.
@Suite struct CommandLineValueTests {
    /// An empty item or a trailing comma is a usage error naming the flag,
    /// for --forges as for --repos (the two parsers used to disagree).
    @Test func commaListsRefuseEmptyItems() throws {
        let env = try TestEnvironment("comma-lists")
        let repo = try env.makeRepository("my-tool")
        for value in ["github,", "github,,codeberg", ",github", ""] {
            let r = try env.git("hforge", "init", "--forges", value, "--org", "alice", "--dry-run", in: repo)
            #expect(r.code == 64 && r.stderr.contains("--forges takes a comma-separated list, e.g. github,codeberg"), "\(value): \(r)")
        }
        let ok = try env.git("hforge", "init", "--forges", "github, codeberg", "--org", "alice", "--dry-run", in: repo)
        #expect(ok.code == 0, "\(ok)")
        let repos = try env.git("realm", "admin", "domain", "create", "d", "--repos", "a,", "--dry-run", in: repo)
        #expect(repos.code == 64 && repos.stderr.contains("--repos takes a comma-separated list, e.g. aperture,fungal"), "\(repos)")
    }

    /// A value outside a closed set is refused by the parser (exit 64), naming the values.
    @Test func closedSetsNameTheirValues() throws {
        let env = try TestEnvironment("closed-sets")
        let repo = try env.makeRepository("my-tool")
        let cases: [([String], String)] = [
            (["hforge", "init", "--visibility", "secret"], "'public', 'private' or 'internal'"),
            (["hforge", "init", "--protocol", "git"], "'ssh' and 'https'"),
            (["realm", "admin", "init", "--name", "r", "--admission", "anyone"], "'open', 'approval' or 'invite-only'"),
            (["realm", "admin", "init", "--name", "r", "--trust-mode", "none"], "'collaborative', 'vendor-customer' or 'federation'"),
            (["realm", "check", "--mode", "all"], "'contract', 'compatibility', 'exporter' or 'importer'"),
            (["realm", "check", "--format", "xml"], "'text', 'json' or 'junit'"),
        ]
        for (args, values) in cases {
            let r = try env.run("git", args, in: repo)
            #expect(r.code == 64 && r.stderr.contains("is invalid for '--") && r.stderr.contains(values), "\(args): \(r)")
        }
        let help = try env.git("realm", "check", "--help", in: repo)
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("(values: contract, compatibility, exporter, importer)"), "\(help)")
    }
}
