import Foundation
import Testing

/// The man pages as scripts/generate-docs.sh writes them (man/, installed
/// as they are): each renders without a single groff warning, and SEE ALSO
/// names only pages that are installed, and git(1).
@Suite struct ManPageTests {
    static let manDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path + "/man"

    static func pages() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: manDirectory).filter { $0.hasSuffix(".1") }.sorted()
    }

    static func text(_ page: String) throws -> String {
        try String(contentsOfFile: manDirectory + "/" + page, encoding: .utf8)
    }

    /// ArgumentParser writes mdoc; the two pages written by hand are man(7).
    static func macroPackage(_ text: String) -> String {
        text.split(separator: "\n").contains { $0.hasPrefix(".Dd ") } ? "-mdoc" : "-man"
    }

    @Test func everyPageRendersWithoutWarnings() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/groff") else {
            print("skipped: groff is not installed (scripts/test.sh installs it: apt-get install groff-base)")
            return
        }
        let env = try TestEnvironment("man")
        let pages = try Self.pages()
        #expect(pages.count > 40, "\(pages)")
        for page in pages {
            let package = Self.macroPackage(try Self.text(page))
            // -ww: every warning; -z: no output, only the diagnostics.
            let r = try env.run("groff", ["-ww", "-z", package, Self.manDirectory + "/" + page])
            #expect(r.code == 0 && r.stderr.isEmpty && r.stdout.isEmpty, "groff -ww -z \(package) \(page): \(r)")
        }
    }

    /// The names SEE ALSO lists: `.Xr NAME 1` (mdoc) and `.BR NAME (1)` (man).
    static func seeAlso(_ text: String) -> [String] {
        var names: [String] = []
        var inSection = false
        for line in text.split(separator: "\n") {
            if line.hasPrefix(".Sh ") || line.hasPrefix(".SH ") {
                inSection = line.contains("SEE ALSO")
                continue
            }
            guard inSection else { continue }
            let words = line.split(separator: " ")
            if words.first == ".Xr", words.count >= 3 { names.append("\(words[1]).\(words[2])") }
            if words.first == ".BR", words.count >= 3 { names.append("\(words[1])." + words[2].trimmingCharacters(in: CharacterSet(charactersIn: "(),"))) }
        }
        return names
    }

    @Test func seeAlsoNamesOnlyInstalledPagesAndGit() throws {
        let pages = Set(try Self.pages())
        for page in pages.sorted() {
            let names = Self.seeAlso(try Self.text(page))
            #expect(!names.isEmpty, "\(page) has no SEE ALSO")
            for name in names where name != "git.1" {
                #expect(pages.contains(name), "\(page): SEE ALSO names \(name), which is not installed")
            }
        }
        // Each subcommand's page is reachable from its parent's, and names it.
        for page in pages where page.hasPrefix("git-") && page.dropLast(2).contains(".") {
            let name = String(page.dropLast(2))
            let parent = String(name[..<name.lastIndex(of: ".")!]) + ".1"
            #expect(pages.contains(parent), "\(page) has no parent page \(parent)")
            #expect(Self.seeAlso(try Self.text(parent)).contains(page), "\(parent) does not list \(page)")
            #expect(Self.seeAlso(try Self.text(page)).contains(parent), "\(page) does not list \(parent)")
        }
        #expect(Self.seeAlso(try Self.text("git-hforge.1")).contains("git.1"))
        #expect(!pages.contains { $0.hasSuffix(".help.1") })
    }
}
