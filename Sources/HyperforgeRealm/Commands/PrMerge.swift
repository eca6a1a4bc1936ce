import HyperforgeCore
import HyperforgeGit

extension Realm {
    public struct PrMergeOptions: Sendable {
        public var target = Target()
        public var rfc: String?
        public var dryRun = false
        public init() {}
    }

    /// `git realm pr merge`: merges the change's requests in merge order, each
    /// only after the forge reports the one before it merged; stops at the
    /// first that cannot merge (exit 1), leaving the rest open.
    public static func prMerge(_ options: PrMergeOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let (change, snapshot) = try openChange(options.target, rfc: options.rfc, context: context)
        var found = try await findRequests(try requestSites(change, snapshot: snapshot, dryRun: options.dryRun, context: context),
                                           branch: change.branch, reviews: true)
        func stop(_ i: Int, _ why: String) -> ExitStatus {
            out.line("\(out.styled("✗", .red)) \(found[i].shortName) cannot merge: \(why)")
            let rest = found[(i + 1)...].map(\.shortName)
            if !rest.isEmpty { out.line("not merged, waiting for \(found[i].shortName): " + rest.joined(separator: ", ")) }
            if options.dryRun { out.line("dry run: nothing was merged") }
            return .failure
        }
        for i in found.indices {
            let r = found[i]
            if r.request?.state == .merged {
                out.line("\(out.styled("✓", .green)) \(r.shortName) already merged")
                continue
            }
            let (may, why) = mergeable(r, earlier: Array(found[..<i]))
            guard may, let pr = r.request else { return stop(i, why) }
            let result: ForgeMutation<MergeResult>
            do { result = try await r.site.client.merge(r.site.ref, number: pr.number, method: .merge, sha: pr.headSHA) } catch let e as any HyperforgeError {
                return stop(i, e.description)
            }
            switch result {
            case .planned(let request):
                out.line("  would merge \(r.shortName): \(request.method) \(request.url)")
                found[i].request?.state = .merged // what the next ones would then see
            case .done(let merged):
                guard merged.merged else { return stop(i, merged.message ?? "the forge did not merge it") }
                // Only what the forge itself reports lets the next one go.
                guard let now = try await r.site.client.pullRequest(r.site.ref, number: pr.number), now.state == .merged else {
                    return stop(i, "the forge does not report it merged yet; run 'git realm pr merge' again")
                }
                found[i].request = now
                out.line("\(out.styled("✓", .green)) merged \(r.shortName)" + (merged.sha.map { " (\($0.prefix(12)))" } ?? ""))
            }
        }
        out.line(options.dryRun ? "dry run: nothing was merged" : "All \(found.count) requests of \(change.branch) are merged")
        return .success
    }
}
