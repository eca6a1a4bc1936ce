import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the realm from this repository: domains, roles, contracts, imports, stale bindings, what changed.",
            discussion: """
            Reads the realm as last fetched (refs/realm/REALM/fetched; --fetch fetches first, \
            and when the realm's new tip is malformed, rewritten or, in a signed realm, brings \
            commits of the wrong writers (see 'git realm fetch --help'), warns and goes on from \
            the last good realm). \
            Shows this repository's domains and role in each, each contract's version and owner, \
            each import's range and whether the contract's version satisfies it, bindings whose \
            resolved_version lags the contract, and what changed in the realm (contract versions, \
            members, domains) since this repository last looked; that point \
            (refs/realm/REALM/seen) then moves to the current realm commit.

            The first line says how old that realm is: "as of 3 min ago" (seconds, minutes, \
            hours or days since the last successful fetch here: git realm fetch, --fetch, \
            check --fetch, a write of ours that landed, or the coordinator's background \
            fetch; a refused fetch does not count). Each is recorded in \
            .git/realm/fetched-at/REALM; --json gives it as "fetched_at", an RFC 3339 UTC \
            time, or null when no fetch was recorded. While the coordinator runs, it fetches \
            in the background a realm last fetched more than background_fetch_age seconds \
            ago (default 300; see git realm coordinator), so the status is fresh without \
            waiting for a fetch.
            """ + "\n\n" + JSONHelp.realmStatus
        )
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Print the report as JSON.")
        var json = false
        @Flag(help: "Fetch the realm before reporting.")
        var fetch = false
        @Flag(help: "Read the realm's files again instead of the cached index.")
        var noCache = false

        func run() async throws {
            var o = Realm.StatusOptions()
            o.target = repository.target
            o.json = json
            o.fetch = fetch
            o.noCache = noCache
            try await executeInSession(o.target, command: "status", json: o.json) { try await Realm.status(o, context: $0) }
        }
    }
}
