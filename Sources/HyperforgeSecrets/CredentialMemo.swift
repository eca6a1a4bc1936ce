import Glibc
import HyperforgeCore

/// What the credential helper's fast path worked out for a request, kept so
/// that the next identical `get` repeats none of it: git starts the helper
/// on every fetch and push, and the answer for a granted scope depends on
/// few files. `$XDG_STATE_HOME/hyperforge/credential-memo` (0600, in the
/// suite's private state directory) holds, for each request seen (protocol,
/// host and path), the scope it maps to, the default username of its forge
/// and the secrets file its provider reads; and the stat fingerprints of
/// everything that decided those: auth.toml (policy, routing, custom forges
/// and providers), the grants database and its write-ahead log (granted, not
/// rejected). While every fingerprint matches, `answer` reads only the
/// secrets file, as the file provider would, and answers; any change to any
/// of them (a grant, an `erase`, an edit) means the full path decides again
/// and writes a fresh memo. No secret is kept in the memo.
///
/// Written by hand rather than with the core's JSON reader: the memo is read
/// on git's path before anything else, and a dictionary there costs a scan
/// of every protocol conformance in the executable (a third of the
/// instructions of the whole `get`, measured with callgrind), so this file
/// uses only arrays, strings and system calls. Only requests for forges that
/// are built in or declared in auth.toml are kept: a forge from a
/// `defaults.toml` depends on the directory git runs in.
public enum CredentialMemo {
    static let format = "hyperforge-credential-memo\t1"
    /// A memo is a few hundred bytes per request; a larger file is not ours.
    static let maximumBytes = 1 << 16
    static let maximumEntries = 64

    public static func path(_ paths: Paths) -> String { FilePaths.join(paths.stateHome, "hyperforge/credential-memo") }

    /// The files whose fingerprints decide whether the memo holds.
    static func inputs(_ paths: Paths) -> [String] {
        let db = GrantStore.path(paths)
        return [AuthConfig.path(paths), db, db + "-wal"]
    }

    struct Entry: Equatable {
        var protocolName: String
        var host: String
        var path: String
        var scope: String
        var username: String
        var secretsFile: String
    }

    // MARK: Answering

    /// git's `get` answered from the memo and the secrets file, or nil when
    /// the memo does not hold (the caller then takes the full path).
    /// `environment` looks a variable up (getenv, or a test's values).
    public static func answer(input: [UInt8], environment: (String) -> String?) -> String? {
        guard let paths = Paths(lookup: environment),
              let request = try? CredentialRequest.parse(input), let proto = request.protocolName,
              let host = request.host, let path = request.path else { return nil }
        if let name = request.username, name.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 }) { return nil }
        var trust = LeanTrust()
        let memoPath = self.path(paths)
        guard trust.privateFile(memoPath), let bytes = LeanTrust.read(memoPath, limit: maximumBytes),
              let memo = Memo(parsing: bytes), memo.paths == paths.memoKey,
              memo.inputs.map(\.path) == inputs(paths) else { return nil }
        // The inputs as they are now: the same files, unchanged, still ours.
        for kept in memo.inputs {
            guard fingerprint(kept.path) == kept else { return nil }
            var st = stat()
            let present = lstat(kept.path, &st) == 0
            if present ? !trust.file(kept.path) : !trust.directory(FilePaths.parent(kept.path) ?? "/", mayBeMissing: true) { return nil }
        }
        guard let entry = memo.entries.first(where: { $0.protocolName == proto && $0.host == host && $0.path == path }),
              trust.privateFile(entry.secretsFile), let secrets = LeanTrust.read(entry.secretsFile, limit: FileProvider.maximumBytes),
              let secret = SecretsFile.lastValue(of: entry.scope, in: secrets), !secret.isEmpty,
              !secret.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 }) else { return nil }
        return "username=\(request.username ?? entry.username)\npassword=\(String(decoding: secret, as: UTF8.self))\n"
    }

    // MARK: Recording

    /// The fingerprints of the inputs, taken before the full path reads them.
    public static func snapshot(_ paths: Paths) -> [InputFingerprint] {
        inputs(paths).map(fingerprint)
    }

    /// A file's fingerprint. The write-ahead log holds nothing when it is
    /// missing or empty (SQLite removes it when the last writer closes, and
    /// creates it empty when a reader opens the database), so both read as
    /// missing; and it is taken without its change time: SQLite run by root
    /// gives the log its database's owner on every open (fchown), which
    /// changes that time and nothing else. Its content changes its size or
    /// modification time.
    static func fingerprint(_ path: String) -> InputFingerprint {
        var f = InputFingerprint.of(path)
        if path.hasSuffix("-wal") {
            if f.size == 0 { return InputFingerprint(path: path, exists: false) }
            f.ctime = 0
        }
        return f
    }

    /// Keeps `entry` for the next `get`, if the inputs are the ones `before`
    /// saw, unchanged since, and settled (git's racy rule): otherwise the
    /// answer could rest on a change that stat cannot tell apart.
    static func record(_ entry: Entry, paths: Paths, before: [InputFingerprint], now: Double) {
        guard before.map(\.path) == inputs(paths), before == before.map({ fingerprint($0.path) }),
              InputRecorder.settled(before, now: now) else { return }
        let file = path(paths)
        guard (try? FileTrust.prepareDirectory(FilePaths.parent(file) ?? "/")) != nil else { return }
        var entries = [entry]
        if (try? FileTrust.check(file, kind: .privateFile)) == true, let bytes = try? FileRead.bytes(file, limit: maximumBytes),
           let old = Memo(parsing: bytes), old.paths == paths.memoKey, old.inputs == before {
            for e in old.entries where entries.count < maximumEntries
                && !(e.protocolName == entry.protocolName && e.host == entry.host && e.path == entry.path) { entries.append(e) }
        }
        let memo = Memo(paths: paths.memoKey, inputs: before, entries: entries)
        try? AtomicFile.write(Array(memo.text.utf8), to: file, mode: 0o600)
    }

    // MARK: The file

    struct Memo {
        var paths: [String]
        var inputs: [InputFingerprint]
        var entries: [Entry]

        init(paths: [String], inputs: [InputFingerprint], entries: [Entry]) {
            self.paths = paths
            self.inputs = inputs
            self.entries = entries
        }

        /// Lines of tab-separated fields, each percent-escaped (`%`, tab, line feed):
        /// the format and version, the directories, one line per input, one per entry.
        var text: String {
            var out = CredentialMemo.format + "\t" + escape(HyperforgeVersion.current) + "\n"
            out += "paths\t" + paths.map(escape).joined(separator: "\t") + "\n"
            for i in inputs {
                out += "input\t" + escape(i.path) + "\t" + (i.exists ? "1" : "0") + "\t\(i.size)\t\(i.inode)\t\(i.mtime)\t\(i.ctime)\t\(i.mode)\n"
            }
            for e in entries {
                out += "entry\t" + [e.protocolName, e.host, e.path, e.scope, e.username, e.secretsFile].map(escape).joined(separator: "\t") + "\n"
            }
            return out
        }

        init?(parsing bytes: [UInt8]) {
            var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: true)[...]
            guard let header = lines.popFirst(), Memo.fields(header) == CredentialMemo.format.split(separator: "\t").map(String.init) + [HyperforgeVersion.current],
                  let pathsLine = lines.popFirst() else { return nil }
            let p = Memo.fields(pathsLine)
            guard p.first == "paths" else { return nil }
            paths = Array(p.dropFirst())
            inputs = []
            entries = []
            for line in lines {
                let f = Memo.fields(line)
                switch f.first {
                case "input":
                    guard f.count == 8, let size = Int64(f[3]), let inode = UInt64(f[4]), let mtime = Int64(f[5]),
                          let ctime = Int64(f[6]), let mode = UInt32(f[7]) else { return nil }
                    inputs.append(f[2] == "1" ? InputFingerprint(path: f[1], exists: true, size: size, inode: inode, mtime: mtime, ctime: ctime, mode: mode)
                                              : InputFingerprint(path: f[1], exists: false))
                case "entry":
                    guard f.count == 7, f[6].hasPrefix("/") else { return nil }
                    entries.append(Entry(protocolName: f[1], host: f[2], path: f[3], scope: f[4], username: f[5], secretsFile: f[6]))
                default:
                    return nil
                }
            }
        }

        static func fields(_ line: ArraySlice<UInt8>) -> [String] {
            line.split(separator: 0x09, omittingEmptySubsequences: false).map { unescape($0) }
        }

        func escape(_ s: String) -> String {
            guard s.utf8.contains(where: { $0 == 0x25 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return s }
            var out: [UInt8] = []
            for u in s.utf8 {
                switch u {
                case 0x25: out += Array("%25".utf8)
                case 0x09: out += Array("%09".utf8)
                case 0x0A: out += Array("%0A".utf8)
                case 0x0D: out += Array("%0D".utf8)
                default: out.append(u)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        static func unescape(_ field: ArraySlice<UInt8>) -> String {
            guard field.contains(0x25) else { return String(decoding: field, as: UTF8.self) }
            var out: [UInt8] = []
            var i = field.startIndex
            while i < field.endIndex {
                if field[i] == 0x25, i + 2 < field.endIndex, let h = hex(field[i + 1]), let l = hex(field[i + 2]) {
                    out.append(h << 4 | l)
                    i += 3
                } else {
                    out.append(field[i])
                    i += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        static func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x41 + 10
            case 0x61...0x66: return c - 0x61 + 10
            default: return nil
            }
        }
    }
}

extension Paths {
    /// What the memo is valid for: the directories every path derives from.
    var memoKey: [String] { [home, configHome, dataHome, stateHome] }
}

/// The file provider's format read without Foundation (FileProvider.parse
/// gives the same value for every file `git scope` writes): the last
/// `KEY<TAB>BASE64` line for the key wins, as it does there. A value this
/// strict decoder cannot read returns nil, and the full path decides.
enum SecretsFile {
    static func lastValue(of key: String, in bytes: [UInt8]) -> [UInt8]? {
        let prefix = Array(key.utf8) + [0x09]
        var found: ArraySlice<UInt8>?
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true)
        where line.first != 0x23 && line.count >= prefix.count && line.starts(with: prefix) {
            found = line[(line.startIndex + prefix.count)...]
        }
        guard let found else { return nil }
        return base64Decode(found)
    }

    /// Standard alphabet, padded, as Foundation's `base64EncodedString` writes it.
    static func base64Decode(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt32? {
            switch c {
            case 0x41...0x5A: return UInt32(c - 0x41)
            case 0x61...0x7A: return UInt32(c - 0x61 + 26)
            case 0x30...0x39: return UInt32(c - 0x30 + 52)
            case 0x2B: return 62
            case 0x2F: return 63
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 4 * 3)
        var i = text.startIndex
        while i < text.endIndex {
            let last = i + 4 == text.endIndex
            let pad = last ? (text[i + 3] == 0x3D ? (text[i + 2] == 0x3D ? 2 : 1) : 0) : 0
            var n: UInt32 = 0
            for k in 0..<4 {
                if k >= 4 - pad { n <<= 6; continue }
                guard let v = value(text[i + k]) else { return nil }
                n = n << 6 | v
            }
            out.append(UInt8(truncatingIfNeeded: n >> 16))
            if pad < 2 { out.append(UInt8(truncatingIfNeeded: n >> 8)) }
            if pad < 1 { out.append(UInt8(truncatingIfNeeded: n)) }
            i += 4
        }
        return out
    }
}

/// `FileTrust`'s rules, applied without its caches (a `Set` is a conformance
/// lookup on this path) and without following links: a link anywhere
/// returns false, and the full path, which follows them, decides.
struct LeanTrust {
    private var verified: [String] = []
    private let me = geteuid()

    /// Every directory above `path`: owned by us or root, not writable by
    /// others unless sticky and owned by us or root (FileTrust.checkAbove).
    private mutating func above(_ path: String) -> Bool {
        var dir = FilePaths.parent(path)
        while let d = dir {
            if verified.contains(d) { return true }
            var st = stat()
            dir = FilePaths.parent(d)
            if lstat(d, &st) != 0 {
                if errno == ENOENT { continue } // as FileTrust: a missing directory holds nothing
                return false
            }
            guard st.st_mode & S_IFMT == S_IFDIR, st.st_uid == me || st.st_uid == 0 else { return false }
            let mode = st.st_mode & 0o7777
            guard mode & 0o022 == 0 || mode & mode_t(S_ISVTX) != 0 else { return false }
            verified.append(d)
        }
        return true
    }

    /// Not a link, owned by us or root, not writable by others (FileTrust.problem).
    private func owned(_ path: String, _ st: inout stat) -> Bool {
        lstat(path, &st) == 0 && st.st_mode & S_IFMT != S_IFLNK && (st.st_uid == me || st.st_uid == 0) && st.st_mode & 0o022 == 0
    }

    /// A file's own directory is checked as a directory (no sticky exception),
    /// as AuthConfig.load, GrantStore and FileProvider do, then the file.
    private mutating func status(_ path: String, _ st: inout stat) -> Bool {
        var dir = stat()
        guard above(path), let parent = FilePaths.parent(path), owned(parent, &dir), dir.st_mode & S_IFMT == S_IFDIR else { return false }
        return owned(path, &st)
    }

    /// FileTrust.check(path, kind: .file), for a file that exists.
    mutating func file(_ path: String) -> Bool {
        var st = stat()
        return status(path, &st) && st.st_mode & S_IFMT == S_IFREG
    }

    /// FileTrust.check(path, kind: .privateFile), for a file that exists.
    mutating func privateFile(_ path: String) -> Bool {
        var st = stat()
        return status(path, &st) && st.st_mode & S_IFMT == S_IFREG && st.st_mode & 0o077 == 0 && st.st_uid == me
    }

    /// FileTrust.check(path, kind: .directory); a missing one passes when allowed.
    mutating func directory(_ path: String, mayBeMissing: Bool) -> Bool {
        var st = stat()
        if lstat(path, &st) != 0 { return mayBeMissing && errno == ENOENT && above(path) }
        return above(path) && owned(path, &st) && st.st_mode & S_IFMT == S_IFDIR
    }

    /// The whole file, read without following a link, if it is a regular
    /// file of at most `limit` bytes.
    static func read(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG, Int(st.st_size) <= limit else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size) + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            count += n
        }
        guard count <= limit else { return nil }
        bytes.removeLast(bytes.count - count)
        return bytes
    }
}
