import FoundationEssentials
import HyperforgeCore
import HyperforgeGit

extension Realm {
    /// What the shells offer when the user presses TAB in `git realm ...`
    /// (the executable is asked through ArgumentParser's `---completion`).
    /// Local state only: the realms made on this machine and the realm as
    /// this repository last fetched it (never fetched for a completion),
    /// nothing written, and never an error: what cannot be read offers nothing.
    public enum Completion {
        /// The realms `git realm admin init` made here without `--url`
        /// (`$XDG_DATA_HOME/hyperforge/realms/NAME.git`), which
        /// `git realm admin join NAME` takes by name.
        public static func realmNames(context: Context) -> [String] {
            let dir = context.paths.dataHome + "/hyperforge/realms"
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            return entries.compactMap { entry -> String? in
                guard entry.hasSuffix(".git") else { return nil }
                let name = String(entry.dropLast(4))
                guard RealmNames.problem(name) == nil, FilePaths.isDirectory(dir + "/" + entry) else { return nil }
                return name
            }.sorted()
        }

        /// The fetched realm's domains.
        public static func domains(_ target: Target, context: Context) -> [String] {
            fetched(target, context: context).map { $0.domains.keys.sorted() } ?? []
        }

        /// The fetched realm's contracts, as `--contract` takes them: each
        /// NAME once, and DOMAIN/NAME for every one.
        public static func contracts(_ target: Target, context: Context) -> [String] {
            guard let index = fetched(target, context: context) else { return [] }
            var names = Set<String>()
            var qualified: [String] = []
            for (domain, d) in index.domains {
                for name in d.contracts.keys {
                    names.insert(name)
                    qualified.append("\(domain)/\(name)")
                }
            }
            return names.sorted() + qualified.sorted()
        }

        /// The fetched realm's member repositories.
        public static func members(_ target: Target, context: Context) -> [String] {
            fetched(target, context: context).map { $0.repos.keys.sorted() } ?? []
        }

        /// The realm as `refs/realm/REALM/fetched` holds it: the index this
        /// repository cached for that commit, else read from the commit's
        /// tree (and not cached: a completion writes nothing).
        static func fetched(_ target: Target, context: Context) -> RealmIndex? {
            guard let (repo, membership) = try? openMember(target, context: context),
                  let commit = try? repo.resolve(membership.fetchedRef) else { return nil }
            if let index = RealmIndex.cached(commit: commit, repo: repo) { return index }
            guard let state = try? RealmReader.state(of: repo, commit: commit), let snapshot = state.snapshot else { return nil }
            return RealmIndex(snapshot, files: state.files)
        }
    }
}
