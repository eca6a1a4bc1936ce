import ArgumentParser
import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeHforge

public struct GitHforge: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "git-hforge",
        abstract: "Keep one repository in step across many forges.",
        discussion: """
        .hyperforge/config.toml (committed) is ground truth; .hyperforge/defaults.toml \
        files in parent directories supply defaults, and the [custom_forges] of \
        $XDG_CONFIG_HOME/hyperforge/auth.toml (default ~/.config/hyperforge/auth.toml) are \
        known to every command. Run as \
        'git hforge <command>'; 'git -C DIR hforge' and --path DIR both choose the repository.

        Trust: which host a forge is comes only from the built-in forges, your auth.toml and \
        defaults.toml files you own that no repository tracks. A committed config (or a tracked \
        defaults.toml) may use those forges and declare new ones, but cannot change a built-in forge or one your \
        files declare (that table is ignored, with a warning naming its file and line), and a forge \
        only it declares gets a remote but no credential helper. A defaults.toml that another user \
        owns, or that group or others may write, is skipped with a warning; such an auth.toml is an error.

        Exit status: 0 success; 1 the operation failed (push rejected, git error); \
        2 refused (needs --force, or would overwrite a remote); 3 configuration error; \
        4 environment error (not a repository, unreadable key); 5 'status --exit-code' \
        found differences; 64 usage error.
        """,
        version: HyperforgeVersion.current,
        subcommands: [Init.self, Sync.self, Status.self, Push.self, Config.self, SSH.self]
    )
}

struct RepositoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The repository to work on (default: the current directory).", valueName: "dir"))
    var path: String?
}

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
}

/// Runs a core operation with the process context and exits with its status.
func execute(_ body: (Context) async throws -> ExitStatus) async throws {
    let context = Context.process()
    let code = await CommandRunner.run(program: "git hforge", context: context) { try await body(context) }
    if code != 0 { throw ExitCode(code) }
}

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
        @Option(help: ArgumentHelp("Forges to use, in push order (github, codeberg, gitlab or a custom forge).", valueName: "a,b"))
        var forges: String?
        @Option(help: "The owner (user, org or GitLab group/subgroup) on every forge.")
        var org: String?
        @Option(help: "The repository's name on the forges (default: the directory name).")
        var repoName: String?
        @Option(help: ArgumentHelp("public, private or internal.", valueName: "visibility"))
        var visibility: String?
        @Option(name: .customLong("protocol"), help: ArgumentHelp("ssh or https remote URLs.", valueName: "protocol"))
        var gitProtocol: String?
        @Option(help: ArgumentHelp("The ssh private key of a forge; repeat for each forge.", valueName: "forge=path"))
        var ssh: [String] = []
        @Flag(help: ArgumentHelp("Build the config from the remotes the repository already has.",
                                  discussion: "A token embedded in an https remote URL (https://user:TOKEN@host/...) is moved into the remote's scope through the routed provider and never printed; when it cannot be, that remote is not imported and keeps its URL."))
        var importFromGit = false
        @Flag(help: "Print the plan and change nothing.")
        var dryRun = false
        @Flag(help: "Replace an existing config and repoint remotes that point elsewhere.")
        var force = false

        func run() async throws {
            var options = Hforge.InitOptions()
            options.path = repository.path
            options.forges = try forges.map(parseList)
            options.org = org
            options.repoName = repoName
            if let visibility {
                guard let v = Visibility(rawValue: visibility) else {
                    throw ValidationError("--visibility must be one of public, private, internal")
                }
                options.visibility = v
            }
            if let gitProtocol {
                guard let p = GitProtocol(rawValue: gitProtocol) else { throw ValidationError("--protocol must be ssh or https") }
                options.gitProtocol = p
            }
            for pair in ssh {
                guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex, pair.index(after: eq) != pair.endIndex else {
                    throw ValidationError("--ssh takes FORGE=PATH, got '\(pair)'")
                }
                options.ssh[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
            }
            options.importFromGit = importFromGit
            options.dryRun = dryRun
            options.force = force
            try await execute { try await Hforge.initialise(options, context: $0) }
        }

        func parseList(_ text: String) throws -> [String] {
            let items = text.split(separator: ",").map { String($0).trimmed() }
            guard !items.isEmpty, !items.contains(where: \.isEmpty) else {
                throw ValidationError("--forges takes a comma-separated list, e.g. github,codeberg")
            }
            return items
        }
    }

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make git match .hyperforge/config.toml.",
            discussion: """
            Adds missing remotes, fixes wrong URLs and key settings. Remotes that the config \
            does not name are listed; they are removed only with --force (without it: a \
            warning, nothing removed, exit status 2). The credential helper is configured only \
            for forges your own files declare, as with init. Prints the plan, then what it did.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Print the plan and change nothing.")
        var dryRun = false
        @Flag(help: "Also remove remotes that are not in the config.")
        var force = false

        func run() async throws {
            var options = Hforge.SyncOptions()
            options.path = repository.path
            options.dryRun = dryRun
            options.force = force
            try await execute { try Hforge.sync(options, context: $0) }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare git with the config, remote by remote.",
            discussion: """
            For each forge: in-sync, missing, wrong-url or wrong-key, and how far the current \
            branch is ahead of / behind the forge's last-fetched branch; remotes not in the \
            config are listed as extra. Nothing is fetched.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Print the report as JSON.")
        var json = false
        @Flag(help: "Exit with status 5 when git differs from the config.")
        var exitCode = false

        func run() async throws {
            var options = Hforge.StatusOptions()
            options.path = repository.path
            options.json = json
            options.exitCode = exitCode
            try await execute { try Hforge.status(options, context: $0) }
        }
    }

    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Push the current branch to every forge, in config order.",
            discussion: """
            Uses the real git, so your ssh, credential helpers and hooks apply. Stops at the \
            first forge that fails; the forges after it are not contacted.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Push all tags as well.")
        var tags = false
        @Flag(help: "Print what would be pushed where, and contact nothing.")
        var dryRun = false

        func run() async throws {
            var options = Hforge.PushOptions()
            options.path = repository.path
            options.tags = tags
            options.dryRun = dryRun
            try await execute { try await Hforge.push(options, context: $0) }
        }
    }

    struct Config: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the effective config and where each value comes from."
        )
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Print as JSON.")
        var json = false

        func run() async throws {
            var options = Hforge.ConfigOptions()
            options.path = repository.path
            options.json = json
            try await execute { try Hforge.showConfig(options, context: $0) }
        }
    }

    struct SSH: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "ssh with the key of the forge being contacted (git runs this as core.sshCommand).",
            shouldDisplay: false
        )
        @Argument(parsing: .captureForPassthrough, help: "ssh's arguments, as git passes them.")
        var arguments: [String] = []

        func run() async throws {
            let context = Context.process()
            let argv: [String]
            do {
                argv = try Hforge.sshCommand(arguments: arguments, context: context)
            } catch {
                context.output.report(error, program: "git-hforge ssh")
                throw ExitCode(255)
            }
            var cArgs = argv.map { strdup($0) } + [nil]
            execv(argv[0], &cArgs)
            context.output.report(HforgeError.cannotRun(program: argv[0], reason: String(cString: strerror(errno))), program: "git-hforge ssh")
            throw ExitCode(255)
        }
    }
}
