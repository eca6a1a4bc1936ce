import ArgumentParser
import Glibc
import HyperforgeCore
import HyperforgeHforge

extension GitHforge {
    struct SSH: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "ssh with the key of the forge being contacted (git runs this as core.sshCommand).",
            discussion: """
            git runs it with ssh's arguments ([options] [user@]host command); it runs the ssh \
            program (git config hforge.sshProgram, default ssh) with -i KEY -o IdentitiesOnly=yes, \
            KEY being hforge.FORGE.identityFile of the forge whose remote points at that host and \
            port, then the arguments unchanged. --help or -h as the first argument prints this \
            (git always passes a destination first or ssh options, and ssh has neither option).

            Exit status: ssh's; 255 when ssh cannot be run (as ssh's own errors); 64 with no \
            arguments.
            """,
            shouldDisplay: false
        )
        @Argument(parsing: .captureForPassthrough, help: "ssh's arguments, as git passes them.")
        var arguments: [String] = []

        func validate() throws {
            // Everything is passed through to ssh, so ArgumentParser never sees
            // --help: a person asking is answered here, never by ssh's usage.
            if let first = arguments.first, first == "--help" || first == "-h" { throw CleanExit.helpRequest(self) }
            guard !arguments.isEmpty else {
                throw ValidationError("no arguments: git runs 'git-hforge ssh' with ssh's arguments ([options] [user@]host command); see 'git hforge ssh --help'")
            }
        }

        func run() async throws {
            let context = Context.process()
            let argv: [String]
            do {
                argv = try Hforge.sshCommand(arguments: arguments, context: context)
            } catch {
                context.output.report(error, program: "git-hforge ssh")
                throw ExitCode(255)
            }
            var cArgs = argv.map { strdup($0) } + [nil]
            execv(argv[0], &cArgs)
            context.output.report(HforgeError.cannotRun(program: argv[0], reason: String(cString: strerror(errno))), program: "git-hforge ssh")
            throw ExitCode(255)
        }
    }
}
