import Foundation
import HyperforgeCore
import Testing

/// Nothing a cloned repository or another local user writes may redirect a
/// token, make us run their code, or make us trust their files. Each test
/// reproduces one attack through the real git and the built executables.
@Suite struct TrustBoundaryTests {
    static var nobody: (uid: uid_t, gid: gid_t)? {
        guard getuid() == 0, let pw = getpwnam("nobody") else { return nil }
        return (pw.pointee.pw_uid, pw.pointee.pw_gid)
    }

    func fill(_ env: TestEnvironment, in directory: String, _ input: String) throws -> TestEnvironment.Result {
        try env.run("git", ["-c", "credential.helper=hforge", "-c", "credential.usehttppath=true", "credential", "fill"],
                    in: directory, input: input)
    }

    /// A committed `.hyperforge/config.toml` that points the user's forge at a
    /// server of its own: the override is ignored with a warning naming it,
    /// no helper is installed for that server, and the user's token never
    /// reaches it.
    @Test(.enabled(if: SmartHTTPServer.isAvailable, "needs python3"))
    func aClonedRepositoryCannotRedirectTheUsersForge() throws {
        let env = try TestEnvironment("trust-redirect")
        let token = "corp-token-Hq27"
        // The hostile server accepts exactly the user's token: any request it
        // accepts would prove the token was sent to it.
        let hostile = try SmartHTTPServer(in: env, token: token)
        _ = try hostile.createRepository("corp/app.git", env: env)
        try env.write("""
        org = "corp"
        protocol = "https"

        [custom_forges.work]
        kind = "gitlab"
        host = "git.corp.example"

        """, to: "projects/.hyperforge/defaults.toml")
        let scope = "git/work/corp/repo/app/token"
        #expect(try env.run("git", ["scope", "set", scope], input: token).code == 0)

        // The repository as its author committed it.
        let upstream = try env.makeRepository("upstream/app")
        try env.write("""
        forges = ["work", "evil"]

        [custom_forges.work]
        kind = "gitlab"
        host = "127.0.0.1"
        web_url = "\(hostile.baseURL)"

        [custom_forges.evil]
        kind = "forgejo"
        host = "evil.example"

        """, to: upstream + "/.hyperforge/config.toml")
        try env.gitOK("add", ".hyperforge/config.toml", in: upstream)
        try env.gitOK("commit", "-q", "-m", "hyperforge", in: upstream)
        try env.gitOK("clone", "-q", upstream, env.root + "/projects/app", in: env.root)
        let clone = env.root + "/projects/app"

        let sync = try env.git("hforge", "sync", "--force", in: clone)
        #expect(sync.code == 0, "\(sync)")
        #expect(sync.stderr.contains("\(clone)/.hyperforge/config.toml:3: [custom_forges.work] ignored: 'work' is your own forge (declared at \(env.root)/projects/.hyperforge/defaults.toml:4)"), "\(sync)")
        #expect(sync.stderr.contains("cannot change its host, web_url"), "\(sync)")
        #expect(sync.stdout.contains("no credential helper for evil (https://evil.example): only a repository's committed config declares it"), "\(sync)")
        #expect(sync.stdout.contains("declare it under [custom_forges.evil] in your \(env.home)/.config/hyperforge/auth.toml or"), "\(sync)")
        // With XDG_CONFIG_HOME elsewhere, the note names that auth.toml, not ~/.config's.
        let xdg = try env.run("git", ["hforge", "sync", "--dry-run"], in: clone, extraEnvironment: ["XDG_CONFIG_HOME": env.root + "/xdg"])
        #expect(xdg.stdout.contains("in your \(env.root)/xdg/hyperforge/auth.toml or") && !xdg.stdout.contains("~/.config"), "\(xdg)")
        #expect(try env.gitOK("remote", "get-url", "work", in: clone) == "https://git.corp.example/corp/app.git\n")
        let credentialConfig = try env.git("config", "--get-regexp", "^credential\\.", in: clone).stdout
        #expect(credentialConfig.contains("credential.https://git.corp.example.helper \(TestEnvironment.productsDirectory)/git-credential-hforge"), "\(credentialConfig)")
        #expect(!credentialConfig.contains("127.0.0.1") && !credentialConfig.contains("evil.example"), "\(credentialConfig)")

        // Asked directly for the hostile URL, the helper answers nothing.
        let asked = try fill(env, in: clone, "protocol=http\nhost=127.0.0.1:\(hostile.port)\npath=corp/app.git\n")
        #expect(!asked.stdout.contains(token) && !asked.stderr.contains(token), "\(asked)")
        // Even with a helper configured for it by hand (say, by an older version), git fetches
        // from the hostile server without the token, and its 401 erases nothing.
        try env.gitOK("config", "credential.\(hostile.baseURL).helper", "hforge", in: clone)
        try env.gitOK("config", "credential.\(hostile.baseURL).useHttpPath", "true", in: clone)
        let fetch = try env.git("fetch", hostile.baseURL + "/corp/app.git", in: clone)
        #expect(fetch.code != 0, "\(fetch)")
        #expect(!hostile.entries.isEmpty && !hostile.entries.contains { $0.hasPrefix("accepted") }, "\(hostile.entries)")
        let list = try env.run("git", ["scope", "list"])
        #expect(list.stdout.contains(scope) && !list.stdout.contains("rejected"), "\(list)")
        // The user's own forge still gets its token.
        let own = try fill(env, in: clone, "protocol=https\nhost=git.corp.example\npath=corp/app.git\n")
        #expect(own.stdout.contains("password=\(token)"), "\(own)")
    }

    /// A `defaults.toml` that a repository tracks is that repository's word:
    /// its forges get remotes, never tokens, until it is the user's own again.
    @Test func aTrackedDefaultsFilesForgeGetsNoToken() throws {
        let env = try TestEnvironment("trust-tracked")
        let mono = try env.makeRepository("mono")
        try env.write("""
        [custom_forges.corp]
        kind = "forgejo"
        host = "forge.mono.example"

        """, to: mono + "/.hyperforge/defaults.toml")
        try env.gitOK("add", ".hyperforge/defaults.toml", in: mono)
        try env.gitOK("commit", "-q", "-m", "defaults", in: mono)
        let sub = try env.makeRepository("mono/sub")
        let token = "mono-token-Lw55"
        #expect(try env.run("git", ["scope", "set", "git/corp/alice/repo/sub/token"], input: token).code == 0)

        let initialise = try env.git("hforge", "init", "--forges", "corp", "--org", "alice", "--protocol", "https", in: sub)
        #expect(initialise.code == 0, "\(initialise)")
        #expect(initialise.stdout.contains("no credential helper for corp (https://forge.mono.example): only a repository's committed config declares it"), "\(initialise)")
        #expect(try env.gitOK("remote", "get-url", "corp", in: sub) == "https://forge.mono.example/alice/sub.git\n")
        #expect(try env.git("config", "--get-all", "credential.https://forge.mono.example.helper", in: sub).stdout.isEmpty)
        let request = "protocol=https\nhost=forge.mono.example\npath=alice/sub.git\n"
        let tracked = try fill(env, in: sub, request)
        #expect(!tracked.stdout.contains(token), "\(tracked)")

        // Untracked (and still the user's file), the same forge is the user's word.
        try env.gitOK("rm", "-q", "--cached", ".hyperforge/defaults.toml", in: mono)
        let untracked = try fill(env, in: sub, request)
        #expect(untracked.stdout.contains("password=\(token)"), "\(untracked)")
    }

    /// The user's forge `work` in auth.toml, its token stored, and an app
    /// repository's committed config naming it; returns the token.
    func declareWork(_ env: TestEnvironment) throws -> String {
        try env.write("[custom_forges.work]\nkind = \"gitea\"\nhost = \"git.example.com\"\n", to: env.home + "/.config/hyperforge/auth.toml")
        let token = "work-token-Zq81"
        #expect(try env.run("git", ["scope", "set", "git/work/acme/repo/app/token"], input: token).code == 0)
        return token
    }

    static let evilWork = "[custom_forges.work]\nkind = \"gitea\"\nhost = \"evil.example\"\nweb_url = \"http://evil.example\"\n"
    static let appConfig = "forges = [\"work\"]\norg = \"acme\"\nrepo_name = \"app\"\nprotocol = \"https\"\n"

    /// The attacker's host never gets the token, the user's does.
    func expectTokenOnlyForTheUsersHost(_ env: TestEnvironment, in dir: String, _ token: String,
                                        sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        for proto in ["http", "https"] {
            let evil = try fill(env, in: dir, "protocol=\(proto)\nhost=evil.example\npath=acme/app.git\n")
            #expect(!evil.stdout.contains(token) && !evil.stderr.contains(token), "\(evil)", sourceLocation: sourceLocation)
        }
        let own = try fill(env, in: dir, "protocol=https\nhost=git.example.com\npath=acme/app.git\n")
        #expect(own.stdout.contains("password=\(token)"), "\(own)", sourceLocation: sourceLocation)
        let config = try env.git("hforge", "config", in: dir)
        #expect(config.stdout.contains("custom_forges.work.host = \"git.example.com\"") && !config.stdout.contains("evil.example"), "\(config)", sourceLocation: sourceLocation)
    }

    /// A superproject that tracks `.hyperforge` as a symlink to a tracked
    /// `cfg/` directory: git lists no `.hyperforge/defaults.toml`, yet the file
    /// is the superproject's committed word, not the user's.
    @Test func aTrackedSymlinkedHyperforgeDirectoryIsNotTheUsersWord() throws {
        let env = try TestEnvironment("trust-symlinked-defaults")
        let token = try declareWork(env)
        let app = try env.makeRepository("attacker/app")
        try env.write(Self.appConfig, to: app + "/.hyperforge/config.toml")
        try env.gitOK("add", ".", in: app)
        try env.gitOK("commit", "-q", "-m", "app", in: app)
        let superRepo = try env.makeRepository("attacker/super")
        try env.write(Self.evilWork, to: superRepo + "/cfg/defaults.toml")
        try FileManager.default.createSymbolicLink(atPath: superRepo + "/.hyperforge", withDestinationPath: "cfg")
        try env.gitOK("-c", "protocol.file.allow=always", "submodule", "add", "-q", app, "app", in: superRepo)
        try env.gitOK("add", ".", in: superRepo)
        try env.gitOK("commit", "-q", "-m", "super", in: superRepo)
        try env.gitOK("-c", "protocol.file.allow=always", "clone", "-q", "--recursive", superRepo, env.root + "/super", in: env.root)
        let clone = env.root + "/super/app"
        #expect(try env.gitOK("ls-files", "-s", ".hyperforge", in: env.root + "/super").hasPrefix("120000 "))

        try expectTokenOnlyForTheUsersHost(env, in: clone, token)
        let config = try env.git("hforge", "config", in: clone)
        #expect(config.stderr.contains("\(env.root)/super/.hyperforge/defaults.toml: \(env.root)/super/.hyperforge is a symlink; a defaults.toml is your own word only as a real file in a real .hyperforge directory"), "\(config)")
        #expect(config.stderr.contains("[custom_forges.work] ignored: 'work' is your own forge"), "\(config)")
        let sync = try env.git("hforge", "sync", "--dry-run", in: clone)
        #expect(!sync.stdout.contains("evil.example"), "\(sync)")
    }

    /// A superproject with a submodule mounted at `.hyperforge`: its tracked
    /// `defaults.toml` is the submodule's committed config.
    @Test func aSubmoduleAtHyperforgeIsNotTheUsersWord() throws {
        let env = try TestEnvironment("trust-submodule-defaults")
        let token = try declareWork(env)
        let app = try env.makeRepository("attacker/app")
        try env.write(Self.appConfig, to: app + "/.hyperforge/config.toml")
        try env.gitOK("add", ".", in: app)
        try env.gitOK("commit", "-q", "-m", "app", in: app)
        let cfg = try env.makeRepository("attacker/cfg")
        try env.write(Self.evilWork, to: cfg + "/defaults.toml")
        try env.gitOK("add", ".", in: cfg)
        try env.gitOK("commit", "-q", "-m", "cfg", in: cfg)
        let superRepo = try env.makeRepository("attacker/super")
        try env.gitOK("-c", "protocol.file.allow=always", "submodule", "add", "-q", cfg, ".hyperforge", in: superRepo)
        try env.gitOK("-c", "protocol.file.allow=always", "submodule", "add", "-q", app, "app", in: superRepo)
        try env.gitOK("commit", "-q", "-m", "super", in: superRepo)
        try env.gitOK("-c", "protocol.file.allow=always", "clone", "-q", "--recursive", superRepo, env.root + "/super", in: env.root)
        let clone = env.root + "/super/app"
        #expect(FileManager.default.fileExists(atPath: env.root + "/super/.hyperforge/defaults.toml"))

        try expectTokenOnlyForTheUsersHost(env, in: clone, token)
        let config = try env.git("hforge", "config", in: clone)
        #expect(config.stderr.contains("\(env.root)/super/.hyperforge/defaults.toml:1: [custom_forges.work] ignored: 'work' is your own forge"), "\(config)")
    }

    /// Another user links `.hyperforge` in a shared sticky directory (like
    /// /tmp) to a tracked directory of a repository the user cloned.
    @Test(.enabled(if: TrustBoundaryTests.nobody != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs root, a 'nobody' user and setpriv"))
    func anotherUsersSymlinkToAClonedDirectoryIsSkipped() throws {
        let env = try TestEnvironment("trust-shared-symlink")
        let token = try declareWork(env)
        let cloned = try env.makeRepository("cloned")
        try env.write(Self.evilWork, to: cloned + "/cfg/defaults.toml")
        try env.gitOK("add", ".", in: cloned)
        try env.gitOK("commit", "-q", "-m", "cfg", in: cloned)
        let shared = env.root + "/shared"
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        chmod(shared, 0o1777)
        let link = try env.run("/usr/bin/setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", "ln", "-s", cloned + "/cfg", shared + "/.hyperforge"])
        #expect(link.code == 0, "\(link)")
        let app = try env.makeRepository("shared/app")
        try env.write(Self.appConfig, to: app + "/.hyperforge/config.toml")

        try expectTokenOnlyForTheUsersHost(env, in: app, token)
        let config = try env.git("hforge", "config", in: app)
        #expect(config.stderr.contains("warning: skipped \(shared)/.hyperforge/defaults.toml: refusing to use \(shared)/.hyperforge (owner nobody (uid 65534), mode 0777): it is a symbolic link owned by nobody"), "\(config)")
        // The same link made by the user: still not the user's word (a symlink), and tracked where it points.
        unlink(shared + "/.hyperforge")
        symlink(cloned + "/cfg", shared + "/.hyperforge")
        try expectTokenOnlyForTheUsersHost(env, in: app, token)
    }

    /// A directory others may write (not sticky) holding `.hyperforge`: skipped.
    @Test func aDefaultsDirectoryInAWritableDirectoryIsSkipped() throws {
        let env = try TestEnvironment("trust-writable-container")
        let token = try declareWork(env)
        let shared = env.root + "/open"
        try env.write("[custom_forges.other]\nkind = \"gitea\"\nhost = \"other.example\"\n", to: shared + "/.hyperforge/defaults.toml")
        chmod(shared, 0o777)
        let app = try env.makeRepository("open/app")
        try env.write(Self.appConfig, to: app + "/.hyperforge/config.toml")
        let config = try env.git("hforge", "config", in: app)
        #expect(config.stderr.contains("warning: skipped \(shared)/.hyperforge/defaults.toml: refusing to use directory \(shared) (owner \(FileTrust.userName(geteuid())), mode 0777): group and others may write it"), "\(config)")
        #expect(config.stderr.contains("chmod go-w \(shared)"), "\(config)")
        #expect(!config.stdout.contains("other.example"), "\(config)")
        chmod(shared, 0o755)
        let fixed = try env.git("hforge", "config", in: app)
        #expect(!fixed.stderr.contains("skipped"), "\(fixed)")
        try expectTokenOnlyForTheUsersHost(env, in: app, token)
    }

    /// The user's own untracked defaults.toml cannot move a forge auth.toml
    /// declares: auth.toml wins for host, web_url, api_url and ssh_port, with a
    /// warning naming the file and line.
    @Test func aUsersDefaultsFileCannotMoveAnAuthTomlForge() throws {
        let env = try TestEnvironment("trust-auth-wins")
        let token = try declareWork(env)
        try env.write("org = \"acme\"\n" + Self.evilWork + "ssh_port = 2222\n", to: "projects/.hyperforge/defaults.toml")
        let app = try env.makeRepository("projects/app")
        try env.write(Self.appConfig, to: app + "/.hyperforge/config.toml")
        try expectTokenOnlyForTheUsersHost(env, in: app, token)
        let config = try env.git("hforge", "config", in: app)
        let file = env.root + "/projects/.hyperforge/defaults.toml"
        #expect(config.stderr.contains("\(file):2: [custom_forges.work] cannot change host (\(file):4), ssh_port (\(file):6), web_url (\(file):5) of 'work': your auth.toml declares it (at \(env.home)/.config/hyperforge/auth.toml:1)"), "\(config)")
        #expect(config.stdout.contains("custom_forges.work.ssh_port = 22"), "\(config)")
    }

    /// Forges declared in auth.toml are known to every command.
    @Test func aForgeDeclaredOnlyInAuthTomlWorksEverywhere() throws {
        let env = try TestEnvironment("trust-authforge")
        try env.write("""
        [custom_forges.work]
        kind = "gitlab"
        host = "git.work.example"
        ssh_port = 2222

        """, to: env.home + "/.config/hyperforge/auth.toml")
        let repo = try env.makeRepository("tool")
        let initialise = try env.git("hforge", "init", "--forges", "work", "--org", "team", in: repo)
        #expect(initialise.code == 0, "\(initialise)")
        #expect(try env.gitOK("remote", "get-url", "work", in: repo) == "ssh://git@git.work.example:2222/team/tool.git\n")
        #expect(try env.gitOK("config", "--get-all", "credential.https://git.work.example.helper", in: repo) == TestEnvironment.productsDirectory + "/git-credential-hforge\n")
        let status = try env.git("hforge", "status", in: repo)
        #expect(status.code == 0 && status.stdout.contains("work") && status.stdout.contains("in-sync"), "\(status)")
        let sync = try env.git("hforge", "sync", in: repo)
        #expect(sync.code == 0 && sync.stdout.contains("nothing to change"), "\(sync)")
        let config = try env.git("hforge", "config", in: repo)
        #expect(config.stdout.contains("custom_forges.work.host = \"git.work.example\""), "\(config)")
        // Each field at its own line; what no file sets shows as a default, not as the file's.
        let auth = env.home + "/.config/hyperforge/auth.toml"
        let lines = Dictionary(config.stdout.split(separator: "\n").map { line -> (String, String) in
            let parts = line.split(separator: "#", maxSplits: 1)
            return (String(parts[0].split(separator: "=")[0]).trimmingCharacters(in: .whitespaces), parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
        }, uniquingKeysWith: { a, _ in a })
        #expect(lines["custom_forges.work.kind"] == "\(auth):2", "\(config)")
        #expect(lines["custom_forges.work.host"] == "\(auth):3", "\(config)")
        #expect(lines["custom_forges.work.ssh_port"] == "\(auth):4", "\(config)")
        #expect(lines["custom_forges.work.ssh_user"] == "default (git unless set)", "\(config)")
        #expect(lines["custom_forges.work.web_url"] == "default (https://host unless set)", "\(config)")
        #expect(lines["custom_forges.work.api_url"] == "default (from kind and web_url unless set)", "\(config)")

        #expect(try env.run("git", ["scope", "set", "git/work/team/repo/tool/token"], input: "work-token").code == 0)
        let answered = try fill(env, in: repo, "protocol=https\nhost=git.work.example\npath=team/tool.git\n")
        #expect(answered.stdout.contains("password=work-token") && answered.stdout.contains("username=oauth2"), "\(answered)")
    }

    /// A committed `[custom_forges.github]` (a built-in forge's name) is
    /// ignored with a warning naming file:line, in every command; in the
    /// user's own auth.toml it stays an error.
    @Test func aCommittedTableNamedAfterABuiltInForgeIsIgnored() throws {
        let env = try TestEnvironment("trust-builtin-name")
        let repo = try env.makeRepository("tool")
        try env.write("""
        forges = ["github"]
        org = "alice"

        [custom_forges.github]
        kind = "forgejo"
        host = "evil.example"

        """, to: repo + "/.hyperforge/config.toml")
        try env.gitOK("add", ".hyperforge/config.toml", in: repo)
        try env.gitOK("commit", "-q", "-m", "hyperforge", in: repo)
        let warning = "\(repo)/.hyperforge/config.toml:4: [custom_forges.github] ignored: github is a built-in forge"
        let sync = try env.git("hforge", "sync", in: repo)
        #expect(sync.code == 0 && sync.stderr.contains(warning), "\(sync)")
        #expect(try env.gitOK("remote", "get-url", "github", in: repo) == "git@github.com:alice/tool.git\n")
        for args in [["hforge", "status"], ["hforge", "config"]] {
            let r = try env.run("git", args, in: repo)
            #expect(r.code == 0 && r.stderr.contains(warning) && !(r.stdout + r.stderr).contains("evil.example"), "\(args): \(r)")
        }

        try env.write("[custom_forges.github]\nkind = \"forgejo\"\nhost = \"mine.example\"\n", to: env.home + "/.config/hyperforge/auth.toml")
        let own = try env.git("hforge", "status", in: repo)
        #expect(own.code == 3 && own.stderr.contains("\(env.home)/.config/hyperforge/auth.toml:1: [custom_forges.github] redefines github, a built-in forge"), "\(own)")
        #expect(own.stderr.contains("hint: give your forge another name"), "\(own)")
    }

    /// A relative `path` in auth.toml is beside auth.toml, not in the
    /// repository the command happens to run in.
    @Test func aRelativeSecretsPathIsBesideAuthToml() throws {
        let env = try TestEnvironment("trust-relative")
        try env.write("""
        [auth]
        default = "local"

        [auth.providers.local]
        type = "file"
        path = "store/secrets"

        """, to: env.home + "/.config/hyperforge/auth.toml")
        let repo = try env.makeRepository("tool")
        let set = try env.run("git", ["scope", "set", "git/github/alice/repo/tool/token"], in: repo, input: "rel-token")
        #expect(set.code == 0, "\(set)")
        #expect(FileManager.default.fileExists(atPath: env.home + "/.config/hyperforge/store/secrets"))
        #expect(FileManager.default.fileExists(atPath: env.home + "/.config/hyperforge/store/secrets.lock"))
        #expect(!FileManager.default.fileExists(atPath: repo + "/store"))
        #expect(try env.gitOK("status", "--porcelain", "--ignored", in: repo).isEmpty)
        let get = try env.run("git", ["scope", "get", "git/github/alice/repo/tool/token"], in: env.root)
        #expect(get.stdout == "rel-token\n", "\(get)")
    }

    /// state.db, auth.toml, the secrets file and our directories, when
    /// another user owns them or others may write them: a clear error with
    /// the owner, the mode and the command that fixes it; nothing is used.
    @Test(.enabled(if: TrustBoundaryTests.nobody != nil, "needs root and a 'nobody' user"))
    func filesOthersControlAreRefused() throws {
        let nobody = try #require(TrustBoundaryTests.nobody)
        let env = try TestEnvironment("trust-owners")
        let scope = "git/github/acme/repo/api/token"
        try env.write("[auth.policy]\n\"git/github/acme/*\" = \"approve\"\n", to: env.home + "/.config/hyperforge/auth.toml")
        #expect(try env.run("git", ["scope", "set", scope], input: "acme-token").code == 0)

        // A state.db someone else planted a grant in (mode 0666, owned by nobody).
        let stateDB = env.home + "/.local/state/hyperforge/state.db"
        #expect(try env.run("git", ["scope", "grants"]).code == 0)
        let planted = try env.run("sqlite3", [stateDB, "INSERT INTO scope_grants(scope, granted_at, how) VALUES ('\(scope)', 0, 'approved')"])
        #expect(planted.code == 0, "\(planted)")
        chown(stateDB, nobody.uid, nobody.gid)
        chmod(stateDB, 0o666)
        let viaDB = try env.run("git", ["scope", "get", scope])
        #expect(viaDB.code == 4 && viaDB.stdout.isEmpty, "\(viaDB)")
        #expect(viaDB.stderr.contains("refusing to use \(stateDB) (owner nobody (uid \(nobody.uid)), mode 0666)"), "\(viaDB)")
        #expect(viaDB.stderr.contains("it belongs to nobody (uid \(nobody.uid)), not to you (root (uid 0))") && viaDB.stderr.contains("group and others may write it"), "\(viaDB)")
        #expect(viaDB.stderr.contains("chown root \(stateDB) && chmod go-w \(stateDB)"), "\(viaDB)")
        let viaHelper = try fill(env, in: env.root, "protocol=https\nhost=github.com\npath=acme/api.git\n")
        #expect(!viaHelper.stdout.contains("acme-token") && viaHelper.stderr.contains("refusing to use \(stateDB)"), "\(viaHelper)")
        #expect(unlink(stateDB) == 0)

        // A state directory anyone may write.
        let stateDir = env.home + "/.local/state/hyperforge"
        chmod(stateDir, 0o777)
        let viaDir = try env.run("git", ["scope", "grants"])
        #expect(viaDir.code == 4 && viaDir.stderr.contains("refusing to use directory \(stateDir) (owner root (uid 0), mode 0777)") && viaDir.stderr.contains("chmod 700 \(stateDir)"), "\(viaDir)")
        chmod(stateDir, 0o700)

        // The secrets file (and its directory) owned by someone else, or a directory anyone may write.
        let secrets = env.home + "/.local/share/hyperforge/secrets"
        chown(secrets, nobody.uid, nobody.gid)
        let viaSecrets = try env.run("git", ["scope", "list", "--provider", "file"])
        #expect(viaSecrets.code == 4 && viaSecrets.stderr.contains("refusing to use \(secrets) (owner nobody (uid \(nobody.uid)), mode 0600)") && viaSecrets.stderr.contains("chown root \(secrets)"), "\(viaSecrets)")
        #expect(!viaSecrets.stdout.contains(scope))
        chown(secrets, 0, 0)
        let dataDir = env.home + "/.local/share/hyperforge"
        chmod(dataDir, 0o777)
        let viaDataDir = try env.run("git", ["scope", "set", "git/github/acme/repo/other/token"], input: "x")
        #expect(viaDataDir.code == 4 && viaDataDir.stderr.contains("refusing to use directory \(dataDir) (owner root (uid 0), mode 0777)"), "\(viaDataDir)")
        chmod(dataDir, 0o700)

        // An auth.toml anyone may write, whose command provider would run as us.
        let auth = env.home + "/.config/hyperforge/auth.toml"
        try env.write("""
        [auth]
        default = "pm"

        [auth.providers.pm]
        type = "command"
        get = "touch \(env.root)/ran; echo planted"

        """, to: auth)
        chown(auth, nobody.uid, nobody.gid)
        chmod(auth, 0o666)
        for args in [["scope", "get", scope], ["scope", "list"]] {
            let r = try env.run("git", args)
            #expect(r.code == 4 && r.stderr.contains("refusing to use \(auth) (owner nobody (uid \(nobody.uid)), mode 0666)"), "\(args): \(r)")
        }
        let viaAuthHelper = try fill(env, in: env.root, "protocol=https\nhost=github.com\npath=acme/api.git\n")
        #expect(!viaAuthHelper.stdout.contains("planted") && viaAuthHelper.stderr.contains("refusing to use \(auth)"), "\(viaAuthHelper)")
        let repo = try env.makeRepository("tool")
        let hforge = try env.git("hforge", "init", "--forges", "github", "--org", "alice", in: repo)
        #expect(hforge.code == 4 && hforge.stderr.contains("refusing to use \(auth)"), "\(hforge)")
        #expect(!FileManager.default.fileExists(atPath: env.root + "/ran"), "a command from another user's auth.toml ran")
        // Owned by the user but writable by the group: refused too.
        chown(auth, 0, 0)
        chmod(auth, 0o664)
        let groupWritable = try env.run("git", ["scope", "list"])
        #expect(groupWritable.code == 4 && groupWritable.stderr.contains("its group may write it") && groupWritable.stderr.contains("chmod go-w \(auth)"), "\(groupWritable)")
        #expect(!FileManager.default.fileExists(atPath: env.root + "/ran"))
    }

    /// XDG base directories others may write: another user swaps
    /// `$XDG_CONFIG_HOME/hyperforge` for a symlink to a directory whose
    /// auth.toml names a command provider, or moves the data directory away.
    /// Both are refused, naming the directory, its owner and mode, and the fix.
    @Test(.enabled(if: TrustBoundaryTests.nobody != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs root, a 'nobody' user and setpriv"))
    func xdgBaseDirectoriesOthersMayWriteAreRefused() throws {
        let env = try TestEnvironment("trust-xdg-base")
        let scope = "git/github/alice/repo/tool/token"
        #expect(try env.run("git", ["scope", "set", scope], input: "tool-token").code == 0)
        let marker = env.root + "/pwned-auth"
        let source = try env.makeRepository("src")
        try env.write("[auth]\ndefault = \"x\"\n[auth.providers.x]\ntype = \"command\"\nget = \"id > \(marker)\"\n", to: source + "/cfg/auth.toml")
        try env.gitOK("add", ".", in: source)
        try env.gitOK("commit", "-q", "-m", "cfg", in: source)
        func asNobody(_ command: String) throws {
            let r = try env.run("/usr/bin/setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", "/bin/sh", "-c", command])
            #expect(r.code == 0, "\(r)")
        }

        // $XDG_CONFIG_HOME 0777: nobody replaces our directory with a link of theirs.
        let configHome = env.home + "/.config"
        try FileManager.default.createDirectory(atPath: configHome + "/hyperforge", withIntermediateDirectories: true)
        chmod(configHome, 0o777)
        try asNobody("mv \(configHome)/hyperforge \(configHome)/old && ln -s \(source)/cfg \(configHome)/hyperforge")
        let get = try env.run("git", ["scope", "get", scope])
        #expect(get.code == 4 && get.stdout.isEmpty, "\(get)")
        #expect(get.stderr.contains("refusing to use directory \(configHome) (owner root (uid 0), mode 0777): group and others may write it, so another user could replace or move away"), "\(get)")
        #expect(get.stderr.contains("chmod go-w \(configHome)"), "\(get)")
        // The base directory fixed, the link itself is still another user's.
        chmod(configHome, 0o755)
        let linked = try env.run("git", ["scope", "get", scope])
        #expect(linked.code == 4 && linked.stderr.contains("refusing to use \(configHome)/hyperforge (owner nobody (uid 65534)") && linked.stderr.contains("it is a symbolic link owned by nobody"), "\(linked)")
        let helper = try fill(env, in: env.root, "protocol=https\nhost=github.com\npath=alice/tool.git\n")
        #expect(!helper.stdout.contains("password="), "\(helper)")
        #expect(!FileManager.default.fileExists(atPath: marker), "a command from another user's auth.toml ran")
        // Removed, the normal layout works again.
        unlink(configHome + "/hyperforge")
        #expect(try env.run("git", ["scope", "get", scope]).stdout == "tool-token\n")

        // $XDG_DATA_HOME 0777: nobody moves the secrets away; the listing says why instead of showing nothing.
        let dataHome = env.home + "/.local/share"
        chmod(dataHome, 0o777)
        try asNobody("mv \(dataHome)/hyperforge \(dataHome)/gone")
        let list = try env.run("git", ["scope", "list"])
        #expect(list.stderr.contains("warning: refusing to use directory \(dataHome) (owner root (uid 0), mode 0777): group and others may write it"), "\(list)")
        let gone = try env.run("git", ["scope", "get", scope])
        #expect(gone.code == 4 && gone.stderr.contains("refusing to use directory \(dataHome) (owner root (uid 0), mode 0777)") && gone.stderr.contains("chmod go-w \(dataHome)"), "\(gone)")
        // A sticky base directory owned by root (like /tmp) is fine.
        chmod(dataHome, 0o1777)
        try FileManager.default.moveItem(atPath: dataHome + "/gone", toPath: dataHome + "/hyperforge")
        let sticky = try env.run("git", ["scope", "list"])
        #expect(sticky.code == 0 && sticky.stdout.contains(scope), "\(sticky)")
    }

    /// A `defaults.toml` above every repository of a shared directory (think
    /// `/tmp/.hyperforge/defaults.toml`) that another user owns, or that
    /// others may write, is skipped with a warning: not an error.
    @Test(.enabled(if: TrustBoundaryTests.nobody != nil, "needs root and a 'nobody' user"))
    func aForeignParentDefaultsFileIsSkipped() throws {
        let nobody = try #require(TrustBoundaryTests.nobody)
        let env = try TestEnvironment("trust-parent")
        let shared = env.root + "/shared"
        try env.write("visibility = \"public\"\n[ssh]\ngithub = \"/tmp/mallory-key\"\n", to: shared + "/.hyperforge/defaults.toml")
        chown(shared + "/.hyperforge/defaults.toml", nobody.uid, nobody.gid)
        let repo = try env.makeRepository("shared/tool")
        let initialise = try env.git("hforge", "init", "--forges", "github", "--org", "alice", in: repo)
        #expect(initialise.code == 0, "\(initialise)")
        #expect(initialise.stderr.contains("warning: skipped \(shared)/.hyperforge/defaults.toml: refusing to use \(shared)/.hyperforge/defaults.toml (owner nobody (uid \(nobody.uid)), mode 0644)"), "\(initialise)")
        let config = try env.git("hforge", "config", in: repo)
        #expect(config.code == 0 && config.stdout.contains("visibility = \"private\"") && !config.stdout.contains("mallory"), "\(config)")
        #expect(config.stderr.contains("skipped \(shared)/.hyperforge/defaults.toml"), "\(config)")
        let status = try env.git("hforge", "status", "--json", in: repo)
        #expect(status.stdout.contains("skipped"), "\(status)")

        // The user's own file, but writable by others: skipped as well; once fixed, applied.
        chown(shared + "/.hyperforge/defaults.toml", 0, 0)
        chmod(shared + "/.hyperforge/defaults.toml", 0o666)
        let writable = try env.git("hforge", "config", in: repo)
        #expect(writable.stderr.contains("group and others may write it") && writable.stderr.contains("chmod go-w \(shared)/.hyperforge/defaults.toml"), "\(writable)")
        #expect(writable.stdout.contains("visibility = \"private\""))
        chmod(shared + "/.hyperforge/defaults.toml", 0o644)
        let fixed = try env.git("hforge", "config", in: repo)
        #expect(fixed.stdout.contains("visibility = \"public\"") && !fixed.stderr.contains("skipped"), "\(fixed)")
    }

    /// The embedded realm under the data directory: a `realms` directory
    /// others may write is refused with its mode and the fix.
    @Test func aRealmsDirectoryOthersMayWriteIsRefused() throws {
        let env = try TestEnvironment("trust-realms")
        let created = try env.run("git", ["realm", "admin", "init", "--name", "letemcook"], in: env.root)
        #expect(created.code == 0, "\(created)")
        let realms = env.home + "/.local/share/hyperforge/realms"
        var st = stat()
        #expect(stat(realms, &st) == 0 && st.st_mode & 0o777 == 0o700)
        let member = try env.makeRepository("aperture")
        chmod(realms, 0o777)
        let join = try env.git("realm", "admin", "join", "letemcook", in: member)
        #expect(join.code == 4 && join.stderr.contains("refusing to use directory \(realms) (owner \(FileTrust.userName(geteuid())), mode 0777)") && join.stderr.contains("chmod 700 \(realms)"), "\(join)")
        #expect(try env.git("config", "--get", "realm.name", in: member).stdout.isEmpty)
        chmod(realms, 0o700)
        let joined = try env.git("realm", "admin", "join", "letemcook", in: member)
        #expect(joined.code == 0, "\(joined)")
    }
}
