import ArgumentParser
import Glibc
import HyperforgeCore
import HyperforgeHforge

extension GitHforge {
    struct SSH: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "ssh with the key of the forge being contacted (git runs this as core.sshCommand).",
            shouldDisplay: false
        )
        @Argument(parsing: .captureForPassthrough, help: "ssh's arguments, as git passes them.")
        var arguments: [String] = []

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
