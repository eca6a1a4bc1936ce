import ArgumentParser
import CLISupport
import HyperforgeRealm

// What `git realm ... <TAB>` offers, from local state only (Realm.Completion):
// the realm as this repository (`--path` among the words, else the working
// directory) last fetched it.

extension CompletionKind {
    /// The realms made on this machine, by name.
    static var realmNames: CompletionKind {
        .custom { _, _, _ in Completions.offer(Realm.Completion.realmNames(context: Completions.context())) }
    }

    static var realmDomains: CompletionKind {
        .custom { words, _, _ in Completions.offer(Realm.Completion.domains(.completing(words), context: Completions.context())) }
    }

    /// NAME and DOMAIN/NAME.
    static var realmContracts: CompletionKind {
        .custom { words, _, _ in Completions.offer(Realm.Completion.contracts(.completing(words), context: Completions.context())) }
    }

    static var realmMembers: CompletionKind {
        .custom { words, _, _ in Completions.offer(Realm.Completion.members(.completing(words), context: Completions.context())) }
    }

    /// Members as a comma-separated list (`--repos a,b`).
    static var realmMemberList: CompletionKind {
        .custom { words, _, prefix in
            Completions.commaList(Realm.Completion.members(.completing(words), context: Completions.context()), prefix: prefix)
        }
    }
}

extension Realm.Target {
    /// The repository a completion is about: `--path` among the words typed so far.
    static func completing(_ words: [String]) -> Realm.Target {
        Realm.Target(path: Completions.path(in: words))
    }
}
