import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit

/// When this client first saw each proposal record, so that a record's
/// `created_at` (written by whoever pushed it, so it can be backdated) cannot
/// shorten the grace period. `.git/realm/proposals-seen/REALM` (the common
/// git directory), written after every fetch of the realm's proposals into
/// the member repository:
///
///     checked 1769000000
///     aperture-20260124-150000 1768990000
///
/// `checked`: the last time the proposals were fetched here (seconds since
/// 1970, by the proposals' clock). A record first found by a fetch appeared in
/// the realm after the fetch before it, so it is noted with that earlier
/// fetch's time (or with the time of this fetch when there was none before).
/// The grace period then starts at the later of the record's `created_at`
/// and that time: an honest record is judged by its own time (this client
/// looked before it was pushed), a backdated one by when it can first have
/// been there, and a client that never looked before starts counting now.
/// Best effort, like the fetch record: a sync that fetched is not failed for it.
enum ProposalSightings {
    static func path(commonDirectory: String, realm: String) -> String { commonDirectory + "/realm/proposals-seen/" + realm }

    struct Book: Equatable {
        var checked: Int64?
        var appeared: [String: Int64] = [:]

        /// Since when `id` can have been in the realm, as far as this client knows (`now` for one it never saw).
        func appeared(_ id: String, now: Date) -> Date {
            Date(timeIntervalSince1970: Double(appeared[id] ?? checked ?? Int64(now.timeIntervalSince1970)))
        }
    }

    static func read(commonDirectory: String, realm: String) -> Book {
        var book = Book()
        guard RealmNames.problem(realm) == nil,
              let bytes = try? FileRead.bytes(path(commonDirectory: commonDirectory, realm: realm), limit: 4 << 20),
              let text = String(validating: bytes, as: UTF8.self) else { return book }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let seconds = Int64(parts[1]) else { continue }
            if parts[0] == "checked" { book.checked = seconds } else if RealmNames.problem(String(parts[0])) == nil { book.appeared[String(parts[0])] = seconds }
        }
        return book
    }

    /// After a fetch of the proposals under `prefix` of `repository`: notes the new records, forgets the ones gone.
    static func record(_ repository: Repository, realm: String, prefix: String, now: Date) {
        guard RealmNames.problem(realm) == nil, let names = try? repository.references(under: prefix) else { return }
        let common = repository.commonDirectory
        let before = read(commonDirectory: common, realm: realm)
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        var after = Book(checked: seconds)
        for name in names {
            let rest = name.dropFirst(prefix.count).split(separator: "/")
            guard rest.count == 2, rest[1] == "record" else { continue }
            let id = String(rest[0])
            after.appeared[id] = before.appeared[id] ?? before.checked ?? seconds
        }
        guard after != before else { return }
        let dir = common + "/realm/proposals-seen"
        for d in [common + "/realm", dir] where mkdir(d, 0o777) != 0 && errno != EEXIST { return }
        let lines = ["checked \(seconds)"] + after.appeared.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        try? AtomicFile.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: path(commonDirectory: common, realm: realm), mode: 0o644)
    }

    /// Each proposal with when it can first have been in the realm, by `book`.
    static func apply(_ loaded: inout [LoadedProposal], book: Book, now: Date) {
        for i in loaded.indices { loaded[i].appeared = book.appeared(loaded[i].proposal.id, now: now) }
    }
}
