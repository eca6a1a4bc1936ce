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

            Background fetch: while it runs, it fetches each realm into each member \
            repository on this machine (registered by join, by a fetch that moved the realm \
            and by every git realm command run there) whose last fetch is more than \
            background_fetch_age seconds old (coordinator.toml; default 300, from 1 to \
            604800; false turns it off), one at a time, with git realm fetch's own checks: \
            a malformed or rewritten realm, or a signed realm's commits of the wrong writers, \
            are refused and refs/realm/REALM/fetched stays \
            (--accept-rewrite is never used). A member that never fetched is left to git \
            realm fetch. A background fetch never prompts: it has no terminal and empty \
            input, GIT_TERMINAL_PROMPT=0, no askpass for git (GIT_ASKPASS is empty, which \
            also skips core.askPass and SSH_ASKPASS) or ssh (SSH_ASKPASS_REQUIRE=never, no \
            DISPLAY), GCM_INTERACTIVE=never; your ssh command, keys, agent and credential \
            helpers are used as configured, so what they answer without asking works (a git \
            scope whose policy needs an approval is not asked for: git-credential-hforge \
            answers nothing and no request appears in 'git scope pending'). It \
            never blocks a command: when a command is fetching or writing the realm in that \
            repository it steps aside and tries again shortly, and a command waits at most \
            for its last step (moving the ref). It is stopped after 60 s, and it is not \
            activity: the coordinator still exits after idle_timeout. Each failure is \
            logged with the member's path and the realm (URLs without their credentials) \
            and tried again after the age, doubling with each failure in a row up to an hour \
            (or the age, if longer); 'git realm coordinator status' shows each member's last \
            fetch, attempt and error.

            LIMITS: coordinator.toml is read only as a regular file of at most 4 MiB; \
            idle_timeout (and HFORGE_COORDINATOR_IDLE_TIMEOUT) takes a number of seconds from 1 \
            to 86400, background_fetch_age one from 1 to 604800 (or false) and [tcp] port a \
            port from 1 to 65535; anything else (inf, nan, a fraction of \
            a port) is an error naming the file and line, which the tool that would start the \
            coordinator reports itself (exit 3), and the coordinator, when started anyway, logs. \
            Requests are bounded too: see 'man hyperforge-coordinator' (LIMITS).
            """,
            subcommands: [Status.self, Stop.self, Logs.self]
        )
    }
}
