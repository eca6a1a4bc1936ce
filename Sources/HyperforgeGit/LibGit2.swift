
import CGit2Loader
import HyperforgeCore

/// libgit2, loaded (dlopen) and initialised once per process on first use,
/// never shut down (the process exit releases it). Loading and initialising
/// cost several milliseconds (libgit2 pulls in krb5, OpenSSL and mbedTLS and
/// parses the system's TLS trust store), so only commands that open a
/// repository pay for it.
enum LibGit2 {
    private static let loaded: Result<hf_git2_api, LibGit2UnavailableError> = {
        var message = [CChar](repeating: 0, count: 512)
        guard let api = hf_git2_load(&message, message.count)?.pointee else {
            let text = String(decoding: message.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .failure(LibGit2UnavailableError(reason: text))
        }
        _ = api.git_libgit2_init()
        return .success(api)
    }()

    /// Loads and initialises libgit2, or says why it cannot be.
    static func ensureInitialised() throws(LibGit2UnavailableError) {
        _ = try loaded.get()
    }

    /// The loaded functions. Only valid after `ensureInitialised()` succeeded,
    /// which every `Repository` guarantees.
    static var api: hf_git2_api {
        switch loaded {
        case .success(let api): return api
        case .failure(let e): fatalError("libgit2 used before it was loaded: \(e)")
        }
    }
}

/// The libgit2 functions, for this module's wrappers.
var G: hf_git2_api { LibGit2.api }

/// libgit2 is not installed (or not the version this was built against).
public struct LibGit2UnavailableError: HyperforgeError {
    public let reason: String
    public var exitStatus: ExitStatus { .environment }
    public var description: String { reason }
    public var hint: String? { "install libgit2 (Debian: apt-get install libgit2-1.5; ./install.sh installs what is missing)" }
}

/// An error reported by libgit2, converted from `G.git_error_last()`.
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
        if let last = G.git_error_last() {
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
