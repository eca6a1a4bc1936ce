/// Which repository depends on which, through which domain (RFC "Cycle
/// Prevention"). A domain is an edge from its providers to its consumers:
/// a contract's owner and exporters provide, its importers consume; a
/// binding that names no contract contributes by its role.
struct DependencyGraph {
    struct Edge: Hashable { var to: String; var domain: String }
    private(set) var edges: [String: Set<Edge>] = [:]

    init() {}

    init(_ snapshot: RealmSnapshot) {
        for (domainName, domain) in snapshot.domains {
            for (contractName, contract) in domain.contracts {
                var providers: Set<String> = [contract.owner]
                var consumers: Set<String> = []
                for (repo, binding) in domain.bindings {
                    if binding.exports.contains(where: { $0.contract == contractName }) { providers.insert(repo) }
                    if binding.imports.contains(where: { $0.contract == contractName }) { consumers.insert(repo) }
                }
                for p in providers { for c in consumers where c != p { add(p, c, domainName) } }
            }
            let unnamed = domain.bindings.values.filter { $0.exports.isEmpty && $0.imports.isEmpty }
            for p in unnamed where p.role != .consumer {
                for c in domain.bindings.values where c.repo != p.repo && c.role != .provider { add(p.repo, c.repo, domainName) }
            }
        }
    }

    mutating func add(_ from: String, _ to: String, _ domain: String) {
        edges[from, default: []].insert(Edge(to: to, domain: domain))
    }

    /// A shortest path `from` →…→ `to` as (repo, domain taken from it) steps, nil when there is none.
    func path(from: String, to: String) -> [(repo: String, domain: String)]? {
        var previous: [String: (repo: String, domain: String)] = [:]
        var queue = [from]
        var seen: Set<String> = [from]
        var index = 0
        while index < queue.count {
            let node = queue[index]
            index += 1
            if node == to {
                var steps: [(repo: String, domain: String)] = []
                var current = to
                while current != from, let p = previous[current] {
                    steps.insert(p, at: 0)
                    current = p.repo
                }
                return steps
            }
            for edge in (edges[node] ?? []).sorted(by: { ($0.to, $0.domain) < ($1.to, $1.domain) }) where !seen.contains(edge.to) {
                seen.insert(edge.to)
                previous[edge.to] = (node, edge.domain)
                queue.append(edge.to)
            }
        }
        return nil
    }

    /// The cycle adding `provider` → `consumer` through `domain` would close,
    /// written the RFC's way: `a → (s3-access) → b → (feedback-loop) → a`.
    func cycle(adding provider: String, _ consumer: String, through domain: String) -> String? {
        guard let back = path(from: consumer, to: provider) else { return nil }
        var text = consumer
        for (i, step) in back.enumerated() {
            let next = i + 1 < back.count ? back[i + 1].repo : provider
            text += " → (\(step.domain)) → \(next)"
        }
        return text + " → (\(domain)) → \(consumer)"
    }
}
