import HyperforgeCore

/// What can be wrong in a question about the realm (git realm mcp's tool
/// arguments): a member, contract or version the realm does not have. Each
/// message names the argument and what the realm has instead.
public enum QueryError: HyperforgeError, Equatable {
    case notAMemberOfRealm(repo: String, realm: String, members: [String])
    case unknownContract(name: String, realm: String, known: [String])
    case ambiguousContract(name: String, candidates: [String])
    case unknownVersion(contract: String, version: String, known: [String])
    case notAVersion(argument: String, value: String, reason: String)

    public var exitStatus: ExitStatus { .usage }

    public var description: String {
        switch self {
        case .notAMemberOfRealm(let repo, let realm, let members):
            return "repo \"\(repo)\" is not a member of realm \(realm) (members: \(Self.list(members)))"
        case .unknownContract(let name, let realm, let known):
            return "contract \"\(name)\" is not in realm \(realm) (contracts: \(Self.list(known)))"
        case .ambiguousContract(let name, let candidates):
            return "contract \"\(name)\" is in more than one domain: \(candidates.joined(separator: ", "))"
        case .unknownVersion(let contract, let version, let known):
            return "version \(version) of \(contract) is not in the realm's history (versions: \(Self.list(known)))"
        case .notAVersion(let argument, let value, let reason):
            return "\(argument) \"\(value)\" is not a version: \(reason)"
        }
    }

    public var hint: String? {
        switch self {
        case .notAMemberOfRealm: return "name one of the members, or leave repo out for this repository"
        case .unknownContract: return "name one of the contracts, as NAME or DOMAIN/NAME ('git realm status' lists them); run 'git realm fetch' if it is new"
        case .ambiguousContract: return "name it as DOMAIN/NAME"
        case .unknownVersion: return "name one of the versions listed, or leave version out for the current one"
        case .notAVersion: return "a version is MAJOR.MINOR.PATCH, e.g. 1.4.0"
        }
    }

    static func list(_ names: [String]) -> String {
        names.isEmpty ? "none" : names.prefix(30).joined(separator: ", ") + (names.count > 30 ? ", ..." : "")
    }
}
