import ArgumentParser

/// `--json`, for the commands that print a list or a report.
struct JSONFlag: ParsableArguments {
    @Flag(help: "Print as JSON.") var json = false
}
