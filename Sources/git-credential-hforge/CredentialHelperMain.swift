import ArgumentParser
import Glibc
import HyperforgeCore
import HyperforgeSecrets

/// The credential helper's entry point (`arguments` without the program name).
public enum CredentialHelperMain {
    /// git's `get` answered on the fast path (synchronously, before anything
    /// else starts), or nil with the input it read, for the full helper.
    public static func fastGet(_ arguments: [String]) -> (answer: String?, input: [UInt8])? {
        guard arguments == ["get"] else { return nil }
        // git's requests are a few short lines: read in small pieces.
        let input = FileRead.all(fd: 0, limit: CredentialRequest.Limits.bytes + 1, chunk: 4096)
        // The memo first: nothing but getenv, a few stat calls and two small files.
        if let answer = CredentialMemo.answer(input: input, environment: { name in getenv(name).map { String(cString: $0) } }) {
            return (answer, input)
        }
        return (CredentialFastPath.get(input: input, context: Context.process()), input)
    }

    /// The full helper, for input already read from stdin.
    public static func serve(_ operation: String, input: [UInt8]) async {
        let context = Context.process()
        let answer = await CredentialHelper.run(operation: operation, input: input, context: context)
        if !answer.isEmpty { context.output.stdout.writeVerbatim(answer) } // git's credential protocol, for git
    }

    public static func main(_ arguments: [String]) async {
        // git's own calls (`get`, `store`, `erase` and any future operation
        // word) skip the argument parser: it sits on git's path for every
        // network operation. Everything else (--help, --version, mistakes)
        // goes through it.
        if arguments.count == 1, let op = arguments.first, !op.hasPrefix("-") {
            await GitCredentialHforge.serve(op)
            return
        }
        await GitCredentialHforge.main(arguments)
    }
}
