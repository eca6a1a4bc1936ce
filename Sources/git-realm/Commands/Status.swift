import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the realm from this repository: domains, roles, contracts, imports, stale bindings, what changed.",
            discussion: """
            Reads the realm as last fetched (refs/realm/REALM/fetched; --fetch fetches first, \
            and when the realm's new tip is malformed or rewritten, warns and goes on from the \
            last good realm). \
            Shows this repository's domains and role in each, each contract's version and owner, \
            each import's range and whether the contract's version satisfies it, bindings whose \
            resolved_version lags the contract, and what changed in the realm (contract versions, \
            members, domains) since this repository last looked; that point \
            (refs/realm/REALM/seen) then moves to the current realm commit.
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
