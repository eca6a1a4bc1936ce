import Glibc
import HyperforgeCore

/// Where `credential.<url>.helper` points. git runs a helper configured by
/// absolute path directly; one configured by name (`hforge`) makes git start
/// a second git (`git credential-hforge`), which then starts the helper: a
/// whole extra process on every fetch and push. So init and sync write the
/// absolute path of the installed `git-credential-hforge` link (never the
/// multi-call binary it points to: the link's name is what selects the
/// helper), and repair set-ups that name it or point at a path that is gone.
public enum CredentialHelperPath {
    /// The name older set-ups used.
    public static let byName = "hforge"
    static let executable = "git-credential-hforge"

    /// The helper to configure: the `git-credential-hforge` beside the tool
    /// that is running (git passes the full path it ran us by), else the one
    /// on PATH, else by name.
    public static func preferred(context: Context, argv0: String = CommandLine.arguments.first ?? "") -> String {
        var candidates: [String] = []
        if argv0.contains("/"), let dir = FilePaths.parent(context.resolve(argv0)) {
            candidates.append(FilePaths.join(dir, executable))
        }
        for dir in (context.environment["PATH"] ?? "").split(separator: ":") where dir.hasPrefix("/") {
            candidates.append(FilePaths.join(String(dir), executable))
        }
        return candidates.first(where: { access($0, X_OK) == 0 }) ?? byName
    }

    /// Whether a configured helper value is one of ours (by name, or a path
    /// to a `git-credential-hforge`).
    public static func isOurs(_ value: String) -> Bool {
        value == byName || (value.hasPrefix("/") && FilePaths.lastComponent(value) == executable)
    }

    /// What is wrong with a configured value of ours, if anything.
    public static func problem(with value: String, preferred: String) -> String? {
        if value == byName {
            return preferred == byName ? nil
                : "is configured by name ('\(byName)'), so git starts a second git for every request"
        }
        if access(value, X_OK) != 0 { return "points at \(value), which is gone" }
        return nil
    }
}
