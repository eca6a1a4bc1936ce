/// A command as a POSIX shell reads it back: what publish echoes (`$ …`),
/// shows in a dry run's plan and names in its errors, so that a user can
/// copy and paste it. A word of only `A-Za-z0-9` and `%+,-./:=@_` stays
/// bare; every other word (the empty one included) is put in single quotes,
/// a `'` in it written `'\''`. Secrets are never in a command (tokens go
/// through the environment), so nothing here needs hiding.
enum ShellQuote {
    static func line(_ argv: [String]) -> String { argv.map(word).joined(separator: " ") }

    static func word(_ word: String) -> String {
        if !word.isEmpty, word.utf8.allSatisfy(isSafe) { return word }
        return "'" + word.replacing("'", with: "'\\''") + "'"
    }

    private static func isSafe(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        case UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"),
             UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: "@"), UInt8(ascii: "_"): return true
        default: return false
        }
    }
}
