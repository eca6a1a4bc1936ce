import Foundation
import Testing

/// The repository a publish test releases from: `projects/NAME`, initialised
/// for the two sshd forges (each with its own key), with bare `alice/NAME.git`
/// on both.
struct PublishRepository {
    let repo: String
    let bareA: String
    let bareB: String

    init(_ name: String, env: TestEnvironment, server: SSHServer, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        bareA = try server.createRepository("alice/\(name).git", on: server.forgeA, env: env)
        bareB = try server.createRepository("alice/\(name).git", on: server.forgeB, env: env)
        try env.write("org = \"alice\"\n\n" + server.customForgesTOML, to: "projects/.hyperforge/defaults.toml")
        try env.gitOK("config", "--file", env.environment["GIT_CONFIG_GLOBAL"]!, "hforge.sshProgram", "ssh -F \(server.clientConfig)", in: env.root)
        repo = try env.makeRepository("projects/\(name)")
        let r = try env.git("hforge", "init", "--forges", "forgea,forgeb", "--ssh", "forgea=\(server.forgeA.privateKey)", "--ssh", "forgeb=\(server.forgeB.privateKey)", in: repo)
        #expect(r.code == 0, "\(r)", sourceLocation: sourceLocation)
    }

    /// Appends `[publish]` and `table` to the committed .hyperforge/config.toml.
    func addPublishTable(_ table: String) throws {
        let config = try String(contentsOfFile: repo + "/.hyperforge/config.toml", encoding: .utf8)
        try (config + "\n[publish]\n" + table + "\n").write(toFile: repo + "/.hyperforge/config.toml", atomically: true, encoding: .utf8)
    }

    /// Commits everything and stores `token` in `scope`.
    func commit(_ message: String, storing token: String, in scope: String, env: TestEnvironment, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        try env.gitOK("add", "-A", in: repo)
        try env.gitOK("commit", "-q", "-m", message, in: repo)
        #expect(try env.run("git", ["scope", "set", scope], input: token).code == 0, sourceLocation: sourceLocation)
    }
}
