import Foundation
@testable import HyperforgeHforge
import Testing

/// The commands publish echoes, plans and names in its errors are written
/// as a POSIX shell reads them back (ShellQuote): /bin/sh splits each line
/// into exactly the words it was made of.
struct PublishEchoTests {
    @Test(arguments: [
        ["cargo", "publish", "--allow-dirty", "--registry", "local"],
        ["node", "-e", "console.log(\"it's tested\")"],
        ["sh", "-c", "echo $HOME && ls *.txt; exit 3"],
        ["printf", "%s\n", "", "two words", "tab\there", "new\nline", "back\\slash", "'", "''", "é", "--opt=a b", "~user", "#not-a-comment"],
        ["npm", "publish", "--@acme:registry=http://127.0.0.1:4873/", "--prefix=<that directory>"],
    ])
    func shReadsBackTheWords(argv: [String]) throws {
        let line = ShellQuote.line(argv)
        #expect(try PublishWords.shellWords(line) == argv, "\(line)")
    }

    @Test func safeWordsStayBare() {
        #expect(ShellQuote.line(["cargo", "publish", "--registry", "local", "@acme/widget", "a=b,c:d%e+f_g.h"]) == "cargo publish --registry local @acme/widget a=b,c:d%e+f_g.h")
        #expect(ShellQuote.line(["git", "commit", "-m", "release: x 1.0.0", ""]) == "git commit -m 'release: x 1.0.0' ''")
        #expect(ShellQuote.word("it's") == "'it'\\''s'")
    }
}
