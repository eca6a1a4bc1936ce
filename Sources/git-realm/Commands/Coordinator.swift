import ArgumentParser

extension GitRealm {
    struct Coordinator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The per-user coordinator that holds sessions and notifications.",
            discussion: """
            It starts on demand (hyperforge-coordinator, next to git-realm or on PATH), at most \
            one per user, listens on $XDG_RUNTIME_DIR/hyperforge/coordinator.sock (a directory \
            only you can enter; /tmp/hyperforge-UID without XDG_RUNTIME_DIR), keeps its state \
            in $XDG_STATE_HOME/hyperforge/coordinator.db (SQLite, WAL) and exits after \
            idle_timeout seconds (default 300) with no sessions and no requests. \
            $XDG_CONFIG_HOME/hyperforge/coordinator.toml: enabled = false turns it off; \
            [tcp] port = N also listens on 127.0.0.1:N, where every request needs \
            'Authorization: Bearer' and the token in $XDG_STATE_HOME/hyperforge/coordinator.token. \
            HFORGE_COORDINATOR=off turns it off for one command. When it cannot start or \
            answer, commands that only need the realm still work and say so once.

            LIMITS: coordinator.toml is read only as a regular file of at most 4 MiB; \
            idle_timeout (and HFORGE_COORDINATOR_IDLE_TIMEOUT) takes a number of seconds from 1 \
            to 86400 and [tcp] port a port from 1 to 65535; anything else (inf, nan, a fraction of \
            a port) is an error naming the file and line, which the tool that would start the \
            coordinator reports itself (exit 3), and the coordinator, when started anyway, logs. \
            Requests are bounded too: see 'man hyperforge-coordinator' (LIMITS).
            """,
            subcommands: [Status.self, Stop.self, Logs.self]
        )
    }
}
