/// Validation of the names that end up in URLs, git remote names, ref names
/// and (later) secret scope paths. Nothing here accepts `..`, control
/// characters, or anything a shell, a URL or a ref would read differently.
public enum Names {
    public enum Kind: String, Sendable {
        case forge = "forge name"
        case owner = "org"
        case repository = "repo_name"
    }

    /// Returns a reason when `name` is not valid as `kind`, nil when it is.
    public static func problem(with name: String, as kind: Kind, nestedOwners: Bool = false) -> String? {
        if name.isEmpty { return "is empty" }
        if name.utf8.count > 100 && kind != .owner { return "is longer than 100 characters" }
        switch kind {
        case .forge:
            guard let first = name.unicodeScalars.first, isLowerAlnum(first) else {
                return "must start with a lowercase letter or digit"
            }
            for c in name.unicodeScalars where !(isLowerAlnum(c) || c == "-" || c == "_") {
                return "may contain only lowercase letters, digits, '-' and '_' (found '\(c)')"
            }
            return nil
        case .owner:
            if name.utf8.count > 255 { return "is longer than 255 characters" }
            let segments = name.split(separator: "/", omittingEmptySubsequences: false)
            if segments.count > 1 && !nestedOwners { return "may not contain '/' on this forge" }
            for s in segments {
                if let p = segmentProblem(String(s)) { return p }
            }
            return nil
        case .repository:
            if name.contains("/") { return "may not contain '/'" }
            if name.hasSuffix(".git") { return "must not end in '.git'" }
            return segmentProblem(name)
        }
    }

    private static func segmentProblem(_ s: String) -> String? {
        if s.isEmpty { return "has an empty path segment" }
        if s == "." || s == ".." { return "may not be '.' or '..'" }
        if s.hasPrefix(".") || s.hasPrefix("-") { return "may not start with '\(s.first!)'" }
        if s.utf8.count > 100 { return "has a segment longer than 100 characters" }
        for c in s.unicodeScalars where !(isAlnum(c) || c == "-" || c == "_" || c == ".") {
            return "may contain only letters, digits, '-', '_' and '.' (found '\(c.escaped(asASCII: true))')"
        }
        if s.hasSuffix(".lock") { return "may not end in '.lock'" }
        return nil
    }

    private static func isLowerAlnum(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "0" && c <= "9")
    }
    private static func isAlnum(_ c: Unicode.Scalar) -> Bool {
        isLowerAlnum(c) || (c >= "A" && c <= "Z")
    }
}
