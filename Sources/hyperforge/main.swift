import ArgumentParser
import CLISupport
import CredentialCLI
import Dispatch
import Glibc
import HforgeCLI
import HyperforgeCoordinator
import HyperforgeCore
import RealmCLI
import ScopeCLI

/// One executable answering to each tool's name: `git-hforge`, `git-realm`,
/// `git-scope`, `git-credential-hforge` and `hyperforge-coordinator` are links
/// to it (install.sh makes them), and it dispatches on the name it was started
/// by, as swiftly's proxy does; `hyperforge TOOL ARGS...` works too.
enum Tool: String, CaseIterable {
    case hforge = "git-hforge"
    case realm = "git-realm"
    case scope = "git-scope"
    case credentialHelper = "git-credential-hforge"
    case coordinator = "hyperforge-coordinator"

    /// The tool a program name (argv[0], a path or a bare name) or a
    /// `hyperforge TOOL` word names: `git-hforge` and `hforge` both do.
    init?(name: String) {
        let base = FilePaths.lastComponent(name)
        if base == "hyperforge-coordinator" || base == "coordinator" { self = .coordinator; return }
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
        case .hforge: await Program.hforge.main(GitHforge.self, GitHforge.arguments(arguments))
        case .realm: await Program.realm.main(GitRealm.self, arguments)
        case .scope: await Program.scope.main(GitScope.self, arguments)
        case .coordinator: exit(await CoordinatorMain.main(arguments))
        }
    }
}

@main
enum Main {
    /// Synchronous on purpose: git's `get` for a granted scope is answered
    /// before the concurrency runtime starts (CredentialFastPath); everything
    /// else runs on the main actor, driven by the main dispatch queue.
    static func main() {
        let arguments = CommandLine.arguments
        // git's or ssh's askpass during a workspace fetch (one prompt at a time).
        if PromptGate.isAskpass(arguments.first ?? "") { exit(PromptGate.askpassMain(arguments)) }
        var tool = Tool(name: arguments.first ?? "")
        var rest = Array(arguments.dropFirst())
        if tool == nil, let named = rest.first.flatMap(Tool.init(name:)) {
            tool = named
            rest.removeFirst()
        }
        guard let tool else { usage(rest.first) }
        if tool == .hforge, let code = GitHforge.fastStatus(rest) { exit(code) }
        if tool == .realm, let code = GitRealm.fastCheck(rest) { exit(code) }
        if tool == .credentialHelper, let fast = CredentialHelperMain.fastGet(rest) {
            if let answer = fast.answer {
                _ = writeAll(1, Array(answer.utf8))
                exit(0)
            }
            let input = fast.input
            Task { @MainActor in
                await CredentialHelperMain.serve("get", input: input)
                exit(0)
            }
        } else {
            Task { @MainActor in
                if tool == .realm, let leaf = GitRealm.leaf(rest) {
                    do { try await leaf() } catch { GitRealm.exit(withError: error) }
                } else {
                    await tool.run(rest)
                }
                exit(0)
            }
        }
        dispatchMain()
    }

    static func usage(_ first: String?) -> Never {
        if first == "--version" {
            print(HyperforgeVersion.current)
            exit(0)
        }
        let text = """
        usage: hyperforge TOOL [ARGS...]   (or run a tool by its name: git hforge, git realm, ...)

        tools: \(Tool.allCases.map(\.rawValue).joined(separator: ", "))
        Each tool is also installed as a link named after it, which git finds on PATH
        ('git hforge status' runs git-hforge); the coordinator (hyperforge-coordinator)
        is one more, started on demand by the tools. See 'man hyperforge'.
        """
        if first == nil || first == "--help" || first == "-h" {
            print(text)
            exit(0)
        }
        _ = writeAll(2, Array("hyperforge: unknown tool '\(first!)'\n\(text)\n".utf8))
        exit(64)
    }
}
