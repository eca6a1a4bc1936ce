import ArgumentParser
import CLISupport
import HyperforgeHforge

extension GitHforge {
    struct Workspace: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Work on every repository under a directory: list, status, fetch, sync, push, publish.",
            discussion: """
            The workspace is --path DIR (default: the current directory). Its members are the \
            git work trees below DIR (DIR itself included) that have their own \
            .hyperforge/config.toml; with --all-repos, also every other work tree below a \
            .hyperforge/defaults.toml that lies inside DIR (its config then comes from the \
            defaults chain alone). Each member is what 'git hforge' would see from inside it.

            Discovery never goes into .git or a bare repository and never follows a symbolic \
            link (so nothing outside DIR is reached; a link to a directory is listed as \
            skipped). It goes on below a work tree: a repository nested in another's work tree \
            is a member of its own (the outer one's status lists it as untracked unless it \
            ignores it), and so is a submodule or a linked worktree (a .git file) with its own \
            config.toml, when the git directory it names is inside DIR (a .git that is a link, \
            or a .git file naming a git directory outside DIR, is skipped: git would follow it \
            there). .hyperforge/ignore files (gitignore syntax: *, ?, [a-z], **, a \
            trailing / for directories, a leading or inner / anchoring the pattern to the \
            directory holding .hyperforge, ! to re-include) in DIR, its directories outside work \
            trees and the directories above DIR name directories to pass over; an ignored \
            directory is not looked into. 'git hforge workspace list' shows what was found and \
            why. Members are taken in path order (component by component).

            Progress (done of total, the repositories in flight) is shown on standard error \
            when it is a terminal; colour only on a terminal, never with NO_COLOR. A forge your \
            config puts on plain http (web_url = "http://...") is warned of once per host for the \
            run, on standard error, not in each repository's plan or git output.
            """,
            subcommands: [WorkspaceList.self, WorkspaceStatus.self, WorkspaceFetch.self, WorkspaceSync.self, WorkspacePush.self, WorkspacePublish.self]
        )
    }
}

/// `--path DIR` and `--all-repos`, for every workspace command.
struct WorkspaceArguments: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The workspace directory (default: the current directory).", valueName: "dir"),
            completion: .directory)
    var path: String?
    @Flag(help: "Also take every repository without its own config.toml that lies under a defaults.toml inside the directory.")
    var allRepos = false

    func options(json: Bool = false, jobs: Int? = nil) -> Hforge.WorkspaceOptions {
        var o = Hforge.WorkspaceOptions()
        o.path = path
        o.allRepos = allRepos
        o.json = json
        o.jobs = jobs
        return o
    }
}

/// `--jobs N`, checked: at least 1, at most 256.
func checkJobs(_ jobs: Int?) throws {
    if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs \(jobs): give a number from 1 to 256") }
}
