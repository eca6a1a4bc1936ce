import Foundation
@testable import HyperforgeCore
import Testing

/// No terminal escape from a file we did not write reaches the terminal:
/// every message and report escapes C0 (but the newline), DEL and C1;
/// `--json` carries them as `\u00XX`.
@Suite struct TerminalEscapeTests {
    /// No ESC, CSI (U+009B), other C0 but newline, DEL or C1 in `text`, and no
    /// replacement character (a lone 0x9b byte would have become one).
    static func isClean(_ text: String) -> Bool {
        !text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0 == "\u{FFFD}" }
    }

    @Test func streamsEscapeControlsAndKeepOurNewlinesAndStyles() {
        let hostile = "a\u{1B}]0;pwned\u{07}b\u{9B}31mc\r\td\u{7F}"
        #expect(TerminalText.escaped(hostile) == "a\\x1b]0;pwned\\x07b\\u{9b}31mc\\x0d\\x09d\\x7f")
        #expect(TerminalText.escaped("line one\nline two ✓ é") == "line one\nline two ✓ é")

        let out = Output.capturing()
        out.stdout.line("name: \(hostile)\nnext line")
        #expect(out.stdout.text == "name: a\\x1b]0;pwned\\x07b\\u{9b}31mc\\x0d\\x09d\\x7f\nnext line\n")
        out.report(TestError(text: "key '\u{1B}[2J' in file\u{9B}"), program: "t")
        #expect(out.stderr.text == "error: key '\\x1b[2J' in file\\u{9b}\nhint: \\x1b[8m hidden\n")

        // With colour, our style becomes SGR after escaping; the text it wraps is escaped too.
        let colourful = Output.Stream(buffer: Output.Buffer(), colour: true)
        colourful.line("\(colourful.styled("✓", .green)) \(colourful.styled("x\u{1B}[31m", .bold))")
        #expect(colourful.text == "\u{1B}[32m✓\u{1B}[0m \u{1B}[1mx\\x1b[31m\u{1B}[0m\n")
        // A file cannot forge a style mark: it does not know this process's key.
        let forged = "\u{E000}0-0-0-031\u{E001}red?"
        colourful.line(forged)
        #expect(colourful.text.hasSuffix(forged + "\n"))
        // Machine-readable output passes unchanged.
        colourful.writeVerbatim("password=\u{1B}x\n")
        #expect(colourful.text.hasSuffix("password=\u{1B}x\n"))
    }

    struct TestError: HyperforgeError {
        var text: String
        var exitStatus: HyperforgeCore.ExitStatus { .failure }
        var description: String { text }
        var hint: String? { "\u{1B}[8m hidden" }
    }

    @Test func jsonEscapesC0DELAndC1() throws {
        struct Doc: Encodable { var value: String }
        let json = try JSONOutput.encode(Doc(value: "a\u{1B}[31m\u{7F}\u{9B}\u{85}\tb"))
        #expect(json.contains(#""a\u001b[31m\u007f\u009b\u0085\tb""#), "\(json)")
        #expect(Self.isClean(json))
        let back = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
        #expect(back["value"] == "a\u{1B}[31m\u{7F}\u{9B}\u{85}\tb")
        #expect(JSONValue.string("x\u{1B}\u{9B}\u{7F}").jsonText == #""x\u001b\u009b\u007f""#)
    }

    @Test func realmFilesWithEscapesArePrintedEscaped() throws {
        let w = try RealmCheckTests.world("escape-realm")
        // A member names a script with an escape sequence and a C1 CSI in it.
        try RealmScriptTrustTests.setImporter(w, #"scripts/\e[2J\u009b31mx.sh"#)
        let text = try w.run("fungal", "check", "--fetch", "--mode", "importer")
        #expect(text.code == 1, "\(text)")
        #expect(text.stdout.contains(#"scripts/\x1b[2J\u{9b}31mx.sh: the importer script is refused and was not run: it contains control characters"#), "\(text)")
        #expect(Self.isClean(text.stdout) && Self.isClean(text.stderr), "\(text)")
        let json = try w.run("fungal", "check", "--mode", "importer", "--format", "json")
        #expect(json.stdout.contains(#"scripts\/\u001b[2J\u009b31mx.sh"#) || json.stdout.contains(#"scripts/\u001b[2J\u009b31mx.sh"#), "\(json)")
        #expect(Self.isClean(json.stdout), "\(json)")
        let doc = try RealmCheckTests.json(json)
        let files = (doc["findings"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String }
        #expect(files.contains("scripts/\u{1B}[2J\u{9B}31mx.sh"), "\(files)")
        let junit = try w.run("fungal", "check", "--mode", "importer", "--format", "junit")
        #expect(Self.isClean(junit.stdout) && junit.stdout.contains(#"\u{9b}31mx.sh"#), "\(junit)")

        // An unknown key with escapes in a realm file: the fetch's error and status's warning quote it escaped.
        try RealmScriptTrustTests.hostile(w, "title \u{1B}]0;owned\u{07}") { clone in
            let file = clone + "/domains/s3-access/domain.yaml"
            let original = try String(contentsOfFile: file, encoding: .utf8)
            try w.env.write(original + "\"\\e[8mhidden\\u009b\": 1\n", to: file)
        }
        let fetch = try w.run("fungal", "fetch")
        #expect(fetch.code == 3 && fetch.stderr.contains(#"unknown field '\x1b[8mhidden\u{9b}'"#), "\(fetch)")
        #expect(fetch.stderr.contains(#"title \x1b]0;owned\x07"#), "\(fetch)")
        #expect(Self.isClean(fetch.stdout) && Self.isClean(fetch.stderr), "\(fetch)")
        let status = try w.run("fungal", "status", "--fetch")
        #expect(status.code == 0 && status.stderr.contains(#"\x1b[8mhidden\u{9b}"#), "\(status)")
        #expect(Self.isClean(status.stdout) && Self.isClean(status.stderr), "\(status)")
    }

    @Test func committedTOMLWithEscapesIsQuotedEscaped() throws {
        let env = try TestEnvironment("escape-toml")
        let repo = try env.makeRepository("tool")
        try env.write("forges = [\"github\"]\norg = \"alice\"\n\"\\u001b]0;owned\\u0007col\\u009bour\" = 1\n", to: "tool/.hyperforge/config.toml")
        try env.gitOK("add", ".hyperforge/config.toml", in: repo)
        try env.gitOK("commit", "-q", "-m", "config", in: repo)
        for cmd in ["status", "sync", "config"] {
            let r = try env.git("hforge", cmd, in: repo)
            #expect(r.code == 3, "\(cmd): \(r)")
            #expect(r.stderr.contains(#"unknown key '\x1b]0;owned\x07col\u{9b}our'"#), "\(cmd): \(r)")
            #expect(Self.isClean(r.stdout) && Self.isClean(r.stderr), "\(cmd): \(r)")
        }
        // git scope quotes the scope it refuses escaped as well.
        let scope = try env.run("git", ["scope", "get", "git/github/\u{1B}[2J/repo/x/token"])
        #expect(scope.code != 0 && scope.stderr.contains(#"\x1b[2J"#), "\(scope)")
        #expect(Self.isClean(scope.stdout) && Self.isClean(scope.stderr), "\(scope)")
    }
}
