import FoundationEssentials
import HyperforgeCore
import HyperforgeGit

extension Realm {
    /// What one background fetch did, for the coordinator that asked for it.
    public enum BackgroundFetchOutcome: Sendable, Equatable {
        /// `refs/realm/REALM/fetched` moved (from nil: it did not exist).
        case fetched(from: String?, to: String)
        case unchanged(String)
        /// A command was fetching or writing the realm there; try again later.
        case skipped(String)
        /// The path is no longer a member repository of the realm (gone, left,
        /// another realm, never fetched): the coordinator forgets it.
        case notAMember(String)
        /// The fetch failed or was refused, as `git realm fetch` would have
        /// been: its error and hint, and the exit status it would have had.
        case failed(message: String, exitStatus: Int32)
    }

    /// The environment of a background fetch and of everything it starts:
    /// nothing may prompt. No terminal is reachable (the coordinator has none
    /// and its children have none), standard input is empty, and:
    /// - `GIT_TERMINAL_PROMPT=0`: git asks no username or password on a terminal;
    /// - `GIT_ASKPASS` empty: an empty value makes git skip its askpass programs
    ///   (`GIT_ASKPASS`, `core.askPass`, `SSH_ASKPASS`) instead of running one;
    /// - `SSH_ASKPASS_REQUIRE=never`, and no `DISPLAY`/`WAYLAND_DISPLAY`: ssh
    ///   never opens a passphrase or host-key dialog;
    /// - `GCM_INTERACTIVE=never`: Git Credential Manager answers from its store or fails.
    /// Credential helpers that answer without asking (a store, a keyring that is
    /// unlocked, `git-credential-hforge`) still work, and the user's ssh
    /// (`core.sshCommand`, `GIT_SSH_COMMAND`, `~/.ssh/config`, agent) is left as
    /// configured: forcing `GIT_SSH_COMMAND="ssh -o BatchMode=yes"` would replace
    /// their `core.sshCommand` (`git-hforge ssh`, which picks each forge's key).
    /// Without a terminal, ssh cannot ask for a passphrase or to accept a new
    /// host key either: it fails, as `BatchMode` would make it.
    public static func backgroundEnvironment(_ environment: [String: String]) -> [String: String] {
        var env = environment
        env["GIT_TERMINAL_PROMPT"] = "0"
        env["GIT_ASKPASS"] = ""
        env["SSH_ASKPASS_REQUIRE"] = "never"
        env["SSH_ASKPASS"] = nil
        env["DISPLAY"] = nil
        env["WAYLAND_DISPLAY"] = nil
        env["GCM_INTERACTIVE"] = "never"
        env[CoordinatorClient.backgroundVariable] = "1"
        return env
    }

    /// The coordinator's background fetch of `realm` into the member
    /// repository at `path`: `git realm fetch`'s own fetch (`fetchRealm`:
    /// the same temporary ref, strict reader and cross-checks, the same
    /// refusal of a malformed tip or a rewritten history, never
    /// `--accept-rewrite`; the same notifications), except that it stands
    /// aside for a command fetching or writing there (`FetchLock`) and runs
    /// in `backgroundEnvironment`. Only members that fetched before are
    /// fetched: one never fetched here waits for `git realm fetch`.
    public static func backgroundFetch(member path: String, realm: String, context: Context) async -> BackgroundFetchOutcome {
        var context = context
        context.environment = backgroundEnvironment(GitEnvironment.detached(context.environment))
        let repository: Repository
        let membership: Membership
        do {
            repository = try Repository.open(at: path, environment: context.environment)
            guard let m = try Membership.read(repository) else { return .notAMember("\(path) is no longer a member of a realm") }
            guard m.realm == realm else { return .notAMember("\(path) is now a member of realm \(m.realm), not \(realm)") }
            guard try repository.resolve(m.fetchedRef) != nil else {
                return .notAMember("\(path) never fetched realm \(realm) (\(m.fetchedRef) does not exist; run 'git realm fetch' there)")
            }
            membership = m
        } catch {
            return .notAMember("\(path) is not a member repository any more: \(describe(error))")
        }
        do {
            let taken = try await fetchRealm(repository, membership, background: true, context: context)
            return taken.before == taken.after ? .unchanged(taken.after) : .fetched(from: taken.before, to: taken.after)
        } catch let busy as RealmIntake.Busy {
            return .skipped(busy.reason)
        } catch {
            let status = (error as? any HyperforgeError)?.exitStatus ?? .failure
            return .failed(message: describe(error), exitStatus: status.rawValue)
        }
    }

    /// An error as a command prints it: the message, then its hint.
    static func describe(_ error: any Error) -> String {
        guard let e = error as? any HyperforgeError else { return "\(error)" }
        return e.description + (e.hint.map { "\nhint: " + $0 } ?? "")
    }
}
