import ArgumentParser
import HyperforgeCore

@main
struct GitCredentialHforge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "git-credential-hforge",
        abstract: "git's credential helper: answers with the token of the right scope.",
        discussion: "Not yet available in this version. Until it is, 'get' answers nothing, so git goes on to its next helper or prompt.",
        version: HyperforgeVersion.current
    )

    @Argument(help: "The operation git asks for: get, store or erase.")
    var operation: String?

    func run() throws {
        // Answering nothing is a valid reply to git: it moves on to the next helper.
        Context.process().output.stderr.line("git-credential-hforge: not yet available in hyperforge \(HyperforgeVersion.current)")
    }
}
