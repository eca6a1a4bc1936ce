import HyperforgeCore

/// What can go wrong in a realm command. Messages say what happened and
/// where (realm, URL, repository, domain, contract); hints say what to run.
public enum RealmError: HyperforgeError, Equatable {
    case notAMember(repository: String)
    case memberOfAnotherRealm(realm: String, url: String)
    case incompleteMembership(missing: String)
    case unknownRealm(String)
    case realmExists(url: String)
    case notARealm(url: String, branch: String, gitOutput: String)
    case fetchFailed(url: String, gitOutput: String)
    case pushFailed(url: String, gitOutput: String)
    case gaveUp(url: String, attempts: Int)
    case cannotCreate(path: String, reason: String)
    /// No scratch repository could be made under TMPDIR (realm writes build their commits there).
    case noScratch(directory: String, reason: String)
    case invalidName(kind: String, name: String, problem: String)
    case notRegistered(repo: String, realm: String)
    case domainExists(String)
    case unknownDomain(String)
    case notEnoughRepositories(domain: String)
    case duplicateRepository(String)
    case ownerNotInDomain(owner: String, domain: String)
    case cycle(path: String)
    case notOwner(contract: String, domain: String, owner: String, repo: String)
    /// A repository's files in the realm changed by someone who is none of its
    /// maintainers (by git config user.email) nor a realm approver.
    case notMaintainer(repo: String, email: String?, maintainers: [String])
    case contractOwnedElsewhere(contract: String, domain: String, owner: String, repo: String)
    case versionNotIncreased(contract: String, current: String, new: String)
    /// The version goes up, but by less than the change needs (the compatibility engine's verdict).
    case versionStepTooSmall(contract: String, message: String)
    case stillImported(repo: String, imports: [String])
    case invalidResult(String)
    case cannotReadFile(path: String, reason: String)
    case invalidConfig(key: String, value: String, expected: String)
    /// A command-line value out of its range (`--script-timeout inf`).
    case invalidOption(flag: String, value: String, expected: String)
    /// The realm's tip does not read: `commit` is "abc1234 subject (author, date)".
    case malformedRealm(url: String, commit: String, problem: String, outcome: String)
    case historyRewritten(url: String, branch: String, fetched: String, tip: String, lost: [String])
    /// A realm that requires signed commits brought commits that break the rules
    /// saying who wrote them (`RealmIntake.checkWriters`): each finding as
    /// `[rule] commit abc123456789 "subject" (author): file: message`;
    /// `good`: the last good commit (nil on a first fetch); `check`: the command showing the same findings.
    case untrustedCommits(url: String, branch: String, findings: [String], good: String?, check: String, outcome: String)
    /// `git realm check --realm` could not read the realm's history.
    case checkRealmFailed(what: String, reason: String)
    /// `admin guard install` cannot (or may not) put its hook or workflow in place.
    case guardInPlace(path: String, what: String)
    /// No coordinated change of that name here (nil: none, or several to choose from, listed).
    case noCoordinatedChange(name: String?)
    /// `worktree remove`: worktrees with uncommitted changes.
    case worktreesDirty([String])
    /// `worktree`: git could not make or remove a worktree.
    case worktreeFailed(repo: String, path: String, gitOutput: String)
    /// A member's `.worktrees` (or a worktree's directory in it) is a symbolic link or not a directory: a commit could choose where it points.
    case worktreesNotADirectory(repo: String, path: String, what: String)
    /// `pr`: a repository of the change cannot take part (no forge, no branch, not on this machine).
    case cannotOpenRequest(repo: String, problem: String)
    /// A proposal record (refs/realm/proposals/ID/...) that does not read.
    case malformedProposal(ref: String, problem: String)
    case unknownProposal(id: String, open: [String])
    /// `proposals approve` of a proposal that is merged or superseded already: nothing is left to approve.
    case proposalSettled(id: String, state: String)
    /// A working contract file of this repository's that it may not propose: `reason` says why.
    case cannotPropose(file: String, reason: String)
    /// This repository has no fetched copy of its realm yet (nothing failed: no fetch was made).
    case neverFetched(realm: String)
    /// `git realm ack ID`: the coordinator holds no such notification for this repository.
    case unknownNotification(id: String, repo: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .notAMember, .incompleteMembership, .unknownRealm, .cannotCreate, .noScratch, .cannotReadFile, .neverFetched: return .environment
        case .notARealm, .fetchFailed, .pushFailed, .gaveUp, .invalidResult: return .failure
        case .checkRealmFailed, .noCoordinatedChange, .cannotOpenRequest: return .environment
        case .worktreeFailed: return .failure
        case .worktreesNotADirectory: return .refused
        case .worktreesDirty: return .refused
        case .invalidName, .invalidConfig, .invalidOption, .notEnoughRepositories, .duplicateRepository, .ownerNotInDomain, .unknownDomain: return .usage
        case .malformedRealm, .untrustedCommits, .malformedProposal, .cannotPropose: return .configuration
        case .unknownProposal, .unknownNotification: return .usage
        case .proposalSettled: return .refused
        case .memberOfAnotherRealm, .historyRewritten, .realmExists, .notRegistered, .domainExists, .cycle, .notOwner, .notMaintainer,
             .contractOwnedElsewhere, .versionNotIncreased, .versionStepTooSmall, .stillImported, .guardInPlace: return .refused
        }
    }

    public var description: String {
        switch self {
        case .notAMember(let repo): return "\(repo) is not a member of a realm (no realm.name in its git config)"
        case .memberOfAnotherRealm(let realm, let url): return "this repository is already a member of realm \(realm) (\(url))"
        case .incompleteMembership(let missing): return "the realm membership in git config is incomplete: \(missing) is not set"
        case .unknownRealm(let name): return "no realm named \(name) on this machine"
        case .realmExists(let url): return "a realm already exists at \(url)"
        case .notARealm(let url, let branch, let out): return "\(url) has no branch \(branch): it is not a realm" + Self.tail(out)
        case .fetchFailed(let url, let out): return "fetching the realm from \(url) failed" + Self.tail(out)
        case .neverFetched(let realm): return "this repository has not fetched realm \(realm) yet"
        case .unknownNotification(let id, let repo): return "no notification \(id) for \(repo)"
        case .pushFailed(let url, let out): return "pushing to the realm at \(url) failed" + Self.tail(out)
        case .gaveUp(let url, let n): return "the realm at \(url) kept changing: gave up after \(n) attempts"
        case .cannotCreate(let path, let reason): return "cannot create the realm repository \(path): \(reason)"
        case .noScratch(let dir, let reason): return "cannot make a scratch repository in \(dir) (TMPDIR, where realm changes are built): \(reason)"
        case .invalidName(let kind, let name, let problem): return "\(kind) name \"\(name)\" \(problem)"
        case .notRegistered(let repo, let realm): return "\(repo) is not registered in realm \(realm) (no repos/\(repo).yaml)"
        case .domainExists(let d): return "domain \(d) already exists (domains/\(d)/domain.yaml)"
        case .unknownDomain(let d): return "there is no domain \(d) in the realm (domains/\(d)/domain.yaml)"
        case .notEnoughRepositories(let d): return "domain \(d) needs at least two repositories"
        case .duplicateRepository(let r): return "repository \(r) is listed twice"
        case .ownerNotInDomain(let o, let d): return "the owner \(o) is not one of domain \(d)'s repositories"
        case .cycle(let path): return "adding this domain creates a cycle:\n  \(path)"
        case .notOwner(let c, let d, let owner, let repo):
            return "contract \(c) in domain \(d) is owned by \(owner); \(repo) may not change it (domains/\(d)/contracts/\(c).yaml)"
        case .notMaintainer(let repo, let email, let maintainers):
            return "\(email.map { "\"\($0)\"" } ?? "you (no git config user.email)") may not change \(repo)'s files in the realm: "
                + "its maintainers (repos/\(repo).yaml) are " + (maintainers.isEmpty ? "none listed" : maintainers.joined(separator: ", "))
                + ", and realm.yaml's governance.approvers do not include you"
        case .contractOwnedElsewhere(let c, let d, let owner, let repo):
            return "contract \(c) in domain \(d) would be owned by \(owner), but it is being published from \(repo)"
        case .versionStepTooSmall(let c, let message):
            return "refusing to publish \(c): \(message)"
        case .versionNotIncreased(let c, let cur, let new):
            return "contract \(c) is at version \(cur) in the realm; the new version \(new) must be higher"
        case .stillImported(let repo, let imports):
            return "\(repo) owns contracts that other repositories still import:\n" + imports.map { "  " + $0 }.joined(separator: "\n")
        case .invalidResult(let m): return "the change would leave the realm invalid, so nothing was pushed: \(m)"
        case .cannotReadFile(let path, let reason): return "cannot read \(path): \(reason)"
        case .malformedRealm(let url, let commit, let problem, let outcome):
            return "the realm at \(url) is malformed at its tip, commit \(commit):\n  \(problem)\n\(outcome)"
        case .historyRewritten(let url, let branch, let fetched, let tip, let lost):
            let shown = lost.prefix(20).map { "  " + $0 } + (lost.count > 20 ? ["  … and \(lost.count - 20) more"] : [])
            return "the realm's branch \(branch) at \(url) was rewritten (force-pushed or rolled back): its tip \(tip.prefix(12)) does not contain "
                + "\(fetched.prefix(12)), the commit fetched here; taking it would lose \(lost.count) commit\(lost.count == 1 ? "" : "s"):\n"
                + shown.joined(separator: "\n")
        case .untrustedCommits(let url, _, let findings, _, _, let outcome):
            let shown = findings.prefix(20).map { "  " + $0.replacing("\n", with: "\n    ") } + (findings.count > 20 ? ["  … and \(findings.count - 20) more"] : [])
            return "the realm at \(url) requires signed commits (trust.require_signed_commits in realm.yaml), and what was fetched "
                + "breaks the rules that say who wrote it (\(findings.count) finding\(findings.count == 1 ? "" : "s")):\n" + shown.joined(separator: "\n") + "\n" + outcome
        case .invalidConfig(let key, let value, let expected): return "git config \(key) is \"\(value)\"; it must be \(expected)"
        case .invalidOption(let flag, let value, let expected): return "\(flag) \(value): it must be \(expected)"
        case .checkRealmFailed(let what, let reason): return "cannot check the realm's history: \(what) failed" + Self.tail(reason)
        case .guardInPlace(_, let what): return "cannot install the realm's guard: \(what)"
        case .noCoordinatedChange(let name):
            guard let name else { return "no coordinated change (git realm worktree --rfc NAME) is recorded in this repository" }
            return name.contains(",") ? "several coordinated changes are recorded here (\(name)); say which with --rfc" : "no coordinated change \(name) is recorded in this repository"
        case .worktreesDirty(let list): return "worktrees have uncommitted changes:\n" + list.map { "  " + $0 }.joined(separator: "\n")
        case .worktreeFailed(let repo, let path, let out): return "\(repo): git worktree failed for \(path)" + Self.tail(out)
        case .worktreesNotADirectory(let repo, let path, let what):
            return "\(repo): \(path) is \(what), not a directory; git realm worktree makes worktrees only in a real directory there (a committed link would choose where they go); nothing was changed"
        case .cannotOpenRequest(let repo, let problem): return "\(repo): \(problem)"
        case .malformedProposal(let ref, let problem): return "the proposal record \(ref) in the realm does not read: \(problem)"
        case .unknownProposal(let id, let open):
            return "there is no open proposal \(id) in the realm" + (open.isEmpty ? " (none is open)" : "; open: " + open.prefix(20).joined(separator: ", "))
        case .cannotPropose(let file, let reason): return "cannot propose \(file): \(reason)"
        case .proposalSettled(let id, let state): return "proposal \(id) is \(state) already: there is nothing left to approve; nothing was pushed"
        }
    }

    public var hint: String? {
        switch self {
        case .notAMember: return "join with 'git realm admin join REALM-URL' (a fresh clone of a member rejoins the same way)"
        case .memberOfAnotherRealm: return "leave it first with 'git realm admin leave' (one realm per repository)"
        case .incompleteMembership: return "rejoin with 'git realm admin join REALM-URL'"
        case .unknownRealm(let name): return "pass the realm's URL, or create it with 'git realm admin init --name \(name)'"
        case .realmExists: return "join it with 'git realm admin join URL'"
        case .notARealm: return "create a realm there with 'git realm admin init --name NAME --url URL'"
        case .fetchFailed, .pushFailed: return "check the URL and your access with 'git ls-remote URL'"
        case .gaveUp: return "run the command again"
        case .noScratch: return "set TMPDIR to a directory of yours that you can write (or unset it for /tmp), then run the command again; nothing was changed"
        case .notRegistered: return "rejoin with 'git realm admin join URL'"
        case .domainExists: return "choose another name, or see it with 'git realm status'"
        case .cycle: return "merge the domains into one coordination context, reverse the dependency (the owner, or the first of --repos, provides), or use a hub-and-spoke layout"
        case .notOwner: return "only the owner repository may change a contract; ask its maintainers"
        case .notMaintainer(let repo, _, _): return "ask a maintainer of \(repo) or a realm approver to run it, or set git config user.email to your maintainer address; nothing was changed"
        case .versionNotIncreased: return "raise 'version' in the contract file (breaking changes need a new major version)"
        case .versionStepTooSmall: return "raise 'version' in the contract file as far as the change needs ('git realm check --mode=compatibility' shows why), or keep the contract's promise"
        case .stillImported: return "ask them to drop the imports first, or pass --force to remove the contracts and those imports too"
        case .malformedRealm: return "the member who pushed that commit must fix the realm (a clone of it, a commit, a push); meanwhile 'git realm status' and 'git realm check' go on from the last good realm"
        case .untrustedCommits(_, let branch, _, let good, let check, _):
            let reset = good.map { "reset the realm's branch to the last good commit (git push --force REALM-URL \($0.prefix(12)):refs/heads/\(branch), from a clone of the realm)" }
                ?? "rewrite the realm's history from before the first commit named"
            return "a signature cannot be added to a commit afterwards: a maintainer of the realm must \(reset), write the lost changes again signed, "
                + "and install 'git realm admin guard install' so such pushes are refused; '\(check)' shows the same findings; "
                + "meanwhile 'git realm status' and 'git realm check' go on from the last good realm"
        case .historyRewritten: return "if the rewrite is intended, take it with 'git realm fetch --accept-rewrite'; else ask the realm's maintainers to restore the lost commits"
        case .invalidConfig(let key, _, _): return "set it with 'git config \(key) true|false|required', or remove it with 'git config --unset \(key)'"
        case .invalidOption(let flag, _, let expected): return "pass \(flag) with \(expected)"
        case .noCoordinatedChange: return "start one with 'git realm worktree --rfc NAME'; 'git realm worktree list' shows those recorded here"
        case .worktreesDirty: return "commit or stash the changes, or pass --force to remove the worktrees and lose them; nothing was removed"
        case .worktreeFailed: return "see 'git worktree list' in that repository; fix what git says and run the command again"
        case .worktreesNotADirectory(_, let path, _): return "look at what \(path) is (ls -l); move it away (git rm it if it is committed), then run the command again"
        case .cannotOpenRequest: return "fix what is named (git hforge init / git hforge status in that repository), then run the command again; requests already opened are found again, not opened twice"
        case .guardInPlace(let path, _): return "move \(path) away (or chain it by hand: run it, then 'git realm check --realm --pre-receive'), fix what is named, then run 'git realm admin guard install' again; nothing was changed"
        case .checkRealmFailed: return "run 'git realm check --realm' in the realm repository or a clone of it (with its whole history: not a shallow clone), with --range A..B naming commits it has"
        case .malformedProposal: return "the member who pushed it must fix or delete that ref in the realm ('git push REALM-URL :REF'); 'git realm proposals' lists the others"
        case .unknownProposal: return "list them with 'git realm proposals --fetch'"
        case .proposalSettled: return "see it with 'git realm proposals --all'; approve the open proposal that took its place, if any"
        case .neverFetched: return "run 'git realm fetch'"
        case .unknownNotification: return "'git realm status' lists this repository's notifications with their ids"
        case .cannotPropose: return "fix the file and run 'git realm sync' again ('git realm check --mode=contract' says more); nothing was pushed"
        case .invalidResult: return "this is a bug in git realm or a realm file written by hand; 'git realm status' shows the realm as it is"
        default: return nil
        }
    }

    private static func tail(_ output: String) -> String {
        let lines = output.split(separator: "\n").map { String($0).trimmed() }.filter { !$0.isEmpty }
        return lines.isEmpty ? "" : ":\n" + lines.suffix(8).map { "  " + $0 }.joined(separator: "\n")
    }
}
