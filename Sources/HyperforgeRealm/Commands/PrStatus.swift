import HyperforgeCore
import HyperforgeGit

extension Realm {
    public struct PrStatusOptions: Sendable {
        public var target = Target()
        public var rfc: String?
        public var json = false
        public init() {}
    }

    /// `git realm pr status`: each request of the coordinated change in merge
    /// order, its state and reviews, and which may merge now (read only).
    public static func prStatus(_ options: PrStatusOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let (change, snapshot) = try openChange(options.target, rfc: options.rfc, context: context)
        let found = try await findRequests(try requestSites(change, snapshot: snapshot, dryRun: true, context: context), branch: change.branch, reviews: true)
        var docs: [JSONValue] = []
        var lines = ["\(change.branch): merge order " + found.map(\.shortName).joined(separator: " → ")]
        for (i, r) in found.enumerated() {
            let (may, why) = mergeable(r, earlier: Array(found[..<i]))
            let latest = Dictionary(r.reviews.map { ($0.reviewer, $0.state) }, uniquingKeysWith: { $1 })
            let approvedBy = latest.filter { $0.value == .approved }.keys.sorted()
            let state = r.request.map { $0.draft && $0.state == .open ? "draft" : $0.state.rawValue } ?? "none"
            docs.append(.object([
                "repo": .string(r.site.label), "forge": .string(r.site.forge.name), "number": r.request.map { .integer(Int64($0.number)) } ?? .null,
                "url": r.request?.webURL.map(JSONValue.string) ?? .null, "state": .string(state),
                "reviews": .array(r.reviews.map { .object(["reviewer": .string($0.reviewer), "state": .string($0.state.rawValue)]) }),
                "approved_by": .array(approvedBy.map(JSONValue.string)),
                "blocked_by": .array(found[..<i].filter { $0.request?.state != .merged }.map { .string($0.shortName) }),
                "may_merge": .bool(may), "why": .string(why),
            ]))
            let reviews = approvedBy.isEmpty ? (r.reviews.isEmpty ? "no reviews" : "reviews: " + latest.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.rawValue)" }.joined(separator: ", "))
                : "approved by " + approvedBy.joined(separator: ", ")
            lines.append("  \(i + 1). \(r.shortName) \(state)" + (r.request == nil ? "" : ", \(reviews)") + "; \(may ? out.styled(why, .green) : why)")
        }
        if options.json {
            out.line(JSONOutput.render(.object(["change": .string(change.name), "branch": .string(change.branch), "requests": .array(docs)])))
        } else {
            out.line(lines.joined(separator: "\n"))
        }
        return .success
    }
}
