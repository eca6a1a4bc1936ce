import ArgumentParser

/// `--path DIR`: the repository a command works on.
public struct RepositoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The repository to work on (default: the current directory).", valueName: "dir"),
            completion: .directory)
    public var path: String?

    public init() {}
}
