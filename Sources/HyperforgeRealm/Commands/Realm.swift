import HyperforgeCore
import HyperforgeGit

/// `git realm`: repositories that depend on each other through versioned
/// contracts kept in a shared realm repository (RFC 0001). One file per
/// command in this folder; the executable only parses arguments.
public enum Realm {
    /// Options every command that works on "this repository" takes.
    public struct Target: Sendable {
        /// The repository (default: the working directory).
        public var path: String?
        public init(path: String? = nil) { self.path = path }
    }

    static func openRepository(_ target: Target, context: Context) throws -> Repository {
        try Repository.discover(from: context.resolve(target.path ?? "."), environment: context.environment)
    }

    /// This repository and its membership; an error when it has none.
    package static func openMember(_ target: Target, context: Context) throws -> (Repository, Membership) {
        let repo = try openRepository(target, context: context)
        guard let membership = try Membership.read(repo) else {
            throw RealmError.notAMember(repository: repo.workingDirectory ?? repo.gitDirectory)
        }
        return (repo, membership)
    }

    /// A timestamp as the RFC writes them: `2026-01-24T10:00:00Z`.
    static func timestamp(_ context: Context) -> String { Timestamp.utc(context.now()) }

    static func checkName(_ name: String, kind: String) throws {
        if let p = RealmNames.problem(name) { throw RealmError.invalidName(kind: kind, name: name, problem: p) }
    }

    /// Prints what a write did or would do, in the RFC's "✓ Created ..." style.
    static func report(_ outcome: RealmWriteOutcome, url: String, branch: String, out: Output.Stream) {
        let shown = RemoteURL.redacted(url)
        if outcome.changes.isEmpty {
            out.line("The realm at \(shown) is unchanged.")
            return
        }
        if outcome.dryRun {
            let base = outcome.base.commit.map { " on top of \($0.prefix(12))" } ?? " as its first commit"
            out.line("Would commit to \(shown) (branch \(branch))\(base):")
            for c in outcome.changes { out.line("  \(c.description)") }
            out.line("  message: \(outcome.message.split(separator: "\n").first ?? "")")
            return
        }
        for c in outcome.changes {
            let verb: String
            switch c { case .create: verb = "Created"; case .update: verb = "Updated"; case .delete: verb = "Removed" }
            out.line("\(out.styled("✓", .green)) \(verb) \(c.path)")
        }
        let again = outcome.retries > 0 ? " (rebuilt \(outcome.retries)× on newer realm commits)" : ""
        out.line("\(out.styled("✓", .green)) Pushed \(outcome.commit!.prefix(12)) to \(shown)\(again)")
    }

    /// The git config user.email, if any: the default maintainer/approver.
    static func userEmail(_ repo: Repository?, context: Context) -> String? {
        if let repo, let e = try? repo.config.string("user.email"), !e.isEmpty { return e }
        return nil
    }
}

extension RealmSnapshot {
    /// Every file path of a domain.
    func paths(ofDomain name: String, in files: [String: [UInt8]]) -> [String] {
        files.keys.filter { $0.hasPrefix("domains/\(name)/") }
    }
}
