import ArgumentParser
import Foundation
import HyperforgeCore

@main
struct GitCredentialHforge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "git-credential-hforge",
        abstract: "git's credential helper: answers with the token of the right scope.",
        discussion: """
        Not yet available in this version. Until it is, it answers every request with \
        nothing, which git's credential protocol allows: git goes on to its next helper \
        or prompt. 'git hforge init' configures it for the forges' https hosts.
        """,
        version: HyperforgeVersion.current
    )

    @Argument(help: "The operation git asks for: get, store or erase.")
    var operation: String?

    func run() throws {
        guard operation != nil else {
            Context.process().output.stderr.line("git-credential-hforge: not yet available in hyperforge \(HyperforgeVersion.current); git runs it as 'git credential-hforge get|store|erase'")
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        // Consume the request as the protocol expects, and answer nothing.
        _ = FileHandle.standardInput.readDataToEndOfFile()
    }
}
