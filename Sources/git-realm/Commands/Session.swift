import ArgumentParser

extension GitRealm {
    struct Session: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Long-lived sessions: tell the others in the realm what this repository is working on.",
            discussion: """
            Every git realm command registers a session for its repository while it runs; \
            'session start' keeps one until 'session end'. Sessions are held by the coordinator \
            (see 'git realm coordinator'); 'git realm status' lists them.
            """,
            subcommands: [Start.self, End.self, List.self]
        )
    }
}
