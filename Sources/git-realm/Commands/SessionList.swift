import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Session {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the sessions in this repository's realm.", discussion: JSONHelp.sessionList)
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Every realm's sessions.")
        var all = false
        @Flag(help: "Print as JSON.")
        var json = false
        func run() async throws {
            var o = Realm.SessionOptions()
            o.target = repository.target
            o.allRealms = all
            o.json = json
            try await execute(.realm, json: o.json) { try await Realm.sessionList(o, context: $0) }
        }
    }
}
