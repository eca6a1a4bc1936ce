import HyperforgeRealm

/// Versions and version requirements (contracts, bindings' imports): each
/// input line is tried as both. A version prints as text that parses back
/// to it; a requirement prints (`description`, what status and check show)
/// as one that parses back and selects exactly the same versions; the order
/// of versions is a strict total order on precedence.
enum SemverTarget {
    static func run(_ data: [UInt8]) {
        guard let text = String(validating: data, as: UTF8.self) else { return }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(16).map(String.init)
        var versions: [SemanticVersion] = []
        var requirements: [VersionRequirement] = []
        for line in lines {
            if let v = try? SemanticVersion(parsing: line) {
                let again = try? SemanticVersion(parsing: v.description)
                check(again == v && again?.description == v.description, "version \(line) prints as \(v.description), which reads back differently")
                check(!(v < v), "\(v) < itself")
                versions.append(v)
            }
            if let r = try? VersionRequirement(parsing: line) {
                requirements.append(r)
                guard let again = try? VersionRequirement(parsing: r.description) else {
                    check(false, "requirement \(line) prints as \(r.description), which does not parse")
                    continue
                }
                check(again.comparators == r.comparators, "requirement \(line) prints as \(r.description), which reads back as \(again.description)")
            }
        }
        for a in versions {
            for b in versions {
                check(!(a < b && b < a), "\(a) and \(b) each precede the other")
                check((a < b || b < a) != (a == b), "\(a) and \(b): equal and ordered disagree")
            }
        }
        for r in requirements {
            for v in versions { _ = r.matches(v) }
        }
    }
}
