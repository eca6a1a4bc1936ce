import ArgumentParser
import HyperforgeCore

/// What the dynamic completions share. The shells' scripts (completions/,
/// made by scripts/generate-docs.sh) run the tool itself when the user
/// presses TAB (`git-realm ---completion ...`), and ArgumentParser hands the
/// words typed so far to an argument's `.custom` closure, which asks the
/// core for names from local state.
public enum Completions {
    /// The context a completion runs in: the process's, with its messages
    /// kept out of the terminal (a warning would land in the middle of the
    /// command line being typed). The repository is `path(in:)`'s.
    public static func context() -> Context {
        var context = Context.process()
        context.output = .capturing()
        return context
    }

    /// The value of `--path` among the words, as the shell passes them:
    /// `--path DIR`, `--path=DIR`, or bash's `--path = DIR` (bash splits
    /// words at `=`). Quotes and backslashes are removed as the shell would.
    public static func path(in words: [String]) -> String? {
        var value: String?
        var i = 0
        while i < words.count {
            let word = words[i]
            if word == "--path" {
                var next = i + 1
                if next < words.count, words[next] == "=" { next += 1 }
                if next < words.count, !words[next].isEmpty { value = unquoted(words[next]) }
                i = next
            } else if word.hasPrefix("--path=") {
                value = unquoted(String(word.dropFirst(7)))
            }
            i += 1
        }
        return value
    }

    /// A word without the shell's quoting: 'single', "double" and \-escapes.
    static func unquoted(_ word: String) -> String {
        var out = ""
        var quote: Character?
        var escaped = false
        for c in word {
            if escaped { out.append(c); escaped = false; continue }
            switch (quote, c) {
            case (nil, "\\"), ("\"", "\\"): escaped = true
            case (nil, "'"), (nil, "\""): quote = c
            case (let q?, _) where c == q: quote = nil
            default: out.append(c)
            }
        }
        return out
    }

    /// The names a shell may be offered: a name with a control character, a
    /// newline or a tab (from a file someone else wrote) would reach the
    /// terminal, or split into two candidates, so it is left out.
    public static func offer(_ names: [String]) -> [String] {
        names.filter(plain)
    }

    static func plain(_ name: String) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains { TerminalText.needsEscaping($0) || $0 == "\n" }
    }

    /// Candidates for a comma-separated list (`--forges`, `--repos`): the
    /// items already typed before the last comma stay, and each name not yet
    /// among them completes the last item (`github,co` offers `github,codeberg`).
    public static func commaList(_ names: [String], prefix: String) -> [String] {
        let names = offer(names)
        guard let comma = prefix.lastIndex(of: ",") else { return names }
        let head = String(prefix[...comma])
        let typed = Set(prefix[..<comma].split(separator: ",").map(String.init))
        return names.filter { !typed.contains($0) }.map { head + $0 }
    }

    /// Candidates with a description each, as the requesting shell shows
    /// them: zsh `value:description`, fish `value<TAB>description`, bash the
    /// value alone.
    public static func described(_ pairs: [(String, String)]) -> [String] {
        // Descriptions quote state others could have influenced: shown with
        // control characters visible, as every message is.
        let clean = { (s: String) in TerminalText.escaped(s.replacingNewlines) }
        let pairs = pairs.filter { plain($0.0) }
        switch CompletionShell.requesting {
        case .zsh?: return pairs.map { $0.0.colonsEscaped + ":" + clean($0.1) }
        case .fish?: return pairs.map { $0.0 + "\t" + clean($0.1) }
        default: return pairs.map(\.0)
        }
    }
}

extension String {
    /// One line: a description is shown on one.
    fileprivate var replacingNewlines: String {
        String(map { $0 == "\n" || $0 == "\r\n" ? " " : $0 })
    }

    /// zsh's `_describe` splits at the first unescaped colon.
    fileprivate var colonsEscaped: String {
        var out = ""
        for c in self { if c == ":" { out += "\\:" } else { out.append(c) } }
        return out
    }
}
