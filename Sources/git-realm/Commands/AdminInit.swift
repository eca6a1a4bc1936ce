import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Admin {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a realm repository with realm.yaml and push it.",
            discussion: """
            Without --url the realm is a bare repository under \
            $XDG_DATA_HOME/hyperforge/realms/NAME.git (default ~/.local/share/...), and \
            repositories join it by name. A local path that does not exist is created; an \
            ssh or https repository must already exist (empty). Refuses when the URL already \
            holds a realm.
            """
        )
        @Option(help: "The realm's name.")
        var name: String
        @Option(help: ArgumentHelp("Where the realm lives: a path or an ssh/https git URL.", valueName: "url"))
        var url: String?
        @Option(help: "The realm repository's branch.")
        var branch = Realm.InitOptions().branch
        @Option(help: ArgumentHelp("open, approval or invite-only.", valueName: "policy"))
        var admission = Realm.InitOptions().admission
        @Option(help: ArgumentHelp("collaborative, vendor-customer or federation.", valueName: "mode"))
        var trustMode = Realm.InitOptions().trustMode
        @Flag(help: "Print what would be created and pushed; change nothing.")
        var dryRun = false

        func run() async throws {
            var o = Realm.InitOptions()
            o.name = name
            o.url = url
            o.branch = branch
            o.admission = admission
            o.trustMode = trustMode
            o.dryRun = dryRun
            try await execute(.realm) { try await Realm.adminInit(o, context: $0) }
        }
    }
}
