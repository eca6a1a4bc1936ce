import ArgumentParser
import CLISupport
import HyperforgeCore
import HyperforgeHforge

extension GitHforge {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write .hyperforge/config.toml and set git up to match it.",
            discussion: """
            Values not given on the command line come from parent .hyperforge/defaults.toml \
            files. Creates one remote per forge (named after the forge), sets each forge's ssh \
            key (chosen by host through 'git-hforge ssh', no ~/.ssh/config edits), and \
            configures the 'hforge' credential helper for the forges' https hosts: only for \
            built-in forges and those your own files declare (auth.toml, an untracked \
            defaults.toml you own), never for one only committed config declares (the plan says so).
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Option(help: ArgumentHelp("Forges to use, in push order (github, codeberg, gitlab or a custom forge).", valueName: "a,b"), completion: .forgeList)
        var forges: String?
        @Option(help: "The owner (user, org or GitLab group/subgroup) on every forge.")
        var org: String?
        @Option(help: "The repository's name on the forges (default: the directory name).")
        var repoName: String?
        @Option(help: ArgumentHelp("public, private or internal.", valueName: "visibility"))
        var visibility: Visibility?
        @Option(name: .customLong("protocol"), help: ArgumentHelp("ssh or https remote URLs.", valueName: "protocol"))
        var gitProtocol: GitProtocol?
        @Option(help: ArgumentHelp("The ssh private key of a forge; repeat for each forge.", valueName: "forge=path"), completion: .sshKeys)
        var ssh: [String] = []
        @Flag(help: ArgumentHelp("Build the config from the remotes the repository already has.",
                                  discussion: "A token embedded in an https remote URL (https://user:TOKEN@host/...) is moved into the remote's scope through the routed provider and never printed; when it cannot be, that remote is not imported and keeps its URL."))
        var importFromGit = false
        @Flag(help: ArgumentHelp("First create the repository on each forge where it is missing (through the forge's API).",
                                  discussion: "Looked up first, created from the config (org or user, repo_name, visibility) only when missing; an existing one is reported with any difference, never changed. With --dry-run only the look-ups are made, and the request that would create it is printed; a forge whose scope holds no token is shown as unknown with the 'git scope set' that stores one, and the rest is still planned (exit status 0). A forge only committed config declares gets no request. Creating failed on a forge: exit status 1, and no remote is set."))
        var create = false
        @Flag(help: "Print the plan and change nothing.")
        var dryRun = false
        @Flag(help: "Replace an existing config and repoint remotes that point elsewhere.")
        var force = false

        func run() async throws {
            var options = Hforge.InitOptions()
            options.path = repository.path
            options.forges = try forges.map { try commaList($0, option: "--forges", example: "github,codeberg") }
            options.org = org
            options.repoName = repoName
            options.visibility = visibility
            options.gitProtocol = gitProtocol
            for pair in ssh {
                guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex, pair.index(after: eq) != pair.endIndex else {
                    throw ValidationError("--ssh takes FORGE=PATH, got '\(pair)'")
                }
                options.ssh[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
            }
            options.importFromGit = importFromGit
            options.create = create
            options.dryRun = dryRun
            options.force = force
            try await execute(.hforge) { try await Hforge.initialise(options, context: $0) }
        }
    }
}
