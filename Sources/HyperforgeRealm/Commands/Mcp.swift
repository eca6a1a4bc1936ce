import FoundationEssentials
import Glibc
import HyperforgeCore

extension Realm {
    public struct MCPOptions: Sendable {
        public var target = Target()
        public init() {}
    }

    /// The MCP server's executable, installed beside `hyperforge`.
    public static let mcpServerName = "hyperforge-mcp"

    /// `git realm mcp`: replaces this process with the MCP server
    /// (`hyperforge-mcp`), which serves the realm's tools on this process's
    /// standard input and output. Its own executable: the MCP SDK brings
    /// Foundation's networking and ICU, which this one does not link.
    /// Returns only when it could not be started.
    public static func mcp(_ options: MCPOptions, context: Context) throws -> ExitStatus {
        let program = try mcpServerProgram(context.environment)
        var arguments = [program]
        if let path = options.target.path { arguments += ["--path", context.resolve(path)] }
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        execv(program, argv)
        let reason = String(cString: strerror(errno))
        for p in argv { free(p) }
        throw MCPServerError.cannotStart(program: program, reason: reason)
    }

    /// Beside the running executable (as install.sh lays them out; in a
    /// build directory too), else on PATH.
    static func mcpServerProgram(_ environment: [String: String]) throws -> String {
        var looked: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), let dir = FilePaths.parent(exe) {
            let candidate = FilePaths.join(dir, mcpServerName)
            if access(candidate, X_OK) == 0 { return candidate }
            looked.append(dir)
        }
        for dir in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init) where dir.hasPrefix("/") {
            let candidate = FilePaths.join(dir, mcpServerName)
            if access(candidate, X_OK) == 0 { return candidate }
            looked.append(dir)
        }
        throw MCPServerError.notFound(looked: looked)
    }
}

/// `git realm mcp` could not start its server.
public enum MCPServerError: HyperforgeError, Equatable {
    case notFound(looked: [String])
    case cannotStart(program: String, reason: String)

    public var exitStatus: ExitStatus { .environment }

    public var description: String {
        switch self {
        case .notFound(let looked):
            return "the MCP server \(Realm.mcpServerName) is not installed: not beside this program nor on PATH (looked in \(looked.prefix(6).joined(separator: ", "))\(looked.count > 6 ? ", ..." : ""))"
        case .cannotStart(let program, let reason): return "cannot start the MCP server \(program): \(reason)"
        }
    }

    public var hint: String? {
        "install it with ./install.sh, which puts \(Realm.mcpServerName) beside hyperforge (swift build makes it beside the debug build's)"
    }
}
