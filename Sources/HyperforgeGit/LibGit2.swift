import CGit2
import HyperforgeCore

/// libgit2, initialised once per process on first use and never shut down
/// (the process exit releases it). Initialisation costs several milliseconds
/// (libgit2 loads its TLS trust store), so nothing calls this on a path that
/// does not touch a repository.
enum LibGit2 {
    private static let initialised: Bool = {
        git_libgit2_init()
        return true
    }()

    static func ensureInitialised() {
        _ = initialised
    }
}

/// An error reported by libgit2, converted from `git_error_last()`.
public struct GitError: HyperforgeError, Equatable {
    /// libgit2's return code (`GIT_ENOTFOUND`, `GIT_EEXISTS`, ...).
    public let code: Int32
    /// libgit2's error class (`GIT_ERROR_CONFIG`, `GIT_ERROR_REFERENCE`, ...).
    public let errorClass: Int32
    /// libgit2's message.
    public let message: String
    /// What hyperforge was doing.
    public let operation: String

    public var exitStatus: ExitStatus { .failure }

    public var description: String { "\(operation): \(message)" }

    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
    public var isExists: Bool { code == GIT_EEXISTS.rawValue }

    init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
        if let last = git_error_last() {
            errorClass = last.pointee.klass
            message = last.pointee.message.map { String(cString: $0) } ?? "unknown libgit2 error"
        } else {
            errorClass = 0
            message = "libgit2 returned \(code)"
        }
    }
}

/// Throws the last libgit2 error when `code` is negative.
@inline(__always)
func check(_ code: Int32, _ operation: @autoclosure () -> String) throws(GitError) {
    if code < 0 { throw GitError(code: code, operation: operation()) }
}
