import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit
import HyperforgeSecrets

extension Realm {
    public struct GuardInstallOptions: Sendable {
        public var target = Target()
        /// The realm (URL or path); default: this member repository's realm.
        public var realm: String?
        /// The CI to write for a forge-hosted realm when its forge cannot be told from the URL.
        public var ci: ForgeKind?
        public var dryRun = false
        public init() {}
    }

    static let guardMarker = "# git-realm guard"

    /// The pre-receive hook: our executable, by the absolute path it was installed
    /// from, checking the pushed commits. Nothing of the realm's runs.
    static func guardHook(executable: String, branch: String) -> String {
        """
        #!/bin/sh
        \(guardMarker): refuses pushes to the realm's branch \(branch) that break its rules.
        # Installed by 'git realm admin guard install'. It runs only this executable, by
        # absolute path, which reads the pushed commits as data (no script of the realm runs);
        # when the executable is gone the hook fails and every push is refused.
        exec '\(executable)' realm check --realm --pre-receive --branch '\(branch)'

        """
    }

    /// The CI workflow that fails a proposal (or a push) breaking the realm's rules.
    static func guardWorkflow(_ kind: ForgeKind, branch: String) -> (path: String, text: String, protection: String) {
        let steps = """
              - run: git realm check --realm --range "origin/\(branch)..HEAD"
                if: github.event_name == 'pull_request_target'
              - run: git realm check --realm
                if: github.event_name != 'pull_request_target'
        """
        let actions = { (dir: String, runner: String) -> String in
            """
            \(guardMarker): fails proposals and pushes that break the realm's rules.
            # Written by 'git realm admin guard install'; the runner needs hyperforge installed
            # (./install.sh), so that 'git realm' is on PATH.
            name: realm-check
            # pull_request_target: the workflow is the one on \(branch), never the proposal's own
            # copy (with pull_request, a pull request that edits this file would choose its own
            # check). It checks out the proposal's head as data: git realm check --realm reads
            # commits and runs nothing from them.
            on:
              pull_request_target:
                branches: [\(branch)]
              push:
                branches: [\(branch)]
            jobs:
              realm-check:
                runs-on: \(runner)
                steps:
                  - uses: actions/checkout@v4
                    with:
                      fetch-depth: 0
                      ref: ${{ github.event.pull_request.head.sha || github.sha }}
                      persist-credentials: false
            \(steps)

            """
        }
        switch kind {
        case .github:
            return (".github/workflows/realm-check.yml", actions(".github", "ubuntu-latest"),
                    "Settings → Branches → add a branch protection rule (or ruleset) for \(branch): require a pull request before merging, and require the status check \"realm-check\" to pass; include administrators")
        case .forgejo, .gitea:
            return (".forgejo/workflows/realm-check.yml", actions(".forgejo", "docker"),
                    "Settings → Branches → add a protection rule for \(branch): disable direct pushes, enable status checks and require \"realm-check / realm-check (pull_request_target)\"")
        case .gitlab:
            return (".gitlab-ci.yml", """
            \(guardMarker): fails merge requests and pushes that break the realm's rules.
            # Written by 'git realm admin guard install'; the runner's image needs hyperforge
            # installed (./install.sh), so that 'git realm' is on PATH.
            realm-check:
              variables:
                GIT_DEPTH: "0"
              script:
                - if [ -n "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" ]; then git fetch origin "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"; git realm check --realm --range "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME..HEAD"; else git realm check --realm; fi
              rules:
                - if: $CI_PIPELINE_SOURCE == "merge_request_event"
                - if: $CI_COMMIT_BRANCH == "\(branch)"

            """, "Settings → Repository → Protected branches: \(branch) allowed to push: No one; Settings → Merge requests: \"Pipelines must succeed\"; "
                    + "and, since a merge request's pipeline runs the .gitlab-ci.yml of its own branch, Settings → CI/CD → General pipelines → "
                    + "\"CI/CD configuration file\": a copy of this file in a project members cannot push to (.gitlab-ci.yml@GROUP/PROJECT)")
        }
    }

    /// `git realm admin guard install`: the realm's rules (`check --realm`)
    /// enforced where a member's client cannot skip them: a pre-receive hook
    /// in a plain git realm's repository, or a CI workflow for a forge-hosted one.
    public static func adminGuardInstall(_ options: GuardInstallOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        var membership: Membership?
        var repository: Repository?
        if let (r, m) = try? openMember(options.target, context: context) { repository = r; membership = m }
        guard let given = options.realm ?? membership?.url else {
            throw RealmError.notAMember(repository: context.resolve(options.target.path ?? "."))
        }
        let url = try options.realm.map { try RealmLocation.resolve($0, context: context) } ?? given
        let branch = membership?.branch ?? Membership.defaultBranch
        let local = url.hasPrefix("file://") ? String(url.dropFirst(7)) : url
        if local.hasPrefix("/") {
            return try await installHook(realmPath: local, branch: branch, dryRun: options.dryRun, context: context)
        }
        // Forge-hosted: which forge, by the URL's host (built-in forges and your auth.toml's).
        var kind = options.ci
        if kind == nil, let parsed = RemoteURL.parse(url) {
            let forges = (try? AuthConfig.load(context).forges) ?? Forge.builtIn
            kind = forges.first { $0.matches(parsed) || $0.host.lowercased() == parsed.host.lowercased() }?.kind
        }
        guard let kind else {
            throw RealmError.invalidOption(flag: "--ci", value: "(not given)",
                                           expected: "github, forgejo, gitea or gitlab: the realm at \(RemoteURL.redacted(url)) is on no forge this machine knows")
        }
        guard let repository, let membership else { throw RealmError.notAMember(repository: context.resolve(options.target.path ?? ".")) }
        let workflow = guardWorkflow(kind, branch: branch)
        let plan: (RealmState) throws -> PlannedChange? = { state in
            if state.files[workflow.path] == Array(workflow.text.utf8) { return nil }
            if let existing = state.files[workflow.path], !String(decoding: existing, as: UTF8.self).contains(guardMarker) {
                throw RealmError.guardInPlace(path: workflow.path, what: "the realm already has \(workflow.path), not written by git realm")
            }
            var change = PlannedChange(files: state.files, message: "realm: guard (\(workflow.path) runs 'git realm check --realm')")
            change.write(workflow.path, workflow.text)
            return change
        }
        let writer = RealmWriter(url: membership.url, branch: membership.branch,
                                 workspace: options.dryRun ? .scratch : .member(repository, membership), actingRepo: nil, context: context)
        let outcome = try await writer.apply(dryRun: options.dryRun, plan)
        report(outcome, url: membership.url, branch: membership.branch, out: out)
        out.line("Turn on branch protection so that a failing check blocks the merge (plain git cannot enforce it for a forge):")
        out.line("  \(workflow.protection)")
        if options.dryRun { out.line("dry run: nothing was committed or pushed") }
        return .success
    }

    static func installHook(realmPath: String, branch: String, dryRun: Bool, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let env = GitEnvironment.detached(context.environment)
        let bare = try await ChildProcess.run(["git", "--git-dir=\(realmPath)", "rev-parse", "--is-bare-repository"], environment: env, directory: realmPath)
        guard bare.exitCode == 0, bare.stdout.trimmedLines() == "true" else {
            throw RealmError.guardInPlace(path: realmPath, what: "\(realmPath) is not a bare git repository (a pre-receive hook guards the repository members push to)")
        }
        let hooks = try await ChildProcess.run(["git", "--git-dir=\(realmPath)", "rev-parse", "--git-path", "hooks"], environment: env, directory: realmPath)
        let dir = hooks.stdout.trimmedLines()
        let hooksDir = dir.hasPrefix("/") ? dir : FilePaths.normalize(realmPath + "/" + (dir.isEmpty ? "hooks" : dir))
        guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), exe.hasPrefix("/"),
              !exe.contains("'"), !exe.contains("\n") else {
            throw RealmError.guardInPlace(path: "/proc/self/exe", what: "the path of this executable cannot be written into a hook")
        }
        // The branch goes into the hook's shell line, single-quoted.
        if let problem = RealmNames.branchProblem(branch) ?? (branch.contains("'") ? "may not contain a quote" : nil) {
            throw RealmError.invalidName(kind: "realm.branch: branch", name: branch, problem: problem)
        }
        let path = hooksDir + "/pre-receive"
        let text = guardHook(executable: exe, branch: branch)
        let existing = try existingHook(path)
        if let existing, !existing.contains(guardMarker) {
            throw RealmError.guardInPlace(path: path, what: "\(path) already exists and was not written by git realm")
        }
        if existing == text {
            out.line("pre-receive: already installed (\(path))")
            return .success
        }
        if dryRun {
            out.line("Would write \(path) (0755):")
            for line in text.split(separator: "\n") { out.line("  \(line)") }
            out.line("dry run: no hook was changed")
            return .success
        }
        try FilePaths.makeDirectories(hooksDir)
        // Whoever may write the hooks directory could swap the hook for theirs.
        do { try FileTrust.check(hooksDir, kind: .directory) } catch {
            throw RealmError.guardInPlace(path: hooksDir, what: "others may write \(hooksDir): \(error.description)")
        }
        try AtomicFile.write(Array(text.utf8), to: path, mode: 0o755)
        out.line("\(out.styled("✓", .green)) pre-receive: installed in \(path); pushes to \(branch) that break the realm's rules are refused")
        return .success
    }
}
