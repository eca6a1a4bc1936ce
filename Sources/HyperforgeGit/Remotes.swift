
import CGit2Loader
import HyperforgeCore

/// A configured git remote.
public struct Remote: Sendable, Equatable {
    public let name: String
    public let url: String?
    public let pushURL: String?

    public init(name: String, url: String?, pushURL: String?) {
        self.name = name
        self.url = url
        self.pushURL = pushURL
    }
}

extension Remote {
    /// How this remote differs from pointing at `wanted`: whether its URL is
    /// another one, and the push URL that sends pushes elsewhere, if any.
    public func divergence(from wanted: String) -> (url: Bool, pushURL: String?) {
        (url != wanted, pushURL.flatMap { $0 == wanted ? nil : $0 })
    }
}

extension Repository {
    /// The remotes configured here, in the order `git_remote_list` gives
    /// them (by name, byte order): every `remote.NAME.url` or `.pushurl`.
    /// Found by `GitConfig.entries(where:)`, not `git_remote_list`, whose
    /// regex leaks per configuration entry in libgit2 1.5.
    public func remotes() throws(GitError) -> [Remote] {
        var names = Set<String>()
        for entry in try config.entries(where: { $0.hasPrefix("remote.") && ($0.hasSuffix(".url") || $0.hasSuffix(".pushurl")) }) {
            var name = entry.name.dropFirst("remote.".count)
            name = name.hasSuffix(".pushurl") ? name.dropLast(".pushurl".count) : name.dropLast(".url".count)
            if !name.isEmpty { names.insert(String(name)) }
        }
        var result: [Remote] = []
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            result.append(Remote(name: name,
                                 url: try config.string("remote.\(name).url"),
                                 pushURL: try config.string("remote.\(name).pushurl")))
        }
        return result
    }

    public func remote(named name: String) throws(GitError) -> Remote? {
        try remotes().first(where: { $0.name == name })
    }

    /// `git remote add NAME URL`: the URL and the default fetch refspec.
    public func addRemote(_ name: String, url: String) throws(GitError) {
        var remote: OpaquePointer?
        try check(G.git_remote_create(&remote, pointer, name, url), "adding remote \(name)")
        G.git_remote_free(remote)
    }

    /// `git remote set-url NAME URL`.
    public func setRemoteURL(_ name: String, url: String) throws(GitError) {
        try check(G.git_remote_set_url(pointer, name, url), "setting the URL of remote \(name)")
    }

    /// Removes a remote's push URL so pushes go to its URL.
    public func removePushURL(_ name: String) throws(GitError) {
        try config.level(.local).remove("remote.\(name).pushurl")
    }

    /// `git remote remove NAME`: its configuration, its remote-tracking refs
    /// and the branches' upstream settings that used it.
    public func removeRemote(_ name: String) throws(GitError) {
        try check(G.git_remote_delete(pointer, name), "removing remote \(name)")
    }

    /// `git remote rename OLD NEW`.
    public func renameRemote(_ old: String, to new: String) throws(GitError) {
        var problems = git_strarray()
        try check(G.git_remote_rename(&problems, pointer, old, new), "renaming remote \(old) to \(new)")
        G.git_strarray_dispose(&problems)
    }
}
