import ArgumentParser
import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeRealm

public struct GitRealm: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "git-realm",
        abstract: "Coordinate repositories that depend on each other through versioned contracts.",
        discussion: """
        A realm is a git repository holding realm.yaml, repos/REPO.yaml and \
        domains/DOMAIN/{domain.yaml,contracts/NAME.yaml,bindings/REPO.yaml} (RFC 0001). \
        A member repository records its membership in git config (realm.name, realm.url, \
        realm.repo, realm.branch) and reads the realm from refs/realm/REALM/fetched; \
        no working copy of the realm is needed. Changes are commits built on the realm's \
        tip and pushed with the real git (your ssh and credential set-up apply); when \
        another writer pushed first, the change is rebuilt on the new tip and pushed again.

        Realm files are read as YAML 1.2 (the JSON-compatible core schema). A plain value \
        that YAML 1.1 reads differently (yes, no, on, off, y, n in any case; 1:30; 017; \
        0b1010; 1_000; 0o17; 1e3) is refused with its file and line: quote it ("yes") if it \
        is text, or write true, false or the number as the hint says. Anchors and aliases, \
        duplicate keys, and files above 32 MiB, 64 levels or 1,000,000 values are refused too.

        Exit status: 0 success; 1 the operation failed (fetch or push failed, git error); \
        2 refused (not the contract's owner, a dependency cycle, contracts still imported \
        without --force, the realm or domain already exists, already in another realm); \
        3 a realm file is malformed (the message names the file and line); 4 environment \
        error (not a repository, not a member, realm not found); 64 usage error. \
        'git realm check' has its own: 0 clean, 1 errors, 2 warnings only (1 with --strict).
        """,
        version: HyperforgeVersion.current,
        subcommands: [Status.self, Fetch.self, Check.self, Hooks.self, Session.self, Ack.self, Coordinator.self, Admin.self]
    )
}

struct RepositoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The repository to work on (default: the current directory).", valueName: "dir"))
    var path: String?

    var target: Realm.Target { Realm.Target(path: path) }
}

/// Runs a core operation with the process context and exits with its status.
func execute(_ body: (Context) async throws -> ExitStatus) async throws {
    let context = Context.process()
    let code = await CommandRunner.run(program: "git realm", context: context) { try await body(context) }
    if code != 0 { throw ExitCode(code) }
}

/// The same, inside a coordinator session for the repository (RFC "Session
/// lifecycle": registered on start, removed on exit).
func execute(in target: Realm.Target, command: String, _ body: @escaping (Context) async throws -> ExitStatus) async throws {
    try await execute { context in
        try await Realm.withSession(target, command: "git realm \(command)", context: context) { try await body(context) }
    }
}

func commaList(_ text: String, option: String) throws -> [String] {
    let items = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmed() }
    guard !items.isEmpty, !items.contains(where: \.isEmpty) else {
        throw ValidationError("\(option) takes a comma-separated list, e.g. aperture,fungal")
    }
    return items
}

extension GitRealm {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the realm from this repository: domains, roles, contracts, imports, stale bindings, what changed.",
            discussion: """
            Reads the realm as last fetched (refs/realm/REALM/fetched; --fetch fetches first, \
            and when the realm's new tip is malformed or rewritten, warns and goes on from the \
            last good realm). \
            Shows this repository's domains and role in each, each contract's version and owner, \
            each import's range and whether the contract's version satisfies it, bindings whose \
            resolved_version lags the contract, and what changed in the realm (contract versions, \
            members, domains) since this repository last looked; that point \
            (refs/realm/REALM/seen) then moves to the current realm commit.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Print the report as JSON.")
        var json = false
        @Flag(help: "Fetch the realm before reporting.")
        var fetch = false
        @Flag(help: "Read the realm's files again instead of the cached index.")
        var noCache = false

        func run() async throws {
            var o = Realm.StatusOptions()
            o.target = repository.target
            o.json = json
            o.fetch = fetch
            o.noCache = noCache
            try await execute(in: o.target, command: "status") { try await Realm.status(o, context: $0) }
        }
    }

    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch the realm into refs/realm/REALM/fetched.",
            discussion: """
            The realm's new tip is fetched into a temporary ref and checked before it is taken: \
            every file must read and the files must agree, as for every write. A malformed tip \
            is refused (exit 3) with the file, line and commit, and refs/realm/REALM/fetched \
            stays at the last good commit; 'git realm status --fetch' and 'check --fetch' then \
            go on from that realm with a warning. A tip whose history does not contain the \
            fetched commit (the realm was force-pushed or rolled back) is refused (exit 2) and \
            the commits it would lose are listed; --accept-rewrite takes it.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Say whether the realm moved; fetch nothing.")
        var dryRun = false
        @Flag(help: "Take a realm whose history was rewritten (force-pushed or rolled back), naming the commits it lost.")
        var acceptRewrite = false

        func run() async throws {
            var o = Realm.FetchOptions()
            o.target = repository.target
            o.dryRun = dryRun
            o.acceptRewrite = acceptRewrite
            try await execute(in: o.target, command: "fetch") { try await Realm.fetch(o, context: $0) }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the contracts this repository owns, exports and imports (for CI and git hooks).",
            discussion: """
            Modes (default: every one that applies): contract (the schema is a valid JSON Schema, \
            the value validates against it, the version moved at least as far as the changes \
            require, evolution agrees with the realm's history); compatibility (the list of \
            schema changes from the released version, or --from, to the working version, or \
            --to, and the verdict under the contract's backwards/forwards promises); exporter \
            (source files exist, the exporter script passes, warns when sources changed since \
            the contract was synced); importer (each import's range is satisfied; a stale \
            resolved_version warns; the importer script passes).

            An owner keeps the working version of a contract it is changing in \
            .hyperforge/contracts/DOMAIN/NAME.yaml (RFC format); publish it with 'git realm \
            admin contract publish'. Validation scripts run from the repository root with the \
            contract's value (JSON) on stdin and a time limit; exit 0 valid, 1 invalid, 2 \
            warning. ci_only scripts run only when CI is set. A script path comes from a realm \
            file another member wrote, so it runs only when it is a regular file tracked in this \
            repository's HEAD, inside the work tree, not under .git and not through a symlink; \
            anything else is an error naming the contract, the script and why. A check started \
            from inside a check (a script or hook running 'git realm check'; \
            HFORGE_REALM_IN_CHECK is set) runs no scripts. git config realm.runScripts: unset \
            or true runs the allowed scripts; false skips them (a warning each); required makes \
            a skipped or refused script an error (for CI). Schemas are JSON Schema 2020-12, \
            or draft 7 when $schema says so; $ref may name another contract as \
            realm:DOMAIN/NAME; nothing is fetched from the network.

            Results are cached in .git/realm/cache.db by contract version and everything the \
            check read (for scripts: their verdict, HEAD's entry and their bytes); --no-cache checks afresh \
            without reading the cache and stores what it found. Exit status: 0 clean, 1 errors, 2 warnings \
            only (1 with --strict); 3, 4 as for the other commands.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Option(name: .customLong("mode"), help: ArgumentHelp("contract, compatibility, exporter or importer (repeatable; default: all).", valueName: "mode"))
        var modes: [String] = []
        @Option(help: ArgumentHelp("Only this contract (NAME or DOMAIN/NAME).", valueName: "name"))
        var contract: String?
        @Option(help: ArgumentHelp("compatibility: the version to compare from (default: the released one).", valueName: "version"))
        var from: String?
        @Option(help: ArgumentHelp("compatibility: the version to compare to, or 'working' (the default).", valueName: "version"))
        var to: String?
        @Flag(help: "compatibility: compare against every earlier version in the realm's history.")
        var transitive = false
        @Flag(help: "Warnings fail too.")
        var strict = false
        @Option(help: ArgumentHelp("text, json or junit.", valueName: "format"))
        var format = "text"
        @Flag(help: "Check afresh without reading cache.db; what is found is stored for the next run.")
        var noCache = false
        @Flag(help: "Fetch the realm first.")
        var fetch = false
        @Option(help: ArgumentHelp("Seconds a validation script may run.", valueName: "seconds"))
        var scriptTimeout: Double = 60

        func validate() throws {
            for m in modes where Finding.Mode(rawValue: m) == nil { throw ValidationError("--mode must be contract, compatibility, exporter or importer, not '\(m)'") }
            guard Realm.CheckFormat(rawValue: format) != nil else { throw ValidationError("--format must be text, json or junit") }
            guard scriptTimeout > 0 else { throw ValidationError("--script-timeout must be positive") }
        }

        func run() async throws {
            var o = Realm.CheckOptions()
            o.target = repository.target
            o.modes = modes.compactMap(Finding.Mode.init(rawValue:))
            o.contract = contract
            o.from = from
            o.to = to
            o.transitive = transitive
            o.strict = strict
            o.format = Realm.CheckFormat(rawValue: format)!
            o.noCache = noCache
            o.fetch = fetch
            o.scriptTimeout = scriptTimeout
            try await execute(in: o.target, command: "check") { try await Realm.check(o, context: $0) }
        }
    }

    struct Hooks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install or remove pre-commit and pre-push hooks that run 'git realm check'.",
            discussion: """
            Hooks go where git looks for them (core.hooksPath, else .git/hooks). A hook already \
            there is kept as HOOK.realm-chained and run first; uninstall puts it back. Warnings \
            (exit 2) do not stop a commit or push; errors do.
            """,
            subcommands: [Install.self, Uninstall.self]
        )

        struct Install: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Install the hooks (chaining any hook already there).")
            @OptionGroup var repository: RepositoryOptions
            @Flag(help: "Print what would change; change nothing.")
            var dryRun = false
            func run() async throws {
                var o = Realm.HooksOptions()
                o.target = repository.target
                o.dryRun = dryRun
                try await execute { try await Realm.hooksInstall(o, context: $0) }
            }
        }

        struct Uninstall: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove the hooks and restore the ones they chained.")
            @OptionGroup var repository: RepositoryOptions
            @Flag(help: "Print what would change; change nothing.")
            var dryRun = false
            func run() async throws {
                var o = Realm.HooksOptions()
                o.target = repository.target
                o.dryRun = dryRun
                try await execute { try await Realm.hooksUninstall(o, context: $0) }
            }
        }
    }

    struct Session: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Long-lived sessions: tell the others in the realm what this repository is working on.",
            discussion: """
            Every git realm command registers a session for its repository while it runs; \
            'session start' keeps one until 'session end'. Sessions are held by the coordinator \
            (see 'git realm coordinator'); 'git realm status' lists them.
            """,
            subcommands: [Start.self, End.self, List.self]
        )

        struct Start: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Start a session for this repository.")
            @OptionGroup var repository: RepositoryOptions
            @Option(help: "What you are working on (the RFC's active_rfc).")
            var topic: String?
            @Flag(help: "Print the session as JSON.")
            var json = false
            func run() async throws {
                var o = Realm.SessionOptions()
                o.target = repository.target
                o.topic = topic
                o.json = json
                try await execute { try await Realm.sessionStart(o, context: $0) }
            }
        }

        struct End: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "End a session (default: this repository's long-lived ones).")
            @OptionGroup var repository: RepositoryOptions
            @Argument(help: "The session id.")
            var id: String?
            func run() async throws {
                var o = Realm.SessionOptions()
                o.target = repository.target
                o.id = id
                try await execute { try await Realm.sessionEnd(o, context: $0) }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the sessions in this repository's realm.")
            @OptionGroup var repository: RepositoryOptions
            @Flag(help: "Every realm's sessions.")
            var all = false
            @Flag(help: "Print as JSON.")
            var json = false
            func run() async throws {
                var o = Realm.SessionOptions()
                o.target = repository.target
                o.allRealms = all
                o.json = json
                try await execute { try await Realm.sessionList(o, context: $0) }
            }
        }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Acknowledge a notification (shown by 'git realm status') for this repository.")
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: "The notification's id.")
        var id: String
        func run() async throws {
            var o = Realm.AckOptions()
            o.target = repository.target
            o.id = id
            try await execute { try await Realm.ack(o, context: $0) }
        }
    }

    struct Coordinator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The per-user coordinator that holds sessions and notifications.",
            discussion: """
            It starts on demand (hyperforge-coordinator, next to git-realm or on PATH), at most \
            one per user, listens on $XDG_RUNTIME_DIR/hyperforge/coordinator.sock (a directory \
            only you can enter; /tmp/hyperforge-UID without XDG_RUNTIME_DIR), keeps its state \
            in $XDG_STATE_HOME/hyperforge/coordinator.db (SQLite, WAL) and exits after \
            idle_timeout seconds (default 300) with no sessions and no requests. \
            $XDG_CONFIG_HOME/hyperforge/coordinator.toml: enabled = false turns it off; \
            [tcp] port = N also listens on 127.0.0.1:N, where every request needs \
            'Authorization: Bearer' and the token in $XDG_STATE_HOME/hyperforge/coordinator.token. \
            HFORGE_COORDINATOR=off turns it off for one command. When it cannot start or \
            answer, commands that only need the realm still work and say so once.
            """,
            subcommands: [Status.self, Stop.self, Logs.self]
        )

        struct Status: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Whether it runs: pid, start time, sessions, socket.")
            @Flag(help: "Start it if it is not running.")
            var start = false
            @Flag(help: "Print as JSON.")
            var json = false
            func run() async throws {
                var o = Realm.CoordinatorOptions()
                o.start = start
                o.json = json
                try await execute { try await Realm.coordinatorStatus(o, context: $0) }
            }
        }

        struct Stop: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Stop it (in-flight requests finish first).")
            func run() async throws {
                try await execute { try await Realm.coordinatorStop(Realm.CoordinatorOptions(), context: $0) }
            }
        }

        struct Logs: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print the end of its log.")
            @Option(help: "How many lines.")
            var lines = 50
            func run() async throws {
                var o = Realm.CoordinatorOptions()
                o.lines = lines
                try await execute { try await Realm.coordinatorLogs(o, context: $0) }
            }
        }
    }

    struct Admin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create realms, join and leave them, create domains, publish contracts.",
            subcommands: [Init.self, Join.self, Domain.self, Contract.self, Leave.self, Cache.self]
        )
    }
}

extension GitRealm.Admin {
    struct Cache: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Inspect or clear the check cache (.git/realm/cache.db).",
            subcommands: [Stats.self, Clear.self]
        )

        struct Stats: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Entries per cache table and the check hit rate.")
            @OptionGroup var repository: RepositoryOptions
            @Flag(help: "Print as JSON.")
            var json = false
            func run() async throws {
                var o = Realm.CacheOptions()
                o.target = repository.target
                o.json = json
                try await execute { try await Realm.adminCacheStats(o, context: $0) }
            }
        }

        struct Clear: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Empty the check cache and the realm index cache.")
            @OptionGroup var repository: RepositoryOptions
            @Flag(help: "Print what would be cleared; change nothing.")
            var dryRun = false
            func run() async throws {
                var o = Realm.CacheOptions()
                o.target = repository.target
                o.dryRun = dryRun
                try await execute { try await Realm.adminCacheClear(o, context: $0) }
            }
        }
    }

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a realm repository with realm.yaml and push it.",
            discussion: """
            Without --url the realm is a bare repository under \
            $XDG_DATA_HOME/hyperforge/realms/NAME.git (default ~/.local/share/...), and \
            repositories join it by name. A local path that does not exist is created; an \
            ssh or https repository must already exist (empty). Refuses when the URL already \
            holds a realm.
            """
        )
        @Option(help: "The realm's name.")
        var name: String
        @Option(help: ArgumentHelp("Where the realm lives: a path or an ssh/https git URL.", valueName: "url"))
        var url: String?
        @Option(help: "The realm repository's branch.")
        var branch = "main"
        @Option(help: ArgumentHelp("open, approval or invite-only.", valueName: "policy"))
        var admission = "approval"
        @Option(help: ArgumentHelp("collaborative, vendor-customer or federation.", valueName: "mode"))
        var trustMode = "collaborative"
        @Flag(help: "Print what would be created and pushed; change nothing.")
        var dryRun = false

        func validate() throws {
            guard ["open", "approval", "invite-only"].contains(admission) else { throw ValidationError("--admission must be open, approval or invite-only") }
            guard ["collaborative", "vendor-customer", "federation"].contains(trustMode) else {
                throw ValidationError("--trust-mode must be collaborative, vendor-customer or federation")
            }
        }

        func run() async throws {
            var o = Realm.InitOptions()
            o.name = name
            o.url = url
            o.branch = branch
            o.admission = admission
            o.trustMode = trustMode
            o.dryRun = dryRun
            try await execute { try await Realm.adminInit(o, context: $0) }
        }
    }

    struct Join: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register this repository in a realm and record the membership in git config.",
            discussion: """
            REALM is the realm's URL or path, or the name of a realm created on this machine \
            with 'git realm admin init' (no --url). Writes repos/REPO.yaml (no local paths: \
            they are machine-local), sets realm.* in .git/config and fetches the realm. A \
            repository already registered (a fresh clone of a member) rejoins with the same \
            command without changing the realm.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: ArgumentHelp("The realm: URL, path or name.", valueName: "realm"))
        var realm: String
        @Option(help: "This repository's name in the realm (default: origin's repository name, else the directory's).")
        var repo: String?
        @Option(help: "The org recorded for this repository (default: origin's owner).")
        var org: String?
        @Option(help: "The realm repository's branch.")
        var branch = "main"
        @Flag(help: "Print what would be committed and configured; change nothing.")
        var dryRun = false

        func run() async throws {
            var o = Realm.JoinOptions()
            o.target = repository.target
            o.realm = realm
            o.repo = repo
            o.org = org
            o.branch = branch
            o.dryRun = dryRun
            try await execute { try await Realm.adminJoin(o, context: $0) }
        }
    }

    struct Domain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create coordination domains.", subcommands: [Create.self])

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create a domain between repositories, with contract skeletons and bindings.",
                discussion: """
                The owner (--owner, default the first of --repos) provides: it owns each \
                --contract and gets a provider binding exporting them; every other repository \
                gets a consumer binding importing each contract at ^VERSION (written \
                ">=1.0.0, <2.0.0"). A domain whose dependencies (provider to consumers) would \
                close a cycle through other domains is refused, and the cycle is printed.
                """
            )
            @OptionGroup var repository: RepositoryOptions
            @Argument(help: "The domain's name.")
            var name: String
            @Option(help: ArgumentHelp("The member repositories; the first provides unless --owner says otherwise.", valueName: "a,b"))
            var repos: String
            @Option(help: ArgumentHelp("A contract to create (repeatable).", valueName: "name"))
            var contract: [String] = []
            @Option(help: "The repository that owns the contracts and provides them.")
            var owner: String?
            @Option(help: "The contracts' first version.")
            var contractVersion = "1.0.0"
            @Option(help: "What the domain coordinates.")
            var description: String?
            @Flag(help: "Print what would be committed; change nothing.")
            var dryRun = false

            func run() async throws {
                var o = Realm.DomainCreateOptions()
                o.target = repository.target
                o.name = name
                o.repos = try commaList(repos, option: "--repos")
                o.contracts = contract
                o.owner = owner
                o.contractVersion = contractVersion
                o.description = description
                o.dryRun = dryRun
                try await execute(in: o.target, command: "admin domain create") { try await Realm.adminDomainCreate(o, context: $0) }
            }
        }
    }

    struct Contract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish contracts.", subcommands: [Publish.self])

        struct Publish: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Publish a contract file (RFC format) into a domain of the realm.",
                discussion: """
                The file is committed byte for byte as domains/DOMAIN/contracts/NAME.yaml. Only \
                the contract's owner repository may publish it, and a new version must be \
                higher than the realm's.
                """
            )
            @OptionGroup var repository: RepositoryOptions
            @Argument(help: "The contract file.")
            var file: String
            @Option(help: "The domain the contract belongs to.")
            var domain: String
            @Flag(help: "Print what would be committed; change nothing.")
            var dryRun = false

            func run() async throws {
                var o = Realm.ContractPublishOptions()
                o.target = repository.target
                o.file = file
                o.domain = domain
                o.dryRun = dryRun
                try await execute(in: o.target, command: "admin contract publish") { try await Realm.adminContractPublish(o, context: $0) }
            }
        }
    }

    struct Leave: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove this repository from the realm and its membership from git config.",
            discussion: """
            Removes repos/REPO.yaml, this repository's bindings and its place in every domain, \
            and the contracts it owns. Refuses while another repository imports one of those \
            contracts, unless --force (which removes those imports as well).
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Leave even though others import contracts this repository owns.")
        var force = false
        @Flag(help: "Print what would be committed and removed; change nothing.")
        var dryRun = false

        func run() async throws {
            var o = Realm.LeaveOptions()
            o.target = repository.target
            o.force = force
            o.dryRun = dryRun
            try await execute(in: o.target, command: "admin leave") { try await Realm.adminLeave(o, context: $0) }
        }
    }
}
