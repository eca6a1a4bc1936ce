import HyperforgeCore

/// One crate to release: its manifest, where its version is written (its own
/// `[package] version`, or the workspace's `[workspace.package] version` for
/// a member with `version.workspace = true`) and its lock file.
struct CargoPackage: Sendable {
    var name: String
    var version: ReleaseVersion
    /// The crate's directory and manifest.
    var directory: String
    var manifest: String
    /// The file holding the version (the manifest, or the workspace root's).
    var versionFile: String
    var versionLine: Int
    /// The workspace root's manifest when the crate is a member of one.
    var workspaceManifest: String?
    /// Cargo.lock, at the workspace root or beside the manifest.
    var lockFile: String
    /// `package.publish = ["NAME"]`: the registries the crate allows (nil: any).
    var allowedRegistries: [String]?
    /// `publish = false`.
    var publishDisabled: Bool

    var inWorkspace: Bool { workspaceManifest != nil }

    /// Reads the crate at `directory`.
    static func load(directory: String) throws -> CargoPackage {
        let manifest = FilePaths.join(directory, "Cargo.toml")
        let spans = try read(manifest)
        guard spans.headers.contains(["package"]) || spans.entries.contains(where: { $0.table == ["package"] }) else {
            if spans.headers.contains(["workspace"]) {
                throw PublishError.notAPackage(path: manifest, reason: "is a virtual workspace's manifest (no [package]); pass --path to one of its member crates")
            }
            throw PublishError.notAPackage(path: manifest, reason: "has no [package] table")
        }
        guard let name = spans.string(table: ["package"], key: ["name"]) else {
            throw PublishError.notAPackage(path: manifest, reason: "has no package.name string")
        }
        var allowed: [String]?
        var disabled = false
        if let raw = spans.rawValue(table: ["package"], key: ["publish"]) {
            if raw == "false" { disabled = true }
            else if raw.hasPrefix("[") {
                allowed = raw.dropFirst().dropLast().split(separator: ",").map { String($0).trimmed().trimmingQuotes() }.filter { !$0.isEmpty }
            }
        }
        // The workspace root: the nearest parent directory whose Cargo.toml has [workspace].
        var workspace: String?
        var dir = FilePaths.parent(directory)
        if spans.headers.contains(["workspace"]) { workspace = manifest; dir = nil }
        while let d = dir {
            let candidate = FilePaths.join(d, "Cargo.toml")
            if FilePaths.kind(candidate) == .file, let s = try? read(candidate), s.headers.contains(["workspace"]) || s.entries.contains(where: { $0.table.first == "workspace" }) {
                workspace = candidate
                break
            }
            if FilePaths.kind(FilePaths.join(d, ".git")) != .missing { break }
            dir = FilePaths.parent(d)
        }

        let versionText: String, versionFile: String, versionLine: Int
        if let v = spans.string(table: ["package"], key: ["version"]) {
            (versionText, versionFile, versionLine) = (v.text, manifest, v.line)
        } else if spans.rawValue(table: ["package"], key: ["version", "workspace"]) == "true" {
            guard let root = workspace else {
                throw PublishError.notAPackage(path: manifest, reason: "takes its version from the workspace (version.workspace = true), but no parent Cargo.toml has [workspace]")
            }
            let rootSpans = try read(root)
            guard let v = rootSpans.string(table: ["workspace", "package"], key: ["version"]) else {
                throw PublishError.notAPackage(path: root, reason: "has no [workspace.package] version string, which \(manifest) takes its version from")
            }
            (versionText, versionFile, versionLine) = (v.text, root, v.line)
        } else {
            throw PublishError.notAPackage(path: manifest, reason: "has no package.version string (cargo's default 0.0.0 cannot be bumped: write version = \"0.1.0\")")
        }
        guard let version = ReleaseVersion(versionText) else {
            throw PublishError.notAPackage(path: "\(versionFile):\(versionLine)", reason: "version '\(versionText)' is not a SemVer version")
        }
        let lockDirectory = workspace.flatMap(FilePaths.parent) ?? directory
        return CargoPackage(name: name.text, version: version, directory: directory, manifest: manifest,
                            versionFile: versionFile, versionLine: versionLine,
                            workspaceManifest: workspace == manifest ? nil : workspace,
                            lockFile: FilePaths.join(lockDirectory, "Cargo.lock"), allowedRegistries: allowed, publishDisabled: disabled)
    }

    static func read(_ path: String) throws -> TOMLSpans {
        let bytes: [UInt8]
        do {
            guard let b = try FileRead.bytes(path, limit: TOMLSource.maximumBytes) else {
                throw PublishError.notAPackage(path: path, reason: "does not exist")
            }
            bytes = b
        } catch let e as FileRead.Failure {
            throw PublishError.unreadable(path: path, reason: e.reason)
        }
        do { return try TOMLSpans(bytes) } catch {
            throw PublishError.notAPackage(path: "\(path):\(error.line)", reason: error.reason)
        }
    }

    /// The files a bump to `new` writes, each with its new bytes: the
    /// version string's bytes replaced, nothing else. Cargo.lock's entry for
    /// this crate (the `[[package]]` with its name, the old version and no
    /// `source`) is changed when the file has one.
    func bumpEdits(to new: ReleaseVersion) throws -> [FileEdit] {
        var edits: [FileEdit] = []
        let spans = try CargoPackage.read(versionFile)
        let table = versionFile == manifest ? ["package"] : ["workspace", "package"]
        guard let v = spans.string(table: table, key: ["version"]) else {
            throw PublishError.notAPackage(path: versionFile, reason: "its version string moved while it was read")
        }
        edits.append(FileEdit(path: versionFile, before: spans.bytes, after: TOMLSpans.replacing(v.span, in: spans.bytes, with: new.description)))
        if FilePaths.kind(lockFile) == .file {
            let lock = try CargoPackage.read(lockFile)
            let entries = lock.entries.filter { $0.table == ["package"] && $0.isArrayTable }
            let elements = Set(entries.map(\.element))
            for element in elements.sorted() {
                let of = entries.filter { $0.element == element }
                guard let n = of.first(where: { $0.key == ["name"] }), let ns = n.stringContent,
                      String(decoding: lock.bytes[ns], as: UTF8.self) == name,
                      !of.contains(where: { $0.key == ["source"] }),
                      let ver = of.first(where: { $0.key == ["version"] }), let vs = ver.stringContent,
                      String(decoding: lock.bytes[vs], as: UTF8.self) == version.description else { continue }
                edits.append(FileEdit(path: lockFile, before: lock.bytes, after: TOMLSpans.replacing(vs, in: lock.bytes, with: new.description)))
                break
            }
        }
        return edits
    }
}

/// A file's bytes before and after a change.
struct FileEdit: Sendable, Equatable {
    var path: String
    var before: [UInt8]
    var after: [UInt8]
}

extension String {
    func trimmingQuotes() -> String {
        var s = Substring(self)
        if let f = s.first, f == "\"" || f == "'" { s = s.dropFirst() }
        if let l = s.last, l == "\"" || l == "'" { s = s.dropLast() }
        return String(s)
    }
}
