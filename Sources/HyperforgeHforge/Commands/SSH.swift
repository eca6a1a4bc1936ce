import HyperforgeCore
import HyperforgeGit

extension Hforge {
    /// `git-hforge ssh`, run by git as `core.sshCommand` with ssh's arguments
    /// (`[options] [user@]host [command]`). Picks the key of the forge whose
    /// remote points at the host (and port) being contacted, so every forge
    /// in one repository uses its own key, with standard remote URLs and no
    /// `~/.ssh/config` edits. Returns the command to exec: the ssh program
    /// (`hforge.sshProgram`, default `ssh`) run through `/bin/sh`, as git runs
    /// `core.sshCommand`.
    public static func sshCommand(arguments: [String], context: Context) throws -> [String] {
        let target = SSHArguments.target(of: arguments)
        var program = "ssh"
        var identity: String?
        if let repo = try? Repository.discover(from: context.workingDirectory, environment: context.environment) {
            program = (try? repo.config.string("hforge.sshProgram")).flatMap { $0 } ?? "ssh"
            if let target {
                let keys = try repo.config.entries(matching: #"^hforge\..+\.identityfile$"#)
                for entry in keys {
                    let forge = String(entry.name.dropFirst("hforge.".count).dropLast(".identityfile".count))
                    guard let raw = try repo.config.string("remote.\(forge).url"),
                          let url = RemoteURL.parse(raw), url.scheme == .ssh else { continue }
                    if url.host.lowercased() == target.host.lowercased() && url.effectivePort == target.port {
                        identity = context.paths.expandTilde(entry.value)
                        break
                    }
                }
            }
        }
        var argv = ["/bin/sh", "-c", program + " \"$@\"", program]
        if let identity { argv += ["-i", identity, "-o", "IdentitiesOnly=yes"] }
        return argv + arguments
    }
}

/// Reads the destination out of an OpenSSH command line.
enum SSHArguments {
    /// ssh options that take a value.
    static let withValue: Set<Character> = ["B", "b", "c", "D", "E", "e", "F", "I", "i", "J", "L", "l", "m", "O", "o", "P", "p", "Q", "R", "S", "W", "w"]

    static func target(of arguments: [String]) -> (host: String, port: Int)? {
        var port = 22
        var i = 0
        while i < arguments.count {
            let arg = arguments[i]
            if arg == "--" { i += 1; break }
            guard arg.hasPrefix("-"), arg.count > 1 else { break }
            var chars = Array(arg.dropFirst())
            while let c = chars.first {
                chars.removeFirst()
                if withValue.contains(c) {
                    var value = String(chars)
                    if value.isEmpty { i += 1; value = i < arguments.count ? arguments[i] : "" }
                    if c == "p", let p = Int(value) { port = p }
                    if c == "o", value.lowercased().hasPrefix("port=") , let p = Int(value.dropFirst(5)) { port = p }
                    chars = []
                }
            }
            i += 1
        }
        guard i < arguments.count else { return nil }
        var host = arguments[i]
        if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
        if host.hasPrefix("ssh://") { return RemoteURL.parse(host).map { ($0.host, $0.effectivePort) } }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }
}
