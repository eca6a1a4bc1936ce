import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm {
    struct Proposals: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The realm's proposals: who acknowledged, who has not, when each becomes mergeable.",
            discussion: """
            Proposals are made by 'git realm sync' (see its help for the record format: \
            sync/REPO/TIMESTAMP branches and refs/realm/proposals/ID/{record,acks/REPO,approvals/REPO} \
            in the realm) and fetched with the realm into refs/realm/REALM/proposals/ and \
            refs/realm/REALM/sync/. Without a subcommand: lists the open ones as last fetched \
            (--fetch first fetches), each with its changes by JSON pointer, the importers that \
            acknowledged it and those that have not, and when it becomes mergeable ("mergeable \
            now", the time the grace period ends, or what a breaking change waits for). What \
            it shows is what a merge would find, not the record's word: each open proposal \
            is worked out again from the realm and its branch (importers, versions, verdict, \
            breaking, which acknowledgements count), and where the record claims otherwise \
            it says so ("its record says ..."). In a realm with \
            trust.require_signed_commits, records, acknowledgements and approvals not signed \
            by whom they speak for are left out with a warning naming the ref.
            """ + "\n\n" + JSONHelp.style,
            subcommands: [List.self, Approve.self],
            defaultSubcommand: List.self
        )
    }
}

extension GitRealm.Proposals {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the realm's open proposals.",
            discussion: """
            --json prints {realm, repo, commit, now, proposals: [{id, title, author, branch, \
            state, created_at, breaking, changes, acknowledged, waiting_for, approved_by, \
            needs_approval, mergeable, mergeable_at, grace_start, reason, record_differs, problem, \
            pull_request}]}; changes, breaking and the rest are the re-checked ones; \
            record_differs lists in words what the record claims otherwise; problem (null when \
            none) says why the proposal cannot merge as it is. mergeable_at is the time the \
            grace period makes it mergeable, null when it is mergeable now or never by the \
            clock; grace_start is when the period started counting: the record's created_at, \
            or, when later, when this repository can first have seen it (see 'git realm sync \
            --help'). pull_request is present on a forge-hosted realm (see 'git realm sync \
            --help'): {forge, number, url, state, requested_reviewers, reviews: [{login, \
            state}]}, each reviewer's latest review; an approving review by a maintainer's \
            forge_accounts login counts in acknowledged and approved_by. A pull request that \
            cannot be read is warned about and its proposal listed without it. A record that does not read (pushed by hand) is left out with a warning. \
            Exit status: 0; 4 not a member of a realm.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Print as JSON.")
        var json = false
        @Flag(help: "Fetch the realm and its proposals first.")
        var fetch = false
        @Flag(help: "Merged and superseded proposals too.")
        var all = false

        func run() async throws {
            var o = Realm.ProposalsOptions()
            o.target = repository.target
            o.json = json
            o.fetch = fetch
            o.all = all
            try await executeInSession(o.target, command: "proposals", json: o.json) { try await Realm.proposals(o, context: $0) }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a proposal as one of the realm's governance.approvers.",
            discussion: """
            Refused before anything is pushed (exit 2; a dry run says the same) when git's \
            user.email is none of governance.approvers, which are listed; in a realm that \
            requires signed commits, refused (exit 3) when git's signing key is not one listed \
            for an approver.

            Pushes refs/realm/proposals/ID/approvals/REPO (approval, by git's user.email). It \
            counts when that email is one of realm.yaml's governance.approvers; a breaking \
            change needs one when governance.breaking_changes.require_approval is true. Plain \
            git cannot prove who pushed it. Exit status: 0 approved; 1 the push failed; 2 \
            refused (not an approver, or the proposal is merged or superseded already); 3 the \
            realm requires signed commits and git has no usable ssh signing key (gpg.format \
            ssh and a readable user.signingkey; nothing is pushed); 4 not a member; 64 no \
            proposal ID.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: "The proposal's id (see 'git realm proposals').")
        var id: String
        @Flag(help: "Show the ref it would push; change nothing.")
        var dryRun = false

        func run() async throws {
            var o = Realm.ProposalApproveOptions()
            o.target = repository.target
            o.id = id
            o.dryRun = dryRun
            try await executeInSession(o.target, command: "proposals approve") { try await Realm.proposalsApprove(o, context: $0) }
        }
    }
}
