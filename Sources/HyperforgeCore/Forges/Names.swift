/// Validation of the names that end up in URLs, git remote names, ref names
/// and (later) secret scope paths. Nothing here accepts `..`, control
/// characters, or anything a shell, a URL or a ref would read differently.
public enum Names {
    public enum Kind: String, Sendable {
        case forge = "forge name"
        case owner = "org"
        case repository = "repo_name"
        /// A host name as it goes into remote URLs, git config keys and ssh's
        /// command line: ASCII (an internationalised name in its punycode
        /// form, `xn--...`, as written), dot-separated labels of letters,
        /// digits and '-', none starting with '-'.
        case host = "host"
        /// A user name as it goes into ssh's command line and URLs.
        case user = "user"
    }

    /// Returns a reason when `name` is not valid as `kind`, nil when it is.
    public static func problem(with name: String, as kind: Kind, nestedOwners: Bool = false) -> String? {
        if name.isEmpty { return "is empty" }
        if name.utf8.count > 100 && kind != .owner && kind != .host { return "is longer than 100 characters" }
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
        case .host:
            if let p = asciiProblem(name) { return p }
            if name.utf8.count > 253 { return "is longer than 253 characters" }
            if name.hasPrefix("-") { return "may not start with '-'" }
            for label in name.split(separator: ".", omittingEmptySubsequences: false) {
                if label.isEmpty { return "has an empty label (leading, trailing or doubled '.')" }
                if label.hasPrefix("-") { return "has a label starting with '-'" }
                if label.utf8.count > 63 { return "has a label longer than 63 characters" }
                for c in label.unicodeScalars where !(isAlnum(c) || c == "-") {
                    return "may contain only letters, digits, '-' and '.' (found '\(c.escaped(asASCII: true))')"
                }
            }
            return nil
        case .user:
            if let p = asciiProblem(name) { return p }
            if name.hasPrefix("-") { return "may not start with '-'" }
            for c in name.unicodeScalars where !(isAlnum(c) || c == "-" || c == "_" || c == "." || c == "+") {
                return "may contain only letters, digits, '-', '_', '.' and '+' (found '\(c.escaped(asASCII: true))')"
            }
            return nil
        }
    }

    /// Non-ASCII, whitespace and control characters, named (escaped) so that
    /// a look-alike (`githуb.com` with a Cyrillic у) or a newline is visible.
    public static func asciiProblem(_ s: String) -> String? {
        for c in s.unicodeScalars {
            if c.value > 0x7E {
                return "must be ASCII (found '\(c.escaped(asASCII: true))'); write an internationalised name in its punycode form (xn--...)"
            }
            if c.value < 0x21 { return "may not contain whitespace or control characters (found '\(c.escaped(asASCII: true))')" }
        }
        return nil
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
