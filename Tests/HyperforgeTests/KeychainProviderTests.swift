import Foundation
import Testing

/// The keychain provider against a real Secret Service: GNOME Keyring started
/// by the test in a private D-Bus session.
@Suite(.enabled(if: ["/usr/bin/dbus-run-session", "/usr/bin/gnome-keyring-daemon", "/usr/bin/secret-tool"]
        .allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }, "needs dbus, gnome-keyring and libsecret-tools"))
struct KeychainProviderTests {
    @Test func storesReadsListsAndRemovesInTheKeyring() throws {
        let env = try TestEnvironment("keychain")
        try env.write("""
        [auth]
        default = "kc"

        [auth.providers.kc]
        type = "keychain"

        """, to: "home/.config/hyperforge/auth.toml")
        let scope = "git/github/alice/repo/kc/token"
        let script = """
        echo -n unlock-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
        printf 'tok-from-keyring' | git scope set \(scope) || exit 10
        echo "GET=$(git scope get \(scope))"
        echo "LIST=$(git scope list --provider kc | tr '\\n' ' ')"
        echo "RAW=$(secret-tool lookup service hyperforge scope \(scope))"
        git scope rm \(scope) || exit 11
        git scope get \(scope) >/dev/null 2>&1; echo "AFTER=$?"
        """
        let r = try env.run("dbus-run-session", ["--", "sh", "-c", script])
        #expect(r.code == 0, "\(r)")
        #expect(r.stdout.contains("GET=tok-from-keyring"), "\(r)")
        #expect(r.stdout.contains("LIST=kc (keychain): 1 secret   \(scope)") || r.stdout.contains(scope), "\(r)")
        #expect(r.stdout.contains("RAW=tok-from-keyring"), "the secret is not in the Secret Service: \(r)")
        #expect(r.stdout.contains("AFTER=1"), "\(r)")
        // Nothing was written to the file provider.
        #expect(!FileManager.default.fileExists(atPath: env.home + "/.local/share/hyperforge/secrets"))
    }
}
