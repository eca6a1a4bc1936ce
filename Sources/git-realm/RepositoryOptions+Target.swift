import CLISupport
import HyperforgeRealm

extension RepositoryOptions {
    /// The repository as the realm's commands take it.
    var target: Realm.Target { Realm.Target(path: path) }
}
