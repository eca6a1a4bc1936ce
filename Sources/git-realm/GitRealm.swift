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
        duplicate keys, and files above 32 MiB, 64 levels or 1,000,000 values are refused too.

        Exit status: 0 success; 1 the operation failed (fetch or push failed, git error); \
        2 refused (not the contract's owner, a dependency cycle, contracts still imported \
        without --force, the realm or domain already exists, already in another realm); \
        3 a realm file is malformed (the message names the file and line); 4 environment \
        error (not a repository, not a member, realm not found); 64 usage error. \
        'git realm check' has its own: 0 clean, 1 errors, 2 warnings only (1 with --strict).
        """ + "\n\n" + JSONHelp.style,
        version: HyperforgeVersion.current,
        subcommands: [Status.self, Fetch.self, Check.self, Hooks.self, Session.self, Ack.self, Coordinator.self, Admin.self]
    )
}
