import Foundation
import HyperforgeCore
@testable import HyperforgeSecrets
import Testing

/// The behaviour of git's own credential-helper test suite (`helper_test` in
/// git's t/lib-credential.sh), driven by the real `git credential
/// fill/approve/reject` with `credential.helper=hforge`.
@Suite struct CredentialHelperProtocolTests {
    struct Check {
        var command: String
        var input: String
        var stdout: String
        var stderr: String = ""
        var useHttpPath = false
    }

    func askpassEnvironment(_ env: TestEnvironment) throws -> TestEnvironment {
        try env.write("""
        #!/bin/sh
        echo >&2 askpass: $*
        what=`echo $1 | cut -d" " -f1 | tr A-Z a-z | tr -cd a-z`
        echo "askpass-$what"

        """, to: "askpass")
        chmod(env.root + "/askpass", 0o755)
        env.environment["GIT_ASKPASS"] = env.root + "/askpass"
        env.environment.removeValue(forKey: "GIT_TERMINAL_PROMPT")
        return env
    }

    func run(_ env: TestEnvironment, _ c: Check, step: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        var args = ["-c", "credential.helper=hforge"]
        if c.useHttpPath { args += ["-c", "credential.usehttppath=true"] }
        let r = try env.run("git", args + ["credential", c.command], input: c.input)
        #expect(r.code == 0, "\(step): git credential \(c.command): \(r)", sourceLocation: sourceLocation)
        #expect(r.stdout == c.stdout, "\(step): stdout", sourceLocation: sourceLocation)
        #expect(r.stderr == c.stderr, "\(step): stderr", sourceLocation: sourceLocation)
    }

    @Test func passesGitsHelperTest() throws {
        let env = try askpassEnvironment(TestEnvironment("cred-helper-test"))
        let steps: [(String, Check)] = [
            ("has no existing data", Check(command: "fill", input: "protocol=https\nhost=example.com\n",
                stdout: "protocol=https\nhost=example.com\nusername=askpass-username\npassword=askpass-password\n",
                stderr: "askpass: Username for 'https://example.com':\naskpass: Password for 'https://askpass-username@example.com':\n")),
            ("stores password", Check(command: "approve", input: "protocol=https\nhost=example.com\nusername=store-user\npassword=store-pass\n", stdout: "")),
            ("can retrieve password", Check(command: "fill", input: "protocol=https\nhost=example.com\n",
                stdout: "protocol=https\nhost=example.com\nusername=store-user\npassword=store-pass\n")),
            ("requires matching protocol", Check(command: "fill", input: "protocol=http\nhost=example.com\n",
                stdout: "protocol=http\nhost=example.com\nusername=askpass-username\npassword=askpass-password\n",
                stderr: "askpass: Username for 'http://example.com':\naskpass: Password for 'http://askpass-username@example.com':\n")),
            ("requires matching host", Check(command: "fill", input: "protocol=https\nhost=other.tld\n",
                stdout: "protocol=https\nhost=other.tld\nusername=askpass-username\npassword=askpass-password\n",
                stderr: "askpass: Username for 'https://other.tld':\naskpass: Password for 'https://askpass-username@other.tld':\n")),
            ("requires matching username", Check(command: "fill", input: "protocol=https\nhost=example.com\nusername=other\n",
                stdout: "protocol=https\nhost=example.com\nusername=other\npassword=askpass-password\n",
                stderr: "askpass: Password for 'https://other@example.com':\n")),
            ("requires matching path (store)", Check(command: "approve", input: "protocol=http\nhost=path.tld\npath=foo.git\nusername=user\npassword=pass\n", stdout: "", useHttpPath: true)),
            ("requires matching path", Check(command: "fill", input: "protocol=http\nhost=path.tld\npath=bar.git\n",
                stdout: "protocol=http\nhost=path.tld\npath=bar.git\nusername=askpass-username\npassword=askpass-password\n",
                stderr: "askpass: Username for 'http://path.tld/bar.git':\naskpass: Password for 'http://askpass-username@path.tld/bar.git':\n", useHttpPath: true)),
            ("can forget host", Check(command: "reject", input: "protocol=https\nhost=example.com\n", stdout: "")),
            ("forgot host", Check(command: "fill", input: "protocol=https\nhost=example.com\n",
                stdout: "protocol=https\nhost=example.com\nusername=askpass-username\npassword=askpass-password\n",
                stderr: "askpass: Username for 'https://example.com':\naskpass: Password for 'https://askpass-username@example.com':\n")),
            ("store user1", Check(command: "approve", input: "protocol=https\nhost=example.com\nusername=user1\npassword=pass1\n", stdout: "")),
            ("store user2", Check(command: "approve", input: "protocol=https\nhost=example.com\nusername=user2\npassword=pass2\n", stdout: "")),
            ("multiple users: user1", Check(command: "fill", input: "protocol=https\nhost=example.com\nusername=user1\n",
                stdout: "protocol=https\nhost=example.com\nusername=user1\npassword=pass1\n")),
            ("multiple users: user2", Check(command: "fill", input: "protocol=https\nhost=example.com\nusername=user2\n",
                stdout: "protocol=https\nhost=example.com\nusername=user2\npassword=pass2\n")),
            ("can forget user", Check(command: "reject", input: "protocol=https\nhost=example.com\nusername=user1\n", stdout: "")),
            ("forgot user", Check(command: "fill", input: "protocol=https\nhost=example.com\nusername=user1\n",
                stdout: "protocol=https\nhost=example.com\nusername=user1\npassword=askpass-password\n",
                stderr: "askpass: Password for 'https://user1@example.com':\n")),
            ("remembers other user", Check(command: "fill", input: "protocol=https\nhost=example.com\nusername=user2\n",
                stdout: "protocol=https\nhost=example.com\nusername=user2\npassword=pass2\n")),
            ("can store empty username", Check(command: "approve", input: "protocol=https\nhost=sso.tld\nusername=\npassword=\n", stdout: "")),
            ("returns empty username", Check(command: "fill", input: "protocol=https\nhost=sso.tld\n",
                stdout: "protocol=https\nhost=sso.tld\nusername=\npassword=\n")),
        ]
        for (name, check) in steps { try run(env, check, step: name) }
    }
}
