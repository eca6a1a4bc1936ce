import Glibc
import HyperforgeCore
import HyperforgeGit

/// A cache of `git hforge workspace status` lines, one file per repository,
/// so that a repository none of whose inputs changed is answered with a few
/// `stat` calls instead of libgit2 (about a hundred system calls each: its
/// config, index, HEAD and tree read again).
///
/// What a line is computed from is fingerprinted with `stat` (size, inode,
/// mtime and ctime in nanoseconds, mode) before it is read: everything
/// `git hforge status`'s report reads (see StatusCache) and everything the
/// work tree's status depends on (see `Repository.workTreeChanges(recording:)`:
/// the index, HEAD and its branch, the config, the exclude and attributes
/// files, every directory that is not ignored and every file in them, every
/// tracked path). A later run uses the line only when every fingerprint
/// matches. Git's "racily clean" rule applies: a file changed within
/// `InputRecorder.racyWindow` of the moment its fingerprint was taken could
/// change again within the same timestamp tick unseen, so such a line is
/// not stored, and the next run reads that repository with libgit2 again
/// (as git re-reads the contents of an index entry as new as the index).
///
/// The files are 0600 in a 0700 directory of ours,
/// `$XDG_STATE_HOME/hyperforge/workspace-status/XX/HASH`, named by a hash of
/// the work tree's path (which says inside what it is for): a repository
/// cannot choose where its line is written. A file that is not ours, is
/// readable or writable by others, or is a symbolic link is not used, nor
/// is a directory that fails FileTrust. Nor is any line read or written
/// while the environment sets a variable that changes how git finds its
/// repository or what it reads (`CachedRepository.unsupportedVariables`:
/// GIT_DIR, GIT_WORK_TREE, `git -c`'s GIT_CONFIG_PARAMETERS…). Nothing secret is kept: the report
/// holds URLs with any credentials redacted, and file metadata.
final class WorkspaceStatusCache: @unchecked Sendable {
    /// 1: the report and the work tree's counts, with the union of their inputs.
    static let version: Int64 = 1

    let directory: String
    let key: [String]
    /// The run's fingerprints of inputs outside the repositories.
    let shared = StatusCache.SharedInputs()
    /// Whether the directory may be read from and written to.
    private let usable: Bool
    /// False with `--no-cache`: lines are written, never read.
    let reading: Bool
    private let lock = Lock()
    private var preparedShards: Set<String> = []

    init(context: Context, key: [String], reading: Bool = true) {
        directory = WorkspaceStatusCache.directory(context.paths)
        self.key = key
        self.reading = reading
        // GIT_DIR, GIT_WORK_TREE, `git -c` and the like change what git reads
        // without any file changing: no line is read or written under them.
        let plain = !CachedRepository.unsupportedVariables.contains { !(context.environment[$0] ?? "").isEmpty }
        // Missing is fine (made on the first store); untrusted is not used at all.
        usable = plain && (try? FileTrust.check(directory, kind: .directory)) != nil
    }

    static func directory(_ paths: Paths) -> String { paths.stateHome + "/hyperforge/workspace-status" }

    func path(workTree: String) -> String {
        let hash = ContentHash.of([workTree])
        return "\(directory)/\(hash.prefix(2))/\(hash.dropFirst(2))"
    }

    /// The repository's cached report and counts, when every input is as it was.
    func lookup(workTree: String) -> (report: Hforge.StatusReport, changes: WorkTreeChanges)? {
        guard usable, reading, let bytes = WorkspaceStatusCache.readOwnFile(path(workTree: workTree)),
              let json = try? JSONParser.parse(bytes), case .integer(WorkspaceStatusCache.version)? = json["version"],
              case .string(workTree)? = json["work_tree"], case .array(let k)? = json["key"], k.count == key.count,
              zip(k, key).allSatisfy({ $0.0 == .string($0.1) }), case .array(let list)? = json["inputs"], !list.isEmpty else { return nil }
        for value in list {
            guard let recorded = InputFingerprint(json: value), shared.unchanged(recorded, repository: workTree) else { return nil }
        }
        guard let report = json["report"].flatMap(Hforge.StatusReport.init(cache:)),
              case .array(let counts)? = json["changes"], counts.count == 4 else { return nil }
        var c: [Int] = []
        for v in counts { guard case .integer(let n) = v, n >= 0, let i = Int(exactly: n) else { return nil }; c.append(i) }
        return (report, WorkTreeChanges(staged: c[0], unstaged: c[1], untracked: c[2], conflicted: c[3]))
    }

    /// Keeps the line unless an input changed within the racy window before
    /// `start` (when its fingerprints began to be taken).
    func store(workTree: String, report: Hforge.StatusReport, changes: WorkTreeChanges, inputs: [InputFingerprint], start: Double) {
        guard usable, !inputs.isEmpty, InputRecorder.settled(inputs, now: start) else { return }
        var seen: Set<String> = []
        let unique = inputs.filter { seen.insert($0.path).inserted }
        let entry = JSONValue.object([
            "version": .integer(WorkspaceStatusCache.version), "key": .array(key.map(JSONValue.string)),
            "work_tree": .string(workTree), "inputs": .array(unique.map(\.json)), "report": report.cacheJSON,
            "changes": .array([changes.staged, changes.unstaged, changes.untracked, changes.conflicted].map { .integer(Int64($0)) }),
        ])
        let file = path(workTree: workTree)
        let shard = FilePaths.parent(file)!
        if !lock.withLock({ preparedShards.contains(shard) }) {
            guard (try? FileTrust.prepareDirectory(shard)) != nil else { return }
            lock.withLock { _ = preparedShards.insert(shard) }
        }
        // A cache: a line lost to a power cut is computed again (not fsynced).
        try? AtomicFile.write(Array(entry.jsonText.utf8), to: file, mode: 0o600, durable: false)
    }

    /// The bytes of a regular file of ours that only we may read or write;
    /// nil for anything else (a link is not followed).
    static func readOwnFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_uid == geteuid(), st.st_mode & 0o077 == 0,
              st.st_size > 0, st.st_size < 16 << 20 else { return nil }
        let size = Int(st.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            done += n
        }
        return bytes
    }
}

// MARK: The report as the cache keeps it (the core's JSON, not JSONDecoder's: a tenth of the time)

extension Hforge.StatusReport {
    var cacheJSON: JSONValue {
        .object(["repository": .string(repository), "branch": optional(branch), "head": .string(head),
                 "config_files": .array(configFiles.map(JSONValue.string)), "forges": .array(forges.map(\.cacheJSON)),
                 "extra_remotes": .array(extraRemotes.map { .array([.string($0.remote), optional($0.url)]) }),
                 "warnings": .array(warnings.map(JSONValue.string)), "in_sync": .bool(inSync)])
    }

    init?(cache json: JSONValue) {
        guard case .string(let repository)? = json["repository"], case .string(let head)? = json["head"],
              let branch = optionalString(json["branch"]), let configFiles = strings(json["config_files"]),
              case .array(let f)? = json["forges"], case .array(let x)? = json["extra_remotes"],
              let warnings = strings(json["warnings"]), case .bool(let inSync)? = json["in_sync"] else { return nil }
        var forges: [Hforge.ForgeStatus] = []
        for v in f { guard let forge = Hforge.ForgeStatus(cache: v) else { return nil }; forges.append(forge) }
        var extras: [Hforge.ExtraRemote] = []
        for v in x {
            guard case .array(let pair) = v, pair.count == 2, case .string(let remote) = pair[0], let url = optionalString(pair[1]) else { return nil }
            extras.append(Hforge.ExtraRemote(remote: remote, url: url))
        }
        self.init(repository: repository, branch: branch, head: head, configFiles: configFiles, forges: forges,
                  extraRemotes: extras, warnings: warnings, inSync: inSync)
    }
}

extension Hforge.ForgeStatus {
    var cacheJSON: JSONValue {
        .object(["forge": .string(forge), "kind": .string(kind), "states": .array(states.map { .string($0.rawValue) }),
                 "wanted_url": .string(wantedURL), "actual_url": optional(actualURL), "push_url": optional(pushURL),
                 "wanted_key": optional(wantedKey), "actual_key": optional(actualKey),
                 "ahead": ahead.map { .integer(Int64($0)) } ?? .null, "behind": behind.map { .integer(Int64($0)) } ?? .null,
                 "tracking_ref": optional(trackingRef)])
    }

    init?(cache json: JSONValue) {
        guard case .string(let forge)? = json["forge"], case .string(let kind)? = json["kind"],
              let stateNames = strings(json["states"]), case .string(let wantedURL)? = json["wanted_url"],
              let actualURL = optionalString(json["actual_url"]), let pushURL = optionalString(json["push_url"]),
              let wantedKey = optionalString(json["wanted_key"]), let actualKey = optionalString(json["actual_key"]),
              let ahead = optionalCount(json["ahead"]), let behind = optionalCount(json["behind"]),
              let trackingRef = optionalString(json["tracking_ref"]) else { return nil }
        var states: [State] = []
        for name in stateNames { guard let s = State(rawValue: name) else { return nil }; states.append(s) }
        self.init(forge: forge, kind: kind, states: states, wantedURL: wantedURL, actualURL: actualURL, pushURL: pushURL,
                  wantedKey: wantedKey, actualKey: actualKey, ahead: ahead, behind: behind, trackingRef: trackingRef)
    }
}

private func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }

/// `.some(nil)` for null, `.some(s)` for a string, nil (not valid) for anything else.
private func optionalString(_ v: JSONValue?) -> String?? {
    switch v {
    case .null?: return .some(nil)
    case .string(let s)?: return .some(s)
    default: return nil
    }
}

private func optionalCount(_ v: JSONValue?) -> Int?? {
    switch v {
    case .null?: return .some(nil)
    case .integer(let n)?: return Int(exactly: n).map { .some($0) }
    default: return nil
    }
}

private func strings(_ v: JSONValue?) -> [String]? {
    guard case .array(let a)? = v else { return nil }
    var list: [String] = []
    for e in a { guard case .string(let s) = e else { return nil }; list.append(s) }
    return list
}
