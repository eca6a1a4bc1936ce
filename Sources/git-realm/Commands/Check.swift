import ArgumentParser
import CLISupport
import HyperforgeCore
import HyperforgeRealm

extension GitRealm {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the contracts this repository owns, exports and imports (for CI and git hooks).",
            discussion: """
            Modes (default: every one that applies): contract (the schema is a valid JSON Schema, \
            the value validates against it, the version moved at least as far as the change \
            requires, and so did every step of the realm's history, evolution agrees with that \
            history); compatibility (from the released version, or --from, to the working \
            version, or --to: the verdict under the contract's backwards/forwards promises, \
            after both schemas pass their metaschema); exporter \
            (source files exist, the exporter script passes, warns when sources changed since \
            the contract was synced); importer (each import's range is satisfied; a stale \
            resolved_version warns; the importer script passes).

            An owner keeps the working version of a contract it is changing in \
            .hyperforge/contracts/DOMAIN/NAME.yaml (RFC format); publish it with 'git realm \
            admin contract publish'. Validation scripts run from the repository root with the \
            contract's value (JSON) on stdin and a time limit; exit 0 valid, 1 invalid, 2 \
            warning. ci_only scripts run only when CI is set. A script path comes from a realm \
            file another member wrote, so it runs only when it is a regular file tracked in this \
            repository's HEAD, inside the work tree, not under .git and not through a symlink; \
            anything else is an error naming the contract, the script and why. A check started \
            from inside a check (a script or hook running 'git realm check'; \
            HFORGE_REALM_IN_CHECK is set) runs no scripts. git config realm.runScripts: unset \
            or true runs the allowed scripts; false skips them (a warning each); required makes \
            a skipped or refused script an error (for CI). Schemas are JSON Schema 2020-12, \
            or draft 7 when $schema says so; $ref may name another contract as \
            realm:DOMAIN/NAME; nothing is fetched from the network.

            Compatibility is decided by meaning: backwards: true promises that every value \
            valid under the new schema is valid under the old one (new values readable by old \
            importers), forwards: true that every value valid under the old schema is valid \
            under the new one. Both schemas are brought to a normal form (split by type, allOf \
            intersected, anyOf/oneOf as unions with oneOf's exclusivity, not as a complement, \
            enum/const as finite sets, ranges with multipleOf, the object and array keywords, \
            $ref and recursion) and one is checked to lie inside the other. A compatible \
            verdict can say which rule decided each part (--explain). An incompatible one always \
            comes with a value that the validator accepts under one version and rejects under \
            the other, the pointer where it fails and whom it breaks. When neither a proof nor \
            such a value is found (a pattern against a different pattern, say) the verdict is \
            unknown, with the reason: a warning (exit status 2), an error with --strict. A \
            pattern is proved inside another only when it is the same pattern, when the other \
            matches every string (a*), or by anchored literal prefixes (^foo- inside ^foo); \
            otherwise strings made from both are tried and the verdict is broken or unknown, at \
            once. Each version of a contract (each step of the history too) is compiled apart, \
            so versions that share an $id keep their own $refs. A mode with nothing to check \
            here says what this repository owns, exports and imports and which modes apply \
            (contract and compatibility are the owner's checks: in a repository that only \
            imports, --mode importer).

            Results are cached in .git/realm/cache.db by contract version and everything the \
            check read (for scripts: their verdict, HEAD's entry and their bytes); --no-cache checks afresh \
            without reading any cache (not cache.db's validations, export hashes or contract \
            histories, the realm's index in .git/realm/index, nor the kept report below) and \
            stores what it found. --realm keeps no cache, so --no-cache is refused with it. A plain check (no options but \
            --format and --strict) also keeps its whole report in .git/realm/check-report.json with \
            the stat fingerprints of every file it read (git config, HEAD, the fetched realm ref, \
            working contracts, source files, scripts and the directories on their paths); the next \
            plain check answers from it while none of them changes, without opening cache.db. \
            'git realm admin cache clear' removes it.

            --realm checks the realm itself, in the realm repository or a clone of it (bare or \
            not; the whole history, not a shallow clone): every commit of HEAD (or --range A..B, \
            or REV, a merge's second parents included: git rev-list without --first-parent), \
            each against its parent. Every file well formed; no dependency cycle between \
            the domains; each contract's version step at least what the change needs (the same \
            engine as --mode contract: a breaking change published as a minor version is an error \
            even when it was pushed with plain git); each commit changing one repository's files \
            only (repos/R.yaml and domains/D/bindings/R.yaml are R's, a contract its owner's, a \
            new domain's files the owner's of its contracts, realm.yaml the realm's \
            administration); each contract's value fits its own schema (checked for the \
            contracts a commit changes, for all when a schema changes; a finding names \
            file:line and the JSON pointer of what does not fit). Each file is parsed once per \
            blob and its verdict kept, so a long history costs about its changes. When \
            realm.yaml sets trust.require_signed_commits: true, each \
            commit after the first must be signed with an ssh key of a maintainer of the \
            repository whose files it changes, listed in repos/R.yaml as signing_keys: \
            [{maintainer: EMAIL, key: "ssh-ed25519 AAAA..."}] (the maintainer one of its \
            maintainers; as the realm lists them before the commit, so a new key is added with \
            an old one; a repository the commit registers: the keys it lists; realm.yaml \
            changes: a key of an approver in governance.approvers); git \
            checks it with gpg.ssh.allowedSignersFile built from the realm into a private \
            temporary file. Without signatures plain git cannot say who pushed a commit: a \
            member with write access to the realm can change another's files, and only the \
            one-repository rule and a review show it. A merge commit (two parents; more are \
            refused, rule merge) is checked from its first parent for well-formed files, cycles, \
            values and version steps, so a bad change its second parent brings is caught there \
            and at the commit that made it; it may add no change of its own: a path whose blob \
            matches neither parent is its own change, checked as a commit that changes those \
            paths (one repository, signed by its maintainer); with signed commits required, a \
            merge adding nothing must be signed by a key of any maintainer the realm lists. \
            Validation scripts never run here. \
            --pre-receive is how the hook of 'git realm admin guard install' runs it: the \
            updates of refs/heads/BRANCH on standard input, each new commit (OLD..NEW, on the \
            parsed state of OLD) checked; deleting \
            the branch or rewriting its history is refused too. In a member repository, --range \
            refs/realm/REALM/fetched checks the realm as fetched (and --range GOOD..TIP the \
            commits a refused fetch of a signed realm names: every fetch of a signed realm runs \
            these checks and refuses the signature, one-repository, merge and well-formed \
            findings; see 'git realm fetch --help'). With --fetch, a realm tip that is malformed, \
            rewritten or refused so is not taken: the check warns and goes on from the last good \
            realm. JSON (--realm): {"realm", "tip", \
            "commits" (oldest first), "signed_commits_required", "findings": [{"rule" \
            (well-formed, cycle, version-step, value, one-repository, signature, merge), "commit", "summary", \
            "file", "line" and "pointer" (of a value finding), "message", "hint"}]}, with "refused" (a list) for what a hook refuses besides \
            findings. --realm exit status: 0 clean; 1 \
            errors (a hook refuses the push); 4 the history cannot be read; 64 usage error.

            Exit status: 0 clean; 1 errors (warnings too with --strict); 2 warnings only; 3 a realm \
            file is malformed (the message names the file and line); 4 environment error (not a \
            repository, not a member, the realm never fetched); 64 usage error (a bad option, \
            --script-timeout out of its range, a --contract the realm does not have).

            LIMITS: a comparison considers at most 64 alternatives after combining \
            allOf/anyOf/oneOf, 6 patternProperties patterns at one place, 48 levels of nesting \
            and 20,000 steps, and tries at most 4,000 values in search of one that breaks; \
            beyond these it stops or approximates on the safe side, so the verdict may be \
            unknown (a warning), never wrongly compatible. \
            A pattern is matched in time linear in the string (a Pike VM over Unicode scalars, \
            ECMA-262 meanings: ASCII \\d and \\w, code points): ^(a+)+$ against "aaa...b" is one \
            pass; \\p{...} names a General_Category (L, Letter, gc=Lu) or one of Any, ASCII, \
            Assigned, Alphabetic, White_Space, Uppercase, Lowercase, Math, Hex_Digit, \
            ASCII_Hex_Digit, Ideographic, Emoji (no Script=). Patterns with backreferences or \
            lookaround (or longer than 20,000 instructions with counted repetitions written out) \
            run on a backtracking matcher with a budget: one validation may take 1,000,000 \
            steps plus 1,000 per value in it, and a pattern that needs more is an error naming \
            the file, the schema pointer of the pattern and the value ("pattern ... is too \
            expensive to evaluate"), never a hang. One of those that repeats a group that \
            itself repeats or alternates (exponential time when backtracking) is a schema error \
            naming the pattern, as are groups nested more than 200 deep and programs over \
            100,000 instructions. \
            --script-timeout takes a number of seconds from 0.001 to 86400 (inf, nan and \
            larger numbers are usage errors). A working contract file is read as a realm file is \
            (a regular file, at most 32 MiB: a directory or a link to a device there is an error \
            naming it). Validating a value may take at most 100,000 subschema evaluations plus 100 \
            per value in it: a schema whose $refs multiply (allOf: [{$ref: d1}, {$ref: d1}], \
            nested) is an error naming the schema pointer where it stopped, not a hang; a $ref \
            chain that does not consume the value is a cycle after 64 steps. JSON is read to at \
            most 512 levels and 64 MiB. A source file is hashed for the cache up to 256 MiB; \
            one that cannot be read is keyed by why.
            """ + "\n\n" + JSONHelp.realmCheck
        )
        @OptionGroup var repository: RepositoryOptions
        @Option(name: .customLong("mode"), help: ArgumentHelp("contract, compatibility, exporter or importer (repeatable; default: all).", valueName: "mode"))
        var modes: [Finding.Mode] = []
        @Option(help: ArgumentHelp("Only this contract (NAME or DOMAIN/NAME).", valueName: "name"), completion: .realmContracts)
        var contract: String?
        @Option(help: ArgumentHelp("compatibility: the version to compare from (default: the released one).", valueName: "version"))
        var from: String?
        @Option(help: ArgumentHelp("compatibility: the version to compare to, or 'working' (the default).", valueName: "version"))
        var to: String?
        @Flag(help: "compatibility: compare against every earlier version in the realm's history.")
        var transitive = false
        @Flag(help: "Warnings fail too.")
        var strict = false
        @Flag(help: "Text output: say which rule or inclusion step decided each compatible verdict.")
        var explain = false
        @Option(help: ArgumentHelp("text, json or junit.", valueName: "format"))
        var format = Realm.CheckOptions().format
        @Flag(help: "The same as --format json.")
        var json = false
        @Flag(help: "Check afresh without reading any cache; what is found is stored for the next run.")
        var noCache = false
        @Flag(help: "Fetch the realm first.")
        var fetch = false
        @Option(help: ArgumentHelp("Seconds a validation script may run (0.001 to 86400).", valueName: "seconds"))
        var scriptTimeout = Realm.CheckOptions().scriptTimeout
        @Flag(help: "Check the realm's history instead (run in the realm repository or a clone of it).")
        var realm = false
        @Option(help: ArgumentHelp("--realm: the commits to check, A..B or REV (default: HEAD's whole history).", valueName: "range"))
        var range: String?
        @Flag(help: "--realm: run as a pre-receive hook (reads OLD NEW REF lines on standard input).")
        var preReceive = false
        @Option(help: ArgumentHelp("--realm --pre-receive: the realm's branch (default main).", valueName: "branch"))
        var branch = Membership.defaultBranch

        func validate() throws {
            // inf, nan and numbers too large for a deadline are refused here,
            // with the range (a conversion of inf to nanoseconds traps).
            guard NumberRange.scriptTimeout.contains(scriptTimeout) else {
                throw ValidationError("--script-timeout \(NumberRange.format(scriptTimeout)): it must be \(NumberRange.scriptTimeout)")
            }
            if json && format != .json && format != Realm.CheckOptions().format {
                throw ValidationError("--json and --format \(format.rawValue) ask for different formats")
            }
            if realm {
                if !modes.isEmpty || contract != nil || from != nil || to != nil || transitive || strict || explain || noCache || fetch || format == .junit {
                    throw ValidationError("--realm takes only --path, --range, --pre-receive, --branch and --json (or --format json)")
                }
                if preReceive && range != nil { throw ValidationError("--pre-receive reads its range from standard input; --range is for a run by hand") }
            } else if range != nil || preReceive || branch != Membership.defaultBranch {
                throw ValidationError("--range, --pre-receive and --branch go with --realm")
            }
        }

        func run() async throws {
            if realm {
                var r = Realm.CheckRealmOptions()
                r.path = repository.path
                r.range = range
                r.branch = branch
                r.json = json || format == .json
                if preReceive {
                    var updates: [Realm.RefUpdate] = []
                    while let line = readLine(strippingNewline: true) {
                        if let u = Realm.RefUpdate.parse(line) { updates.append(u) }
                    }
                    r.updates = updates
                }
                let options = r
                try await execute(.realm, json: options.json) { try await Realm.checkRealm(options, context: $0) }
                return
            }
            var o = Realm.CheckOptions()
            o.target = repository.target
            o.modes = modes
            o.contract = contract
            o.from = from
            o.to = to
            o.transitive = transitive
            o.strict = strict
            o.explain = explain
            o.format = json ? .json : format
            o.noCache = noCache
            o.fetch = fetch
            o.scriptTimeout = scriptTimeout
            try await executeInSession(o.target, command: "check", json: o.format == .json) { try await Realm.check(o, context: $0) }
        }
    }
}
