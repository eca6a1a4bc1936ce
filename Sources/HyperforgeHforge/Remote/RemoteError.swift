import HyperforgeCore

/// What can go wrong in `git hforge remote ...` and the forge side of
/// `init --create`, `sync --create` and `status --remote`, beyond the forge
/// API's own errors (`ForgeAPIError`).
public enum RemoteError: HyperforgeError, Equatable {
    /// Some repositories of a pull failed (each was reported with its error:
    /// in lines, or with `json` in the document's entries).
    case pullFailed(failed: [String], done: Int, json: Bool = false)
    /// The forge is declared only by a repository's committed config: its API gets no request.
    case untrustedForge(forge: String, declaredAt: String?, authPath: String)
    /// `create`: the forge is not among the config's forges.
    case forgeNotInConfig(forge: String, forges: [String])
    /// Creating repositories on some forges failed (the others were created or existed).
    case createFailed(forges: [String])

    public var exitStatus: ExitStatus {
        switch self {
        case .pullFailed, .createFailed: return .failure
        case .untrustedForge: return .refused
        case .forgeNotInConfig: return .usage
        }
    }

    public var description: String {
        switch self {
        case .pullFailed(let failed, let done, _):
            let names = failed.prefix(10).joined(separator: ", ") + (failed.count > 10 ? ", ..." : "")
            return "\(failed.count) repositor\(failed.count == 1 ? "y" : "ies") failed (\(names)); \(done) other\(done == 1 ? " was" : "s were") done"
        case .untrustedForge(let forge, let declaredAt, _):
            return "forge \(forge) is declared only by a repository's committed config\(declaredAt.map { " (\($0))" } ?? ""): no request is sent to its API, and no token"
        case .forgeNotInConfig(let forge, let forges):
            return "\(forge) is not one of this repository's forges (\(forges.joined(separator: ", ")))"
        case .createFailed(let forges):
            return "creating the repository failed on \(forges.joined(separator: ", ")); nothing else was changed"
        }
    }

    public var hint: String? {
        switch self {
        case .pullFailed(_, _, let json):
            return "fix what \(json ? "each failed repository's error says (its \"error\" in the document's \"repositories\")" : "the lines above say"), "
                + "then run the same pull again: what is in place is fetched, the rest is cloned (a name the forge does not list stays failed)"
        case .untrustedForge(let forge, _, let authPath):
            return "declare [custom_forges.\(forge)] in your \(authPath) (or a defaults.toml of yours that no repository tracks) to use its API"
        case .forgeNotInConfig: return "add it to forges in .hyperforge/config.toml, or name one of the listed forges"
        case .createFailed: return "fix what the errors above say and run the command again: repositories that exist are left as they are"
        }
    }
}
