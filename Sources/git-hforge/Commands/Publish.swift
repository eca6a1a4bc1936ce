import ArgumentParser
import CLISupport
import HyperforgeCore
import HyperforgeHforge

extension ReleaseVersion.Bump: ExpressibleByArgument {}

extension GitHforge {
    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Release a Cargo crate or a Python project: bump, build, test, publish, commit, tag, push.",
            discussion: """
            Releases the package at --path (default: the repository's root): a Cargo crate (Cargo.toml: its \
            [package] version, or its workspace's [workspace.package] version for a member with \
            version.workspace = true) or, when there is no Cargo.toml, a Python project (pyproject.toml: \
            its static PEP 621 [project] version, X.Y.Z only; a version listed in project.dynamic is \
            refused, since a back-end computes it and there is no string to bump). \
            Before anything changes, publish checks that the working tree is clean, that HEAD is on \
            a branch not behind any forge's last-fetched branch, that the new version is greater than \
            the current one and not on the registry (a read of its sparse index, or of the PyPI simple index's \
            /simple/NAME/ page), that the tag does not exist, and that the registry token can be had: the \
            scope cargo/USER/PACKAGE/token or pypi/USER/PACKAGE/token, USER being user = "..." of \
            [registries.cargo.NAME] or [registries.pypi.NAME] in auth.toml (crates-io and pypi for the \
            default registries).

            Then, in order: bump (only the version strings of Cargo.toml and of the crate's own entry \
            in Cargo.lock change, or of pyproject.toml; every other byte stays), build and test (cargo build \
            and cargo test; python3 -m build and, when a tests/ or test/ directory exists and pytest can be \
            imported, python3 -m pytest, else no test; or the [publish] build and test commands of \
            .hyperforge/config.toml; output streamed, time shown; \
            a failure rolls the bump back byte for byte and shows the command's exit status and last lines), \
            publish (cargo publish --no-verify --registry NAME, the token in CARGO_REGISTRIES_NAME_TOKEN and your index in CARGO_REGISTRIES_NAME_INDEX; twine upload \
            --repository-url URL (or --repository NAME for ~/.pypirc) of this version's files in dist/, \
            TWINE_USERNAME=__token__ and the token in TWINE_PASSWORD; never on a command line; a registry \
            that has exactly this version already counts as done), commit \
            ('release: NAME X.Y.Z', publish.commit_message), annotated tag (vX.Y.Z, NAME-vX.Y.Z in a \
            workspace, publish.tag), and push of the branch and the tag to every forge in config order, \
            stopping at the first failure (--no-push skips it).

            Registries: --registry, publish.registry or a single package.publish entry names one; it must \
            be declared in your own files (auth.toml's [registries.cargo.NAME] index or \
            [registries.pypi.NAME] url, [registries.NAME] of $CARGO_HOME/config.toml, or [NAME] with \
            repository = URL in ~/.pypirc). A committed config can name a registry, never \
            give its URL, so a cloned repository cannot send your token elsewhere.

            Journal: each step is recorded in .git/hforge/publish.json (0600) before and after it runs. \
            After an interruption (kill -9 included) --resume carries on and never publishes twice; a plain \
            publish with a journal in progress refuses. --abort rolls back what can be (the bump, before \
            anything was published) and says what cannot (a published version stays published; its commit \
            and tag stay). A journal that names a path outside the work tree (absolute, not normalised, \
            or through a symbolic link), or a tag or branch starting with '-', is refused (exit 2), \
            so a hand-edited journal cannot make --resume or --abort write elsewhere.

            --dry-run prints every step with its exact command, the registry and the forges, after making \
            the read-only checks (the index is read, the token looked up, no approval asked); it changes no \
            file, ref or registry.

            Exit status: 0 released (or dry run, resume, abort done); 1 a step failed (build, test, publish, \
            push: the message says what was rolled back or what --resume will do); 2 refused (dirty tree, \
            behind a forge, version not greater or already published, tag exists, a release in progress, a journal refused); \
            1 also when the registry rejects the token while its index is read (nothing changed then); \
            3 configuration error (unknown registry, no account, bad [publish], a dynamic or non-X.Y.Z \
            Python version); 4 environment error; \
            64 usage error.
            """ + "\n\n" + JSONHelp.style
        )
        @OptionGroup var repository: RepositoryOptions
        @Option(help: "Raise the version: major, minor, patch or pre.")
        var bump: ReleaseVersion.Bump?
        @Option(name: .customLong("version"), help: ArgumentHelp("Release exactly this version (X.Y.Z or X.Y.Z-PRE).", valueName: "X.Y.Z"))
        var newVersion: String?
        @Option(name: .customLong("pre-id"), help: "The pre-release identifier --bump pre uses.")
        var preID = "alpha"
        @Flag(help: "Make the read-only checks and print every step; change nothing.")
        var dryRun = false
        @Flag(help: "Carry on with the release the journal records.")
        var resume = false
        @Flag(help: "Forget the release in progress, rolling back what can be.")
        var abort = false
        @Flag(help: "Do not push the release commit and tag.")
        var noPush = false
        @Option(help: "The registry to publish to (declared in auth.toml, the cargo config or ~/.pypirc).")
        var registry: String?
        @Flag(help: "Print the plan (with --dry-run) or the result as JSON.")
        var json = false

        func validate() throws {
            let modes = [resume, abort, bump != nil || newVersion != nil].filter { $0 }.count
            if modes == 0 { throw ValidationError("publish needs --bump LEVEL or --version X.Y.Z (or --resume, --abort)") }
            if modes > 1 || (bump != nil && newVersion != nil) { throw ValidationError("--bump, --version, --resume and --abort exclude each other") }
            if dryRun && (resume || abort) { throw ValidationError("--dry-run plans a new release; it does not go with --resume or --abort") }
        }

        func run() async throws {
            var options = Hforge.PublishOptions()
            options.path = repository.path
            options.bump = bump
            options.version = newVersion
            options.preID = preID
            options.dryRun = dryRun
            options.resume = resume
            options.abort = abort
            options.noPush = noPush
            options.registry = registry
            options.json = json
            try await execute(.hforge, json: json) { try await Hforge.publish(options, context: $0) }
        }
    }
}
