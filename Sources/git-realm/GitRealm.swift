import ArgumentParser
import HyperforgeCore

@main
struct GitRealm: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "git-realm",
        abstract: "Coordinate repositories that depend on each other through versioned contracts.",
        discussion: "Not yet available in this version: the realm commands (status, sync, check, worktree, pr, admin) are being built.",
        version: HyperforgeVersion.current
    )

    func run() throws {
        Context.process().output.stderr.line("git realm: not yet available in hyperforge \(HyperforgeVersion.current)")
        throw ExitCode(ExitStatus.failure.rawValue)
    }
}
