import ArgumentParser
import CLISupport
import HyperforgeCore
import HyperforgeHforge

extension ReleaseVersion.Bump: ExpressibleByArgument {}

extension GitHforge {
    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Release a Cargo crate, an npm package, a Python project or a Swift package: bump, build, test, publish, commit, tag, push.",
            discussion: """
            Releases the package at --path (default: the repository's root), by its manifest: a Cargo crate \
            (Cargo.toml: its [package] version, or its workspace's [workspace.package] version for a member \
            with version.workspace = true); an npm package (package.json: its "version" string, NAME or \
            @ORG/NAME; "private": true is refused); a Python project (pyproject.toml: its static PEP 621 \
            [project] version, X.Y.Z only; a version listed in project.dynamic is refused, since a back-end \
            computes it and there is no string to bump); a Swift package (Package.swift: its version is its \
            git tag alone, the greatest vX.Y.Z tag being the current one; no file is bumped or committed and \
            nothing is uploaded to a registry: the release is the tag, pushed to every forge, which SwiftPM \
            resolves). Several kinds in one directory (a crate with Python bindings: Cargo.toml and \
            pyproject.toml) are released together at one version: all bumped, built and tested, then \
            published in the order Cargo, npm, PyPI (the compiled core before the bindings built on it), \
            then the one commit and the one tag; one journal. Their manifests must agree on the current \
            version (else pass --version). If publishing the second fails, the first stays published (nothing \
            is rolled back) and --resume carries on with the second. --registry and publish.registry name a \
            registry each kind must know by that name.

            Before anything changes, publish checks that the working tree is clean, that HEAD is on \
            a branch not behind any forge's last-fetched branch, that the new version is greater than \
            the current one and not on the registry (a read of its sparse index, of the npm packument \
            GET /NAME, or of the PyPI simple index's /simple/NAME/ page), that the tag does not exist, and \
            that the registry token can be had: the scope cargo/USER/PACKAGE/token, npm/@ORG/PACKAGE/token \
            (ORG: the package's npm scope, or USER for an unscoped package) or pypi/USER/PACKAGE/token, \
            USER being user = "..." of [registries.cargo.NAME], [registries.npm.NAME] or \
            [registries.pypi.NAME] in auth.toml (crates-io, npmjs and pypi for the default registries).

            Then, in order: bump (only the version strings of Cargo.toml and of the crate's own entry \
            in Cargo.lock change; of package.json and of package-lock.json's top-level version and \
            packages[""].version; or of pyproject.toml; every other byte stays), build and test (cargo build \
            and cargo test; npm run build only when scripts.build is defined and npm test only when \
            scripts.test is defined and is not npm init's placeholder; python3 -m build and, when a tests/ or \
            test/ directory exists and pytest can be imported, python3 -m pytest, else no test; swift build \
            and swift test, the test step skipped with "no test targets" when swift package describe lists \
            no test target in Package.swift; or the [publish] build and test commands of .hyperforge/config.toml; output \
            streamed, time shown; a failure rolls the bump back byte for byte and shows the command's exit \
            status and last lines), publish (cargo publish --no-verify --registry NAME, the token in \
            CARGO_REGISTRIES_NAME_TOKEN and your index in CARGO_REGISTRIES_NAME_INDEX; npm pack \
            --ignore-scripts without the token (npm runs the package's prepare script there), then npm \
            publish TARBALL --ignore-scripts --registry URL (and --@ORG:registry=URL) with --proxy, \
            --https-proxy, --noproxy and --strict-ssl from your ~/.npmrc (else npm's defaults), \
            --dry-run=false and --prefix at a scratch directory (so neither package.json's publishConfig \
            nor the repository's .npmrc can set them), and --userconfig naming a 0600 temporary copy of \
            your ~/.npmrc whose auth line for the registry is //HOST/PATH/:_authToken=${HFORGE_NPM_TOKEN}, \
            the token itself only in npm publish's environment; twine upload --repository-url URL (or --repository NAME for \
            ~/.pypirc) of this version's files in dist/, TWINE_USERNAME=__token__ and the token in \
            TWINE_PASSWORD; never on a command line; a registry that has exactly this version already \
            counts as done), commit ('release: NAME X.Y.Z', publish.commit_message; none for a Swift \
            package), annotated tag (vX.Y.Z, NAME-vX.Y.Z in a workspace, publish.tag), and push of the \
            branch and the tag to every forge in config order, stopping at the first failure (--no-push \
            skips it).

            Registries: --registry, publish.registry or a single package.publish entry names one; it must \
            be declared in your own files (auth.toml's [registries.cargo.NAME] index, \
            [registries.npm.NAME] url or [registries.pypi.NAME] url, [registries.NAME] of \
            $CARGO_HOME/config.toml, or [NAME] with repository = URL in ~/.pypirc). With no name, an npm \
            package goes to the registry your ~/.npmrc gives its scope (@ORG:registry=), else its \
            registry=, else registry.npmjs.org (the names npmrc and npmjs). A committed config can name a \
            registry, never give its URL, so a cloned repository cannot send your token elsewhere; npm is \
            given the URL on its command line, which it ranks above a project .npmrc and package.json's \
            publishConfig. A manifest or lock file that is a symbolic link is refused (exit 3): the bump \
            would bring the file it points at into the release commit.

            Output: each step's line says what it did in the words --dry-run's plan uses for it; every \
            command publish runs is echoed ($ ...) and named in its errors shell-quoted (POSIX single \
            quotes), so it can be pasted into a shell as it ran; the publish step's lines begin with the \
            package's kind (two kinds may each have a registry named local). No token is ever in a \
            command, an echo or an error. A package.json (or package-lock.json) may begin with a UTF-8 BOM, \
            as npm allows; the bump keeps it.

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
            Python version, a private npm package, several manifests disagreeing on the version); \
            4 environment error; 64 usage error.
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
        @Option(help: "The registry to publish to (declared in auth.toml, the cargo config, ~/.npmrc or ~/.pypirc).")
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
