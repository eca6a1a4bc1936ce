import ArgumentParser
import CLISupport
import HyperforgeCore
import HyperforgeHforge

extension GitHforge {
    /// `git hforge status [--json] [--exit-code] [--path DIR]` answered from
    /// the status cache without the argument parser (its start-up is most of
    /// a warm status); nil for anything else, which then goes through it.
    public static func fastStatus(_ arguments: [String]) -> Int32? {
        guard arguments.first == "status" else { return nil }
        var options = Hforge.StatusOptions()
        var rest = arguments.dropFirst()
        while let word = rest.popFirst() {
            switch word {
            case "--json": options.json = true
            case "--exit-code": options.exitCode = true
            case "--path":
                guard let dir = rest.popFirst(), !dir.hasPrefix("-") else { return nil }
                options.path = dir
            case _ where word.hasPrefix("--path=") && word.count > 7: options.path = String(word.dropFirst(7))
            default: return nil
            }
        }
        return Hforge.cachedStatus(options, context: Context.process()).map { $0.rawValue }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare git with the config, remote by remote.",
            discussion: """
            For each forge: in-sync, missing, wrong-url or wrong-key, and how far the current \
            branch is ahead of / behind the forge's last-fetched branch; remotes not in the \
            config are listed as extra. Nothing is fetched.
            """ + "\n\n" + JSONHelp.hforgeStatus
        )
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Print the report as JSON.")
        var json = false
        @Flag(help: "Exit with status 5 when git differs from the config.")
        var exitCode = false
        @Flag(help: ArgumentHelp("Also ask each forge whether the repository exists and its visibility matches the config.",
                                  discussion: "One conditional GET per forge through its REST API (a 304 answers from the ETag cache under $XDG_STATE_HOME/hyperforge/forge-api), with the repository's scope git/FORGE/ORG/repo/NAME/token. A forge only committed config declares is not asked (and gets no token). A missing repository or a visibility that differs counts as a difference for --exit-code."))
        var remote = false

        func run() async throws {
            var options = Hforge.StatusOptions()
            options.path = repository.path
            options.json = json
            options.exitCode = exitCode
            options.remote = remote
            try await execute(.hforge, json: options.json) { options.remote ? try await Hforge.statusAskingForges(options, context: $0) : try Hforge.status(options, context: $0) }
        }
    }
}
