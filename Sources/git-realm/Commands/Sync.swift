import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Propose this repository's contract changes, acknowledge others' proposals, merge what is mergeable.",
            discussion: """
            Fetches the realm and its proposals, then, in this order:

            As an owner: every working contract file (.hyperforge/contracts/DOMAIN/NAME.yaml) \
            that differs from the realm's is checked with the compatibility engine of 'git realm \
            check'. When its version is the realm's, sync sets the version the change needs \
            (major for a change that breaks the contract's promise, minor for a change of the \
            valid values, else patch; one step less before 1.0.0) and adds the evolution entry \
            (--message, else the changes by JSON pointer); a version written by hand must be \
            at least that. The contract goes onto a new branch sync/REPO/YYYYMMDD-HHMMSS in \
            the realm with a proposal record, refs/realm/proposals/ID/record (ID is \
            REPO-YYYYMMDD-HHMMSS, -2, -3 ... when taken; every ref is created with a lease \
            that it does not exist, so two syncs never share an id), holding proposal.json: \
            each change's domain, contract, versions, step, verdict, the changes by JSON \
            pointer and the importers it affects (their ranges, whether still satisfied), the \
            author repository, who ran it and when. The version and evolution entry are \
            written back into the working file. Active sessions of the affected repositories \
            are notified through the coordinator. A newer change supersedes this repository's \
            open proposal. A working file of a contract owned by another repository is \
            refused (exit 2) before anything is pushed. Exports whose source_files changed \
            since their contract was last synced, with no contract change, are warned about. \
            A change that breaks a promise is shown with a witness: a value one version \
            accepts and the other rejects, each side named by its version.

            As an importer: each open proposal that changes a contract this repository \
            imports is acknowledged (refs/realm/proposals/ID/acks/REPO, acknowledgement.json).

            Then every open proposal that is mergeable is merged, rebuilt on the realm's tip \
            (and again when another writer was first): the realm's branch, the record (now \
            merged, with the acknowledgements and approvals that counted) and the deletion of \
            the sync branch are pushed all or nothing. What a record claims is not taken on \
            its word: its branch is read again (a tree of more than 20,000 files or 64 MiB is \
            not read, and the proposal does not merge), and its importers, verdict and step \
            are worked out from the realm as it is. A proposal is mergeable when every \
            affected importer acknowledged it, or when it breaks no importer and realm.yaml's \
            governance.breaking_changes.grace_period_days have passed since it was made: \
            since its record's created_at, but never since before this repository can have \
            seen it (.git/realm/proposals-seen/REALM notes, after each fetch of the \
            proposals, the records that are new and the time of the fetch before; a \
            repository that never fetched them counts from its first look), so a backdated \
            record waits the whole period. A breaking change (incompatible, undecided, or outside \
            an importer's range) never merges by the clock, and when \
            governance.breaking_changes.require_approval is true it also needs an approval by \
            one of governance.approvers ('git realm proposals approve ID'). Sessions are \
            notified of each merge. Finally this repository's imports get the realm's \
            versions as resolved_version (within their ranges).

            A realm repository on one of your forges (built in: github, codeberg, gitlab; or \
            [custom_forges.NAME] in your own auth.toml; never a forge only a repository's \
            committed config declares) is forge-hosted: each proposal is also that forge's \
            pull (merge) request from its sync branch into the realm's branch, made through \
            the forge's API with the realm repository's own scope \
            git/FORGE/ORG/repo/NAME/token. Its body lists each change with its JSON pointers, \
            version step and the importers affected; the affected repositories' maintainers \
            are asked to review it by their logins on that forge (forge_accounts in \
            repos/REPO.yaml: maintainer, forge, login; a login is letters, digits, '-', '_' \
            and '.', never a URL or host). An importer's sync acknowledges by approving the \
            pull request as the user whose token the scope holds; an approving review by a \
            login listed for an affected repository is that repository's acknowledgement, \
            one by the login of a maintainer in governance.approvers is an approval. A \
            mergeable proposal (the same rule) is merged through the forge's merge API, only \
            while the pull request's head is the commit the proposal recorded; then the \
            record says merged (with the pull request's number and URL and each approving \
            review's login and repository) and the sync branch is deleted. A pull request an \
            earlier sync failed to open is opened by the author's next sync.

            Signed realms (realm.yaml: trust.require_signed_commits: true): every commit sync \
            makes (the sync branch's, records, acknowledgements, binding updates, merges) is \
            signed by git commit -S's own configuration (gpg.format ssh, user.signingkey: a \
            key file's path, or key:: with the key in ssh-agent); without it sync is refused \
            (exit 3) before anything is pushed. A merged proposal's own commit lands as it \
            is (the realm's branch moves to it when still at its base, else a merge commit \
            takes it as second parent), so the author's signature stays in the history. A \
            record and its branch's commit count only when signed by a key listed for a \
            maintainer of the proposing repository, an acknowledgement for one of the \
            repository it names, an approval for one of governance.approvers (signing_keys \
            in repos/REPO.yaml, checked with git's gpg.ssh.allowedSignersFile as 'git realm \
            check --realm' does); others are ignored with a warning naming the ref. Without \
            signatures, plain git cannot say who pushed a record or an acknowledgement: a \
            member can push an acknowledgement in another repository's name.

            Signing keys: before anything is pushed, sync checks that the key git signs with \
            (user.signingkey, by its fingerprint as ssh-keygen -l gives it) is one the realm \
            lists for this repository; one that is not is refused (exit 3), naming its \
            fingerprint, the listed ones and what to run ('git realm admin repo keys add'). \
            An acknowledgement this sync has just pushed is checked as everyone else's is \
            and counts only when its signature holds. A dry run without a usable listed key \
            still shows its plan, warns that the real run will be refused (exit 3), and exits \
            as the plan otherwise would (0); its acknowledgements are not counted in the \
            merges it shows. A push the realm's guard refuses (its pre-receive hook, 'git \
            realm admin guard install') is reported with the guard's own findings (exit 1).

            HFORGE_TEST_NOW (an RFC 3339 UTC time) replaces the clock proposals are judged \
            by; it is for tests of the grace period only.

            --dry-run fetches into a scratch repository and shows the branch, the commit, \
            the proposal, the acknowledgements, the merges and every ref it would push, and \
            on a forge-hosted realm every API call (method and URL, never a token: the \
            read-only ones it makes, marked "(asked)", and "Would send:" for each it would \
            make); it changes nothing in this repository or the realm and sends no request \
            that changes anything on the forge.

            Exit status: 0 synced; 1 a fetch or push failed, or the forge answered a request \
            with an error; 2 refused (a contract owned by another repository, a version lower \
            than the realm's or by less than the change needs; the forge refused the token: \
            401, 403, or a scope refused); 3 a working contract file is malformed or cannot \
            be proposed (a contract the realm does not have yet: publish it first), or \
            auth.toml is malformed, or the realm requires signed commits and git has no usable \
            ssh signing key (gpg.format ssh and a readable user.signingkey, as git itself \
            reads them, -c included), refused before anything is pushed, or the realm's new tip is \
            malformed or brings commits a signed realm refuses (see 'git realm fetch --help'; \
            nothing is pushed); 4 not a member of a realm, or the forge cannot be reached \
            (or rate-limits it longer than the longest wait). A \
            proposal record or acknowledgement that does not read (pushed by hand) is left \
            out with a warning.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Show what would be proposed, acknowledged and merged; change nothing.")
        var dryRun = false
        @Flag(help: "Detect changes afresh (sync keeps no cache of its own: it always reads the realm's files and the work tree; the flag is the RFC's and is accepted).")
        var noCache = false
        @Option(name: .shortAndLong, help: "Why: said in the proposal, its commit and the evolution entries.")
        var message: String?

        func run() async throws {
            var o = Realm.SyncOptions()
            o.target = repository.target
            o.dryRun = dryRun
            o.noCache = noCache
            o.message = message
            try await executeInSession(o.target, command: "sync") { try await Realm.sync(o, context: $0) }
        }
    }
}
