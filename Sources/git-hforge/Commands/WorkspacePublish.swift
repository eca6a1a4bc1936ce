import ArgumentParser
import CLISupport
import HyperforgeCore
import HyperforgeHforge

extension GitHforge {
    struct WorkspacePublish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish",
            abstract: "Release every package of the workspace, each after the packages it requires.",
            discussion: """
            Every publishable package of the members (found as for the other workspace \
            commands): a member's root directory and the crates its Cargo.toml [workspace] \
            members lists (a trailing /* expanded), each directory one package of every kind \
            whose manifest is in it (Cargo.toml [package], package.json, pyproject.toml, \
            Package.swift), released together at one version as 'git hforge publish' there \
            releases them (kinds that disagree on the current version are refused before \
            anything changes); publish = false is passed over. A package that requires another \
            of the workspace (through any of its kinds) publishes after it (Cargo: \
            [dependencies], [build-dependencies], [target.*.dependencies], and \
            [dev-dependencies] that give a version; Python: [project] dependencies), and its \
            requirement is rewritten to the new version in its own release commit, byte for \
            byte (only the requirement's text changes; a member's workspace = true requirement \
            is rewritten in the root manifest's [workspace.dependencies]). The rewrite is \
            cargo-release's and release-plz's (cargo's upgrade_requirement): the operator and \
            the number of components stay, the numbers are the new version's (^1.2 -> ^1.3, \
            1.2.3 -> 1.3.0, ~0.4 -> ~0.5, =1.2.3 -> =1.3.0; 0.1 stays 0.1 for 0.1.1, which it \
            allows already; * stays); Python's ==X, >=X, ~=X likewise. A requirement publish \
            cannot rewrite (Cargo >, >=, <, <=; Python <, !=, wildcards, several clauses) and a \
            cycle (printed as a -> b -> a) are refused before anything changes.

            Each package is released by 'git hforge publish' in its repository, with the \
            version the plan gives it (--bump of its current version): checks, bump, build, \
            test, publish, commit, annotated tag, push (--no-push skips it). --changed takes \
            only the packages with commits (touching their directory) since their last release \
            tag (the tag of their current version; none: changed), and every package requiring \
            one of them, transitively.

            The first package that fails stops the run: the report says what was published, \
            what failed and what was not attempted. The workspace's journal, \
            $XDG_STATE_HOME/hyperforge/workspace-publish/NAME-HASH.json (0600, in a 0700 \
            directory; refused when it is a symbolic link, not yours or readable by others), \
            keyed by the canonical workspace path, records the plan and per package its state \
            and the per-repository journal (.git/hforge/publish.json) that drove it; \
            --resume carries on (the failed package's own --resume, or a fresh start when it \
            had rolled back) and never publishes a package twice; --abort runs 'git hforge \
            publish --abort' for the package in progress and forgets the journal (published \
            packages stay published). A journal naming a repository outside the workspace, \
            or a path that is absolute, not normalised or through a symbolic link, is refused.

            --dry-run prints the whole plan: the order, each package's versions, the \
            requirements it rewrites, every step's exact command, the registry and the forges, \
            after each package's read-only checks; it changes no file, ref or registry and \
            writes no journal.

            Exit status: 0 every package published (or the dry run, resume or abort done, or \
            nothing to publish); 1 a package's step failed (the run stopped there; --resume \
            carries on); 2 refused (a package's checks: dirty tree, behind a forge, version or \
            tag exists; a workspace publish in progress; a journal refused); 3 configuration \
            error (a cycle, a requirement that cannot be rewritten, crates sharing one \
            [workspace.package] version, a bad manifest or [publish]); 4 environment error \
            (the directory does not exist); 64 usage error.
            """ + "\n\n" + JSONHelp.shape("""
                with --dry-run {"root", "dry_run": true, "journal", "packages": [each package's \
                'git hforge publish --dry-run --json' plan, with "repository", "directory" and \
                "requirements": [{"kind", "package" (its name, normalised: lower case, '-' for runs of '-', '_', '.'), "version" (its new version)}]]}; else {"root", "dry_run": false, "packages": \
                [{"name", "kind", "repository", "directory", "previous_version", "version", "tag", \
                "commit", "already_on_registry", "requirements", "outcome": "published", "result" \
                (the package's 'git hforge publish --json' result, null when it was released before an interruption)}]}; \
                a failure is the error document, its message saying what was published, what \
                failed and what was not attempted.
                """)
        )
        @OptionGroup var workspace: WorkspaceArguments
        @Option(help: "Raise every version: major, minor, patch or pre.")
        var bump: ReleaseVersion.Bump?
        @Option(name: .customLong("pre-id"), help: "The pre-release identifier --bump pre uses.")
        var preID = "alpha"
        @Flag(help: "Only packages with commits since their last release tag, and those requiring them.")
        var changed = false
        @Flag(help: "Make the read-only checks and print the whole plan; change nothing.")
        var dryRun = false
        @Flag(help: "Carry on with the workspace publish the journal records.")
        var resume = false
        @Flag(help: "Stop the workspace publish in progress, rolling back what can be.")
        var abort = false
        @Flag(help: "Do not push the release commits and tags.")
        var noPush = false
        @Flag(help: "Print the plan (with --dry-run) or the result as JSON.")
        var json = false

        func validate() throws {
            let modes = [resume, abort, bump != nil].filter { $0 }.count
            if modes == 0 { throw ValidationError("workspace publish needs --bump LEVEL (or --resume, --abort)") }
            if modes > 1 { throw ValidationError("--bump, --resume and --abort exclude each other") }
            if dryRun && (resume || abort) { throw ValidationError("--dry-run plans a new workspace publish; it does not go with --resume or --abort") }
            if changed && (resume || abort) { throw ValidationError("--changed chooses the packages of a new workspace publish; --resume and --abort take the journal's") }
        }

        func run() async throws {
            var options = Hforge.WorkspacePublishOptions()
            options.workspace = workspace.options(json: json)
            options.bump = bump
            options.preID = preID
            options.changed = changed
            options.dryRun = dryRun
            options.resume = resume
            options.abort = abort
            options.noPush = noPush
            try await execute(.hforge, json: json) { try await Hforge.workspacePublish(options, context: $0) }
        }
    }
}
