import ArgumentParser
import CredentialCLI
import Glibc
import HforgeCLI
import HyperforgeCore
import RealmCLI
import ScopeCLI

/// One executable answering to each tool's name: `git-hforge`, `git-realm`,
/// `git-scope` and `git-credential-hforge` are links to it (install.sh makes
/// them), and it dispatches on the name it was started by, as swiftly's
/// proxy does; `hyperforge TOOL ARGS...` works too.
enum Tool: String, CaseIterable {
    case hforge = "git-hforge"
    case realm = "git-realm"
    case scope = "git-scope"
    case credentialHelper = "git-credential-hforge"

    /// The tool a program name (argv[0], a path or a bare name) or a
    /// `hyperforge TOOL` word names: `git-hforge`, `hforge` and `git hforge`'s
    /// spelling all do.
    init?(name: String) {
        let base = FilePaths.lastComponent(name)
        let word = base.hasPrefix("git-") ? String(base.dropFirst(4)) : base
        switch word {
        case "hforge": self = .hforge
        case "realm": self = .realm
        case "scope": self = .scope
        case "credential-hforge": self = .credentialHelper
        default: return nil
        }
    }

    func run(_ arguments: [String]) async {
        switch self {
        case .credentialHelper: await CredentialHelperMain.main(arguments)
        case .hforge: await GitHforge.main(arguments)
        case .realm: await GitRealm.main(arguments)
        case .scope: await GitScope.main(arguments)
        }
    }
}

let arguments = CommandLine.arguments
if let tool = Tool(name: arguments.first ?? "") {
    await tool.run(Array(arguments.dropFirst()))
} else if arguments.count > 1, let tool = Tool(name: arguments[1]) {
    await tool.run(Array(arguments.dropFirst(2)))
} else {
    let first = arguments.dropFirst().first
    if first == "--version" {
        print(HyperforgeVersion.current)
        exit(0)
    }
    let usage = """
    usage: hyperforge TOOL [ARGS...]   (or run a tool by its name: git hforge, git realm, ...)

    tools: \(Tool.allCases.map(\.rawValue).joined(separator: ", "))
    Each tool is also installed as a link named after it, which git finds on PATH
    ('git hforge status' runs git-hforge). See 'man hyperforge'.
    """
    if first == nil || first == "--help" || first == "-h" {
        print(usage)
        exit(0)
    }
    _ = writeAll(2, Array("hyperforge: unknown tool '\(first!)'\n\(usage)\n".utf8))
    exit(64)
}
