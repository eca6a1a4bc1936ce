/// The variables that tie a git command to one repository: git sets them
/// for its hooks (a hook may run our tools) and users set them by hand. A
/// child git that names its repository itself (`--git-dir`, `-C`, a new or
/// scratch repository) must not inherit them, or it would read or write
/// another repository's index, objects or refs.
public enum GitEnvironment {
    public static let repositoryVariables = [
        "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_COMMON_DIR",
        "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    ]

    /// `environment` without `repositoryVariables`.
    public static func detached(_ environment: [String: String]) -> [String: String] {
        var env = environment
        for name in repositoryVariables { env[name] = nil }
        return env
    }
}
