import ArgumentParser
import HyperforgeCore

@main
struct GitScope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "git-scope",
        abstract: "Granular secret scopes: which provider holds a scope, lazy requests, approvals.",
        discussion: "Not yet available in this version: the scope commands (set, get, rm, list, which, providers, pending, approve, deny, grants, revoke) are being built.",
        version: HyperforgeVersion.current
    )

    func run() throws {
        Context.process().output.stderr.line("git scope: not yet available in hyperforge \(HyperforgeVersion.current)")
        throw ExitCode(ExitStatus.failure.rawValue)
    }
}
