import Foundation
import Testing

/// `git hforge ssh` passes everything to ssh (it is git's core.sshCommand),
/// but a person typing `--help` is answered by us, never by ssh's usage.
@Suite struct SSHHelpTests {
    @Test func helpIsOursNotSSHs() throws {
        let env = try TestEnvironment("ssh-help")
        let repo = try env.makeRepository("r")
        for flag in ["--help", "-h"] {
            let r = try env.git("hforge", "ssh", flag, in: repo)
            #expect(r.code == 0, "\(r)")
            #expect(r.stdout.contains("USAGE: git-hforge ssh"), "\(r)")
            #expect(r.stdout.contains("Exit status: ssh's"), "\(r)")
            #expect(!r.stderr.contains("usage: ssh"), "\(r)")
        }
        let none = try env.git("hforge", "ssh", in: repo)
        #expect(none.code == 64, "\(none)")
        #expect(none.stderr.contains("no arguments: git runs 'git-hforge ssh' with ssh's arguments"), "\(none)")
        #expect(!none.stderr.contains("usage: ssh"), "\(none)")
        // After the destination, --help is the remote command's: passed through.
        try env.gitOK("config", "hforge.sshProgram", "echo", in: repo)
        let ssh = try env.git("hforge", "ssh", "host.example", "--help", in: repo)
        #expect(ssh.code == 0 && ssh.stdout == "host.example --help\n", "\(ssh)")
    }
}
