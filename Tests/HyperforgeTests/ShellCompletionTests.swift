import Foundation
import Testing

/// Completion in real shells, from the files as install.sh lays them out
/// (scripts/install-files.sh, on the debug build): bash with
/// bash-completion and git's own completion loaded, zsh's compsys with its
/// _git, fish with its git.fish. Each `git TOOL ...` line must offer what
/// `git-TOOL ...` offers, with dynamic values (forges, realms, domains,
/// contracts, members, scopes, pending requests) asked of the tool itself,
/// from local state only.
@Suite struct ShellCompletionTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// A user with everything installed under ~/.local, a realm `letemcook`
    /// made here (aperture provides s3-permissions to fungal in s3-access), a
    /// custom forge in auth.toml, one stored scope, one pending request, an
    /// ssh key, and a `command` provider whose `list` would leave a mark.
    struct World {
        let env: TestEnvironment
        let prefix: String
        let fungal: String
        let marker: String
    }

    static func world(_ name: String) throws -> World {
        let env = try TestEnvironment(name)
        let prefix = env.home + "/.local"
        let install = try env.run(repositoryRoot + "/scripts/install-files.sh",
                                  ["--link", prefix, TestEnvironment.buildDirectory + "/hyperforge"])
        #expect(install.code == 0, "\(install)")
        // The installed links first, as the README's PATH line puts them.
        env.environment["PATH"] = prefix + "/bin:" + (env.environment["PATH"] ?? "/usr/bin:/bin")
        let marker = env.root + "/provider-was-asked"
        try env.write("""
            [auth]
            approval_timeout = 0

            [auth.providers.pw]
            type = "command"
            get = "touch \(marker)"
            list = "touch \(marker)"

            [auth.routing]
            "git/github/other/*" = "pw"

            [auth.policy]
            "git/github/acme/*" = "approve"

            [custom_forges.work]
            kind = "gitlab"
            host = "git.example.com"

            """, to: env.home + "/.config/hyperforge/auth.toml")
        try env.gitOK("realm", "admin", "init", "--name", "letemcook", in: env.root)
        let aperture = try env.makeRepository("aperture")
        let fungal = try env.makeRepository("fungal")
        try env.gitOK("realm", "admin", "join", "letemcook", in: aperture)
        try env.gitOK("realm", "admin", "join", "letemcook", in: fungal)
        try env.gitOK("realm", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal", "--contract", "s3-permissions", in: aperture)
        try env.gitOK("realm", "fetch", in: fungal)
        let set = try env.run("git", ["scope", "set", "git/github/alice/repo/tool/token"], input: "tok\n")
        #expect(set.code == 0, "\(set)")
        // approve policy, no time to wait: the request stays pending (id 1).
        let asked = try env.run("git", ["scope", "get", "git/github/acme/repo/app/token"])
        #expect(asked.code == 2 && asked.stderr.contains("git scope approve 1"), "\(asked)")
        let key = try env.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", env.home + "/.ssh/alice_github"])
        #expect(key.code == 0, "\(key)")
        return World(env: env, prefix: prefix, fungal: fungal, marker: marker)
    }

    /// What is typed (through git, and as the tool's own name) and what TAB
    /// must offer: exactly `expected`, or at least it when `subset`.
    struct Case {
        let line: String
        let direct: String?
        let expected: Set<String>
        var subset = false
    }

    static let cases: [Case] = [
        // The commands themselves, among git's.
        Case(line: "git hf", direct: nil, expected: ["hforge"], subset: true),
        Case(line: "git rea", direct: nil, expected: ["realm"], subset: true),
        Case(line: "git hforge ", direct: "git-hforge ", expected: ["init", "sync", "status", "push", "config"], subset: true),
        Case(line: "git realm admin ", direct: "git-realm admin ", expected: ["init", "join", "domain", "contract", "leave", "cache"], subset: true),
        Case(line: "git scope ", direct: "git-scope ",
             expected: ["set", "get", "rm", "list", "which", "providers", "pending", "approve", "deny", "grants", "revoke"], subset: true),
        Case(line: "git hforge init --visibility ", direct: "git-hforge init --visibility ", expected: ["public", "private", "internal"]),
        Case(line: "git -c core.pager=cat hforge init --protocol ", direct: "git-hforge init --protocol ", expected: ["ssh", "https"]),
        // Dynamic: the forges auth.toml adds to the built-in ones, as a comma list.
        Case(line: "git hforge init --forges ", direct: "git-hforge init --forges ", expected: ["github", "codeberg", "gitlab", "work"]),
        Case(line: "git hforge init --forges github,", direct: "git-hforge init --forges github,",
             expected: ["github,codeberg", "github,gitlab", "github,work"]),
        Case(line: "git hforge init --ssh gi", direct: "git-hforge init --ssh gi",
             expected: ["github=~/.ssh/alice_github", "gitlab=~/.ssh/alice_github"]),
        // `remote FORGE VERB`: both orders complete (the tool reads FORGE VERB as VERB FORGE).
        Case(line: "git hforge remote ", direct: "git-hforge remote ", expected: ["list", "pull", "create"], subset: true),
        Case(line: "git hforge remote list ", direct: "git-hforge remote list ", expected: ["github", "codeberg", "gitlab", "work"]),
        Case(line: "git hforge remote work pull --no-d", direct: "git-hforge remote pull work --no-d", expected: ["--no-defaults"]),
        Case(line: "git hforge remote github list --include-f", direct: "git-hforge remote github list --include-f", expected: ["--include-forks"]),
        Case(line: "git realm admin join ", direct: "git-realm admin join ", expected: ["letemcook"]),
        Case(line: "git realm check --contract ", direct: "git-realm check --contract ", expected: ["s3-permissions", "s3-access/s3-permissions"]),
        Case(line: "git realm admin contract publish c.yaml --domain ", direct: "git-realm admin contract publish c.yaml --domain ",
             expected: ["s3-access"]),
        Case(line: "git realm admin domain create d --repos ", direct: "git-realm admin domain create d --repos ", expected: ["aperture", "fungal"]),
        Case(line: "git realm admin domain create d --repos fungal,", direct: nil, expected: ["fungal,aperture"]),
        // --path names the repository the names come from.
        Case(line: "git realm check --path ../aperture --contract ", direct: nil, expected: ["s3-permissions", "s3-access/s3-permissions"]),
        Case(line: "git scope get ", direct: "git-scope get ", expected: ["git/github/alice/repo/tool/token", "git/github/acme/repo/app/token"]),
        Case(line: "git scope approve ", direct: "git-scope approve ", expected: ["1"]),
        Case(line: "git scope deny ", direct: "git-scope deny ", expected: ["1"]),
        Case(line: "git scope set x --provider ", direct: "git-scope set x --provider ", expected: ["file", "pw"]),
    ]

    /// Runs every case (and its direct form) through `complete`, which
    /// returns the candidates per line, and checks them.
    static func check(_ world: World, shell: String, complete: ([String]) throws -> [[String]],
                      sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        var lines: [String] = []
        for c in cases { lines.append(c.line); if let d = c.direct { lines.append(d) } }
        let results = try complete(lines)
        try #require(results.count == lines.count, "\(shell): \(results.count) answers for \(lines.count) lines", sourceLocation: sourceLocation)
        var answers: [String: Set<String>] = [:]
        // (git's bash completion ends a command's name with the space it inserts.)
        for (line, found) in zip(lines, results) {
            answers[line] = Set(found.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        for c in cases {
            let found = answers[c.line] ?? []
            if c.subset {
                #expect(c.expected.isSubset(of: found), "\(shell): '\(c.line)<TAB>' offered \(found.sorted()), not all of \(c.expected.sorted())", sourceLocation: sourceLocation)
            } else {
                #expect(found == c.expected, "\(shell): '\(c.line)<TAB>' offered \(found.sorted()), not \(c.expected.sorted())", sourceLocation: sourceLocation)
            }
            if let d = c.direct {
                #expect(found == answers[d], "\(shell): '\(c.line)<TAB>' offered \(found.sorted()) but '\(d)<TAB>' \((answers[d] ?? []).sorted())", sourceLocation: sourceLocation)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: world.marker), "\(shell): completing asked a command provider", sourceLocation: sourceLocation)
    }

    /// The candidates after each `<<<N>>>` line of a shell's output.
    static func sections(_ output: String, count: Int) -> [[String]] {
        var result: [[String]] = []
        // A pseudo-terminal ends lines with \r\n (one Character to Swift).
        for line in output.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("<<<") && line.hasSuffix(">>>") { result.append([]); continue }
            guard !result.isEmpty else { continue }
            result[result.count - 1].append(String(line))
        }
        return result
    }

    static func which(_ program: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(program)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static func singleQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    // MARK: - bash

    /// COMP_WORDS as bash makes them: split at blanks and at the
    /// COMP_WORDBREAKS git's completion leaves in (`=` and `:` are words of their own).
    static func bashWords(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        for c in line {
            if c == " " {
                if !current.isEmpty { words.append(current); current = "" }
            } else if c == "=" || c == ":" {
                if !current.isEmpty { words.append(current); current = "" }
                words.append(String(c))
            } else {
                current.append(c)
            }
        }
        words.append(current)
        return words
    }

    static let bashDriver = """
        source /usr/share/bash-completion/bash_completion
        # drive LINE WORDS...: what TAB at the end of LINE offers, as bash calls
        # the completion function `complete -p` names for the command (loading
        # it as bash-completion does on first use).
        drive() {
            COMP_LINE="$1"; shift
            COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_POINT=${#COMP_LINE}; COMPREPLY=()
            local cmd="${COMP_WORDS[0]}" fn
            complete -p "$cmd" >/dev/null 2>&1 || _completion_loader "$cmd"
            fn=$(complete -p "$cmd" 2>/dev/null | sed -E 's/.* -F ([^ ]+) .*/\\1/')
            [ -n "$fn" ] || { echo "no completion for $cmd" >&2; return; }
            "$fn" "$cmd" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            [ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\\n' "${COMPREPLY[@]}"
        }

        """

    @Test func bashThroughGitsCompletion() throws {
        let completion = "/usr/share/bash-completion/bash_completion"
        guard FileManager.default.fileExists(atPath: completion), FileManager.default.fileExists(atPath: "/usr/share/bash-completion/completions/git") else {
            print("skipped: bash-completion or git's bash completion is not installed (apt-get install bash-completion git)")
            return
        }
        let w = try Self.world("complete-bash")
        try Self.check(w, shell: "bash") { lines in
            var script = Self.bashDriver
            for (i, line) in lines.enumerated() {
                script += "echo '<<<\(i)>>>'; drive \(Self.singleQuoted(line)) \(Self.bashWords(line).map(Self.singleQuoted).joined(separator: " "))\n"
            }
            let r = try w.env.run("timeout", ["300", "bash", "--norc", "--noprofile", "-c", script], in: w.fungal)
            #expect(r.code == 0 && r.stderr.isEmpty, "\(r)")
            return Self.sections(r.stdout, count: lines.count)
        }
    }

    // MARK: - zsh

    /// zsh -f capture.zsh FPATH_DIR LINE...: for each LINE, the candidates
    /// zsh's completion system offers on TAB at its end, after `<<<N>>>`. An
    /// interactive zsh in a pseudo-terminal (zsh/zpty) has compadd print what
    /// it is given; compprefuncs and comppostfuncs mark where each completion
    /// begins and ends.
    static let zshCapture = """
        zmodload zsh/zpty || { print -u2 "zsh has no zsh/zpty module"; exit 3 }
        zpty z zsh -f -i
        zpty -w z 'PROMPT= RPROMPT=
        fpath=('"${(q)1}"' $fpath)
        autoload -Uz compinit && compinit -u -D
        bindkey "^I" complete-word
        __capture_pre() { print -r -- $'"'"'\\0'"'"'; compprefuncs+=(__capture_pre) }
        __capture_post() { print -r -- $'"'"'\\0'"'"'; comppostfuncs+=(__capture_post) }
        compprefuncs=(__capture_pre)
        comppostfuncs=(__capture_post)
        zstyle ":completion:*" insert-tab false
        compadd() {
            if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd "$@"; return; fi
            local -a __hits
            builtin compadd -A __hits "$@"
            local h; for h in $__hits; do print -r -- "CANDIDATE:$h"; done
        }
        print READY'
        local line
        while zpty -r z line; do [[ $line == READY* ]] && break; done
        shift
        integer n=0 markers
        for request in "$@"; do
            print -r -- "<<<$n>>>"
            zpty -w -n z "$request"$'\\t'
            markers=0
            while (( markers < 2 )) && zpty -r z line; do
                if [[ $line == *$'\\0'* ]]; then (( markers++ )); continue; fi
                [[ $line == *CANDIDATE:* ]] && print -r -- "${${line#*CANDIDATE:}%$'\\r'}"
            done
            zpty -w -n z $'\\C-u'
            (( n++ ))
        done
        zpty -d z

        """

    @Test func zshThroughGitsCompletion() throws {
        guard let zsh = Self.which("zsh") else {
            print("skipped: zsh is not installed (scripts/test.sh installs it: apt-get install zsh)")
            return
        }
        let w = try Self.world("complete-zsh")
        try w.env.write(Self.zshCapture, to: "capture.zsh")
        try Self.check(w, shell: "zsh") { lines in
            let r = try w.env.run("timeout", ["300", zsh, "-f", w.env.root + "/capture.zsh", w.prefix + "/share/zsh/site-functions"] + lines, in: w.fungal)
            #expect(r.code == 0, "\(r)")
            // zsh quotes a ~ it inserts (\~): the word is the same.
            return Self.sections(r.stdout, count: lines.count).map { $0.map { $0.replacingOccurrences(of: "\\~", with: "~") } }
        }
    }

    // MARK: - fish

    @Test func fishThroughGitsCompletion() throws {
        guard let fish = Self.which("fish") else {
            print("skipped: fish is not installed (scripts/test.sh installs it: apt-get install fish)")
            return
        }
        let w = try Self.world("complete-fish")
        try Self.check(w, shell: "fish") { lines in
            // fish reads vendor_conf.d and finds vendor_completions.d under
            // $XDG_DATA_HOME/fish (~/.local/share/fish) by itself.
            var script = ""
            for (i, line) in lines.enumerated() { script += "echo '<<<\(i)>>>'; complete -C \(Self.singleQuoted(line))\n" }
            let r = try w.env.run("timeout", ["300", fish, "-c", script], in: w.fungal)
            #expect(r.code == 0 && r.stderr.isEmpty, "\(r)")
            // Each candidate is `value<TAB>description`.
            return Self.sections(r.stdout, count: lines.count).map { $0.map { String($0.split(separator: "\t", maxSplits: 1).first ?? "") } }
        }
    }
}
