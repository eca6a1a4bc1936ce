import ArgumentParser

extension GitRealm {
    struct Hooks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install or remove pre-commit and pre-push hooks that run 'git realm check'.",
            discussion: """
            Hooks go where git looks for them (core.hooksPath, else .git/hooks). A hook already \
            there is kept as HOOK.realm-chained and run first; uninstall puts it back. Warnings \
            (exit 2) do not stop a commit or push; errors do.
            """,
            subcommands: [Install.self, Uninstall.self]
        )
    }
}
