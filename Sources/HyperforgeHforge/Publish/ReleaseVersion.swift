/// A package version as the registries take it: SemVer 2.0
/// (`MAJOR.MINOR.PATCH[-PRE][+BUILD]`), compared by SemVer's precedence.
public struct ReleaseVersion: Sendable, Equatable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int
    /// Dot-separated pre-release identifiers (`["alpha", "1"]`).
    public var pre: [String]
    public var build: String?

    public enum Bump: String, Sendable, CaseIterable {
        case major, minor, patch, pre
    }

    public init?(_ text: String) {
        var rest = Substring(text)
        if let plus = rest.firstIndex(of: "+") {
            build = String(rest[rest.index(after: plus)...])
            rest = rest[..<plus]
            guard let b = build, !b.isEmpty, b.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(ReleaseVersion.isIdentifier) else { return nil }
        } else {
            build = nil
        }
        if let dash = rest.firstIndex(of: "-") {
            let p = rest[rest.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false)
            guard !p.isEmpty, p.allSatisfy(ReleaseVersion.isIdentifier) else { return nil }
            // Numeric identifiers have no leading zeros (SemVer 2.0 §9).
            guard p.allSatisfy({ !($0.allSatisfy(\.isNumber) && $0.count > 1 && $0.first == "0") }) else { return nil }
            pre = p.map(String.init)
            rest = rest[..<dash]
        } else {
            pre = []
        }
        let core = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard core.count == 3 else { return nil }
        var numbers: [Int] = []
        for part in core {
            guard !part.isEmpty, part.count <= 18, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part == "0" || part.first != "0", let n = Int(part) else { return nil }
            numbers.append(n)
        }
        major = numbers[0]; minor = numbers[1]; patch = numbers[2]
    }

    init(major: Int, minor: Int, patch: Int, pre: [String] = []) {
        self.major = major; self.minor = minor; self.patch = patch; self.pre = pre; build = nil
    }

    static func isIdentifier(_ s: Substring) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    public var description: String {
        "\(major).\(minor).\(patch)" + (pre.isEmpty ? "" : "-" + pre.joined(separator: ".")) + (build.map { "+" + $0 } ?? "")
    }

    /// The next version. A pre-release of X.Y.Z bumped by `patch` is X.Y.Z
    /// (it was a pre-release of that), as cargo-release and npm do; `pre`
    /// starts the next patch's first pre-release (`1.2.3` -> `1.2.4-alpha.1`)
    /// or counts up within one (`1.2.4-alpha.1` -> `1.2.4-alpha.2`; a new
    /// `preID` starts again at 1).
    public func bumped(_ bump: Bump, preID: String = "alpha") -> ReleaseVersion {
        switch bump {
        case .major:
            return minor == 0 && patch == 0 && !pre.isEmpty ? ReleaseVersion(major: major, minor: 0, patch: 0) : ReleaseVersion(major: major + 1, minor: 0, patch: 0)
        case .minor:
            return patch == 0 && !pre.isEmpty ? ReleaseVersion(major: major, minor: minor, patch: 0) : ReleaseVersion(major: major, minor: minor + 1, patch: 0)
        case .patch:
            return pre.isEmpty ? ReleaseVersion(major: major, minor: minor, patch: patch + 1) : ReleaseVersion(major: major, minor: minor, patch: patch)
        case .pre:
            if pre.isEmpty { return ReleaseVersion(major: major, minor: minor, patch: patch + 1, pre: [preID, "1"]) }
            if pre.count >= 2, pre[0] == preID, let n = Int(pre[pre.count - 1]) {
                return ReleaseVersion(major: major, minor: minor, patch: patch, pre: Array(pre.dropLast()) + [String(n + 1)])
            }
            return ReleaseVersion(major: major, minor: minor, patch: patch, pre: [preID, "1"])
        }
    }

    /// SemVer precedence (build metadata ignored).
    public static func < (a: ReleaseVersion, b: ReleaseVersion) -> Bool {
        if a.major != b.major { return a.major < b.major }
        if a.minor != b.minor { return a.minor < b.minor }
        if a.patch != b.patch { return a.patch < b.patch }
        if a.pre.isEmpty || b.pre.isEmpty { return !a.pre.isEmpty && b.pre.isEmpty }
        for (x, y) in zip(a.pre, b.pre) where x != y {
            switch (Int(x), Int(y)) {
            case let (m?, n?): return m < n
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): return x < y
            }
        }
        return a.pre.count < b.pre.count
    }

    public static func == (a: ReleaseVersion, b: ReleaseVersion) -> Bool {
        a.major == b.major && a.minor == b.minor && a.patch == b.patch && a.pre == b.pre
    }
}
