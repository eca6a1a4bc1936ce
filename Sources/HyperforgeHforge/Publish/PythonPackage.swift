import FoundationEssentials
import HyperforgeCore

/// A Python project to release: `pyproject.toml` with a static PEP 621
/// `[project] version`. The version is bumped by replacing exactly the bytes
/// of that string (TOMLSpans), nothing else in the file changes.
///
/// Only X.Y.Z versions are bumped: it is where SemVer and PEP 440 write a
/// version the same way (a PEP 440 pre-release is `1.0.0a1`, not SemVer's
/// `1.0.0-alpha.1`), so `--bump pre` and `--version X.Y.Z-PRE` are refused.
struct PythonPackage: ReleasePackage {
    var name: String
    var version: ReleaseVersion
    var directory: String
    var manifest: String
    var versionLine: Int

    var kind: String { "pypi" }
    var versionFile: String { manifest }
    var inWorkspace: Bool { false }
    var allowedRegistries: [String]? { nil }
    var publishDisabled: Bool { false }
    var createdByBuild: [String] { [] }

    static func load(directory: String) throws -> PythonPackage {
        let manifest = FilePaths.join(directory, "pyproject.toml")
        let spans = try CargoPackage.read(manifest)
        guard spans.tables.contains(["project"]) else {
            throw PublishError.notAPackage(path: manifest, reason: "has no [project] table (PEP 621); publish bumps [project] version")
        }
        guard let name = spans.string(table: ["project"], key: ["name"]) else {
            throw PublishError.notAPackage(path: manifest, reason: "has no project.name string")
        }
        if let dynamic = spans.rawValue(table: ["project"], key: ["dynamic"]),
           dynamic.contains("\"version\"") || dynamic.contains("'version'") {
            throw PublishError.dynamicVersion(path: manifest)
        }
        guard let v = spans.string(table: ["project"], key: ["version"]) else {
            throw PublishError.notAPackage(path: manifest, reason: "has no project.version string (PEP 621): write version = \"0.1.0\" under [project]")
        }
        guard let version = ReleaseVersion(v.text), version.pre.isEmpty, version.build == nil else {
            throw PublishError.notAPackage(path: "\(manifest):\(v.line)", reason: "version '\(v.text)' is not X.Y.Z (publish bumps versions SemVer and PEP 440 write alike)")
        }
        return PythonPackage(name: name.text, version: version, directory: directory, manifest: manifest, versionLine: v.line)
    }

    func bumpEdits(to new: ReleaseVersion) throws -> [FileEdit] {
        guard new.pre.isEmpty, new.build == nil else {
            throw PublishError.notAPackage(path: manifest, reason: "gets X.Y.Z versions only: \(new) is SemVer's way of writing a pre-release, not PEP 440's (1.0.0a1); pass --version X.Y.Z")
        }
        let spans = try CargoPackage.read(manifest)
        guard let v = spans.string(table: ["project"], key: ["version"]) else {
            throw PublishError.notAPackage(path: manifest, reason: "its version string moved while it was read")
        }
        return [FileEdit(path: manifest, before: spans.bytes, after: TOMLSpans.replacing(v.span, in: spans.bytes, with: new.description))]
    }

    /// `python3 -m build` (an sdist and a wheel in dist/, with build
    /// isolation: pass `[publish] build = [...]` with `--no-isolation` to
    /// build offline with the back-end that is installed).
    func defaultBuild(context: Context) -> [[String]] { [["python3", "-m", "build"]] }

    /// `python3 -m pytest` when a tests/ or test/ directory exists and
    /// pytest can be imported; else no test command (the step says so).
    func defaultTest(context: Context) async -> (commands: [[String]], skipped: String?) {
        let hasTests = ["tests", "test"].contains { FilePaths.kind(FilePaths.join(directory, $0)) == .directory }
        guard hasTests else { return ([], nil) }
        let probe = try? await ChildProcess.run(["python3", "-c", "import pytest"], environment: context.environment, directory: directory, timeout: 60)
        return (probe?.exitCode == 0 ? [["python3", "-m", "pytest"]] : [], nil)
    }

    /// PEP 503's normalised name: lower case, runs of '-', '_', '.' as one '-'.
    static func normalized(_ name: String, separator: Character = "-") -> String {
        var out = ""
        var lastWasSeparator = false
        for c in name.lowercased() {
            if c == "-" || c == "_" || c == "." {
                if !lastWasSeparator { out.append(separator) }
                lastWasSeparator = true
            } else {
                out.append(c)
                lastWasSeparator = false
            }
        }
        return out
    }

    /// Whether a distribution's file name is one of `name` `version`'s
    /// (`name-1.2.3.tar.gz`, `name-1.2.3-py3-none-any.whl`, the name spelt
    /// with '_' or '-', in any case).
    static func isDistribution(_ file: String, of name: String, version: String) -> Bool {
        let prefix = normalized(name + "-" + version, separator: "_")
        let f = normalized(file, separator: "_")
        guard f.hasPrefix(prefix) else { return false }
        let rest = f.dropFirst(prefix.count)
        return rest == "_tar_gz" || rest == "_zip" || (rest.hasPrefix("_") && file.hasSuffix(".whl"))
    }

    /// `version`'s distributions in `directory`/dist/, as paths relative to `directory`.
    static func distributions(in directory: String, of name: String, version: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: FilePaths.join(directory, "dist"))) ?? []
        return names.filter { isDistribution($0, of: name, version: version) }.sorted().map { "dist/" + $0 }
    }
}
