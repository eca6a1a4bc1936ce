import ArgumentParser
import CLISupport
import HyperforgeHforge

// What `git hforge ... <TAB>` offers, from local files only (Hforge.Completion),
// for the repository `--path` names among the words, else the working directory.

extension CompletionKind {
    /// Forge names as a comma-separated list (`--forges github,codeberg`).
    static var forgeList: CompletionKind {
        .custom { words, _, prefix in
            Completions.commaList(Hforge.Completion.forgeNames(path: Completions.path(in: words), context: Completions.context()), prefix: prefix)
        }
    }

    /// `FORGE=~/.ssh/KEY` pairs.
    static var sshKeys: CompletionKind {
        .custom { words, _, prefix in
            Completions.offer(Hforge.Completion.sshPairs(prefix: prefix, path: Completions.path(in: words), context: Completions.context()))
        }
    }
}

extension CompletionKind {
    /// One forge name (`git hforge remote <forge> ...`).
    static var forgeName: CompletionKind {
        .custom { words, _, _ in
            Completions.offer(Hforge.Completion.forgeNames(path: Completions.path(in: words), context: Completions.context()))
        }
    }
}
