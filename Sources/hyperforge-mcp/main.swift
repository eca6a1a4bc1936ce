import Glibc
import HyperforgeCore
import HyperforgeMCP

/// The MCP server `git realm mcp` execs in its place (installed beside
/// `hyperforge`): its own executable because the SDK brings Foundation's
/// networking and ICU, which the multi-call executable does not link.
/// Its arguments are `git realm mcp`'s: `[--path DIR]`.
var path: String?
var rest = Array(CommandLine.arguments.dropFirst())
while let first = rest.first {
    rest.removeFirst()
    switch first {
    case "--path":
        guard let value = rest.first else {
            _ = writeAll(2, Array("error: git realm mcp: \(first) needs a directory\nhint: see 'git realm mcp --help'\n".utf8))
            exit(ExitStatus.usage.rawValue)
        }
        path = value
        rest.removeFirst()
    case let a where a.hasPrefix("--path="):
        path = String(a.dropFirst("--path=".count))
    case "--version":
        print(HyperforgeVersion.current)
        exit(0)
    default:
        _ = writeAll(2, Array("error: git realm mcp: unknown argument '\(first)'\nhint: see 'git realm mcp --help'\n".utf8))
        exit(ExitStatus.usage.rawValue)
    }
}
exit(await RealmMCPServer.run(path: path))
