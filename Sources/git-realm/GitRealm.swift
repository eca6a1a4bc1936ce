import CLISupport
import ArgumentParser
import HyperforgeCore

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
        duplicate keys, and files above 32 MiB, 64 levels or 1,000,000 values are refused too, \
        and so are .inf, .nan and floats beyond a double in a contract's schema or value \
        (they have no JSON equivalent).

        LIMITS: realm files (written by other members) are read with bounded resources: an \
        anchor or alias is refused at its first event, before anything is expanded (a \
        nine-level alias bomb is refused at its first anchor, in milliseconds); a file may \
        have at most 32 MiB, 64 levels of nesting and 1,000,000 values; each refusal names \
        the limit, the file and the line (and, from fetch, the commit). A realm tip that breaks one is not \
        fetched (exit 3) and refs/realm/REALM/fetched stays at the last good commit. \
        --branch follows git's rules for branch names, checked before anything is made: a \
        failed 'admin init' leaves nothing behind. See 'git realm check --help' for the \
        limits of checks and 'git realm coordinator --help' for the coordinator's.

        Interrupted (Ctrl-C, SIGTERM) or killed, a realm write leaves the realm and \
        refs/realm/REALM/fetched at the old commit or the new one; its temporary ref \
        (refs/realm-incoming/PID-N) and scratch repository ($TMPDIR/git-realm-PID-XXXXXX) are \
        removed on the way out, or by the next run when a kill -9 left them. A failed or \
        interrupted 'admin init' removes the realm repository it was creating. The check \
        cache (.git/realm/cache.db) records its schema version; a damaged one is moved to \
        cache.db.corrupt-TIME with a warning and rebuilt, one from a newer hyperforge refused.

        Exit status: 0 success; 1 the operation failed (fetch or push failed, git error); \
        2 refused (not the contract's owner, a dependency cycle, contracts still imported \
        without --force, the realm or domain already exists, already in another realm); \
        3 a realm file is malformed (the message names the file and line); 4 environment \
        error (not a repository, not a member, realm not found); 64 usage error. \
        'git realm check' has its own: 0 clean, 1 errors, 2 warnings only (1 with --strict); 3, 4 and 64 as above.
        """ + "\n\n" + JSONHelp.style,
        version: HyperforgeVersion.current,
        subcommands: [Status.self, Fetch.self, Sync.self, Proposals.self, Check.self, Worktree.self, Pr.self, Hooks.self, Session.self, Ack.self, Mcp.self, Coordinator.self, Admin.self]
    )
}
