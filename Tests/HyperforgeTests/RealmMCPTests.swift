import Foundation
import HyperforgeCore
import Testing

/// `git realm mcp` end to end: a scripted MCP client starts the server
/// through the real git in a member repository of a test realm (aperture
/// exports s3-permissions, fungal imports it), and compares what the tools
/// answer with what `git realm status --json` and `git realm check --format json` report.
@Suite struct RealmMCPTests {
    typealias World = RealmEndToEndTests.World

    static func object(_ json: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try #require((try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any], "not a JSON object: \(json)", sourceLocation: sourceLocation)
    }

    static func equal(_ a: Any?, _ b: Any?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        func text(_ v: Any) -> Data? { try? JSONSerialization.data(withJSONObject: [v], options: [.sortedKeys]) }
        return text(a) != nil && text(a) == text(b)
    }

    static func text(_ result: [String: Any]) -> String {
        ((result["content"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }.joined(separator: "\n")
    }

    /// The sessions the coordinator lists for the realm, as `git realm session list --json` gives them.
    static func sessions(_ w: World, from repo: String) throws -> [[String: Any]] {
        let r = try w.run(repo, "session", "list", "--json")
        guard r.code == 0, let list = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [[String: Any]] else { return [] }
        return list
    }

    static func mcpSession(_ w: World, from repo: String, of member: String) throws -> Bool {
        try sessions(w, from: repo).contains { $0["repo"] as? String == member && $0["client_id"] as? String == "git realm mcp" }
    }

    @Test func toolsOverStdioAnswerAsTheCommandsDo() throws {
        let w = try RealmCheckTests.world("mcp-tools")
        try w.ok("fungal", "fetch")
        try w.ok("aperture", "fetch")
        let fungal = w.members["fungal"]!
        let seenBefore = try w.env.run("git", ["rev-parse", "-q", "--verify", "refs/realm/letemcook/seen"], in: fungal).stdout

        let client = try MCPClient(["git", "realm", "mcp"], env: w.env, in: fungal)
        // Before initialize, only initialize (and ping) are answered.
        let early = try client.request("tools/list")
        #expect((early["error"] as? [String: Any])?["code"] as? Int == -32600, "\(early)")

        let initialized = try client.initialize()
        let info = try #require(initialized["result"] as? [String: Any], "\(initialized)")
        #expect(info["protocolVersion"] as? String == "2025-11-25")
        #expect((info["serverInfo"] as? [String: Any])?["name"] as? String == "hyperforge-realm")
        #expect((info["capabilities"] as? [String: Any])?["tools"] != nil)

        // Tools, with their input schemas.
        let listed = try #require((try client.request("tools/list"))["result"] as? [String: Any])
        let tools = try #require(listed["tools"] as? [[String: Any]])
        #expect(tools.compactMap { $0["name"] as? String } == ["realm_status", "realm_check", "contract_get", "proposals_list"])
        func properties(_ name: String) -> Set<String> {
            let tool = tools.first { $0["name"] as? String == name }
            let schema = tool?["inputSchema"] as? [String: Any]
            #expect(schema?["type"] as? String == "object", "\(name): \(tool ?? [:])")
            #expect(tool?["outputSchema"] != nil && (tool?["annotations"] as? [String: Any])?["readOnlyHint"] as? Bool == true)
            return Set(((schema?["properties"] as? [String: Any]) ?? [:]).keys)
        }
        #expect(properties("realm_status") == ["repo", "no_cache"])
        #expect(properties("realm_check") == ["mode", "contract", "strict", "from", "to", "transitive", "no_cache"])
        #expect(properties("contract_get") == ["contract", "version"])
        #expect(properties("proposals_list") == ["all"])
        let contractGet = tools.first { $0["name"] as? String == "contract_get" }
        #expect((contractGet?["inputSchema"] as? [String: Any])?["required"] as? [String] == ["contract"])

        // The session is there while the client is connected, for every member to see.
        try eventually("the server's session in git realm session list") { try Self.mcpSession(w, from: "aperture", of: "fungal") }

        // realm_status: what git realm status --json says, without moving the seen point.
        let status = try client.call("realm_status")
        #expect(status["isError"] as? Bool != true, "\(status)")
        let structured = try #require(status["structuredContent"] as? [String: Any], "\(status)")
        #expect(Self.text(status).contains("fungal in realm letemcook"), "\(Self.text(status))")
        #expect(Self.text(status).contains("imports s3-permissions >=1.0.0, <2.0.0: v1.4.0 satisfies it"), "\(Self.text(status))")
        let seenAfter = try w.env.run("git", ["rev-parse", "-q", "--verify", "refs/realm/letemcook/seen"], in: fungal).stdout
        #expect(seenAfter == seenBefore, "realm_status moved refs/realm/letemcook/seen")
        let cli = try Self.object(try w.ok("fungal", "status", "--json"))
        for key in Set(cli.keys).union(structured.keys) where key != "sessions" {
            #expect(Self.equal(cli[key], structured[key]), "realm_status's \(key): \(structured[key] ?? "missing") but git realm status --json: \(cli[key] ?? "missing")")
        }
        #expect((structured["sessions"] as? [[String: Any]])?.contains { $0["client_id"] as? String == "git realm mcp" } == true, "\(structured)")
        // The command moved the seen point; the tool's changes are then those since it.
        let again = try #require(try client.call("realm_status")["structuredContent"] as? [String: Any])
        #expect(again["changes"] is NSNull, "\(again)")

        // Another member, from this repository's fetched realm.
        let other = try #require(try client.call("realm_status", ["repo": "aperture"])["structuredContent"] as? [String: Any])
        let aperture = try Self.object(try w.ok("aperture", "status", "--json"))
        for key in ["realm", "repo", "commit", "registered", "domains", "stale_bindings"] {
            #expect(Self.equal(aperture[key], other[key]), "realm_status repo=aperture's \(key): \(other[key] ?? "missing"); aperture's own: \(aperture[key] ?? "missing")")
        }
        let nobody = try client.call("realm_status", ["repo": "nobody"])
        #expect(nobody["isError"] as? Bool == true && Self.text(nobody).contains("\"nobody\" is not a member of realm letemcook (members: aperture, fungal)"), "\(nobody)")

        // realm_check: git realm check's report, and the status it would exit with.
        let check = try client.call("realm_check")
        let report = try #require(check["structuredContent"] as? [String: Any], "\(check)")
        let cliCheck = try w.run("fungal", "check", "--format", "json")
        let cliReport = try Self.object(cliCheck.stdout)
        #expect(report["exit_status"] as? Int == Int(cliCheck.code), "\(report)\n\(cliCheck)")
        for key in Set(cliReport.keys).union(report.keys) where key != "cache_hits" && key != "exit_status" {
            #expect(Self.equal(cliReport[key], report[key]), "realm_check's \(key): \(report[key] ?? "missing") but git realm check: \(cliReport[key] ?? "missing")")
        }
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["mode"] as? String == "importer" && $0["contract"] as? String == "s3-permissions" && $0["domain"] as? String == "s3-access"
            && $0["file"] as? String == "domains/s3-access/bindings/fungal.yaml" }, "\(findings)")
        #expect(Self.text(check).contains("Result: clean"), "\(Self.text(check))")
        let narrowed = try #require(try client.call("realm_check", ["mode": ["importer"], "contract": "s3-access/s3-permissions", "strict": true])["structuredContent"] as? [String: Any])
        #expect((narrowed["findings"] as? [[String: Any]])?.allSatisfy { $0["mode"] as? String == "importer" } == true, "\(narrowed)")
        let cliNarrowed = try Self.object(try w.run("fungal", "check", "--mode", "importer", "--contract", "s3-access/s3-permissions", "--strict", "--format", "json").stdout)
        #expect(Self.equal(cliNarrowed["findings"], narrowed["findings"]), "\(narrowed)\n\(cliNarrowed)")

        // contract_get: the contract, its history and its bindings.
        let contract = try #require(try client.call("contract_get", ["contract": "s3-permissions"])["structuredContent"] as? [String: Any])
        #expect(contract["version"] as? String == "1.4.0" && contract["current_version"] as? String == "1.4.0" && contract["owner"] as? String == "aperture", "\(contract)")
        #expect(contract["versions"] as? [String] == ["1.0.0", "1.4.0"], "\(contract)")
        #expect(Self.equal(contract["compatibility"], ["backwards": true, "forwards": false]), "\(contract)")
        #expect(((contract["schema"] as? [String: Any])?["required"] as? [String]) == ["read"], "\(contract)")
        #expect(((contract["value"] as? [String: Any])?["read"] as? [String]) == ["jobs/*/masks/*", "training-runs/*"], "\(contract)")
        #expect((contract["evolution"] as? [[String: Any]])?.compactMap { $0["version"] as? String } == ["1.0.0", "1.4.0"], "\(contract)")
        let bindings = try #require(contract["bindings"] as? [[String: Any]])
        #expect(bindings.contains { $0["repo"] as? String == "aperture" && $0["direction"] as? String == "exports" }, "\(bindings)")
        let imports = bindings.first { $0["repo"] as? String == "fungal" && $0["direction"] as? String == "imports" }
        #expect(imports?["range"] as? String == ">=1.0.0, <2.0.0" && imports?["resolved_version"] as? String == "1.4.0"
                && imports?["satisfied"] as? Bool == true && imports?["stale"] as? Bool == false, "\(bindings)")
        let old = try #require(try client.call("contract_get", ["contract": "s3-access/s3-permissions", "version": "1.0.0"])["structuredContent"] as? [String: Any])
        #expect(old["version"] as? String == "1.0.0" && old["current_version"] as? String == "1.4.0", "\(old)")
        #expect(((old["schema"] as? [String: Any])?["properties"] as? [String: Any])?["write"] == nil, "1.0.0 is the skeleton: \(old)")

        // Bad arguments: error results that say what is wrong.
        let cases: [(String, [String: Any], String)] = [
            ("contract_get", [:], "contract_get needs the argument \"contract\""),
            ("contract_get", ["contract": 5], "contract_get's argument \"contract\" must be a string, not an integer"),
            ("contract_get", ["contract": "nope"], "contract \"nope\" is not in realm letemcook (contracts: s3-access/s3-permissions)"),
            ("contract_get", ["contract": "s3-permissions", "version": "9.9.9"], "version 9.9.9 of s3-access/s3-permissions is not in the realm's history (versions: 1.0.0, 1.4.0)"),
            ("contract_get", ["contract": "s3-permissions", "version": "one"], "version \"one\" is not a version"),
            ("realm_check", ["strict": "yes"], "realm_check's argument \"strict\" must be true or false, not a string"),
            ("realm_check", ["mode": "everything"], "realm_check's argument \"mode\" is \"everything\"; it must be one of contract, compatibility, exporter, importer"),
            ("realm_check", ["mode": [1]], "realm_check's argument \"mode\" must be an array of strings"),
            ("realm_check", ["contract": "nope"], "--contract nope"),
            ("realm_status", ["contrat": "x"], "realm_status takes no argument \"contrat\""),
            ("realm_status", ["no_cache": 1], "realm_status's argument \"no_cache\" must be true or false, not an integer"),
        ]
        for (tool, arguments, message) in cases {
            let r = try client.call(tool, arguments)
            #expect(r["isError"] as? Bool == true && Self.text(r).contains(message), "\(tool) \(arguments): \(r)")
            #expect(r["structuredContent"] == nil, "\(r)")
        }

        // Protocol errors, per JSON-RPC 2.0 and MCP.
        let unknown = try client.request("tools/call", ["name": "realm_push", "arguments": [String: Any]()])
        #expect((unknown["error"] as? [String: Any])?["code"] as? Int == -32602, "\(unknown)")
        #expect(((unknown["error"] as? [String: Any])?["message"] as? String)?.contains("Unknown tool: realm_push") == true, "\(unknown)")
        let wrongArguments = try client.request("tools/call", ["name": "realm_status", "arguments": ["repo"]])
        #expect((wrongArguments["error"] as? [String: Any])?["code"] as? Int == -32602, "\(wrongArguments)")
        let noMethod = try client.request("resources/list")
        #expect((noMethod["error"] as? [String: Any])?["code"] as? Int == -32601, "\(noMethod)")
        client.sendLine("{\"jsonrpc\": \"2.0\", \"id\": 77, \"method\": \"tools/list\"")
        let parse = try #require(try client.receive())
        #expect((parse["error"] as? [String: Any])?["code"] as? Int == -32700 && parse["id"] is NSNull, "\(parse)")
        client.sendLine("{\"jsonrpc\": \"1.0\", \"id\": 78, \"method\": \"tools/list\"}")
        let invalid = try #require(try client.receive())
        #expect((invalid["error"] as? [String: Any])?["code"] as? Int == -32600 && invalid["id"] as? Int == 78, "\(invalid)")
        client.sendLine("[]")
        let batch = try #require(try client.receive())
        #expect((batch["error"] as? [String: Any])?["code"] as? Int == -32600 && batch["id"] is NSNull, "\(batch)")
        // Still serving after all of that.
        #expect(try client.call("realm_status")["isError"] as? Bool != true)

        // Nothing in the repository or the realm changed (refs; the caches may fill).
        let refs = try w.env.gitOK("for-each-ref", "--format=%(refname) %(objectname)", in: fungal)
        #expect(refs.contains("refs/realm/letemcook/fetched"), "\(refs)")

        // Closing its input ends the server cleanly, and its session with it;
        // a call sent just before is still answered (the client still reads).
        try client.send(["id": 500, "method": "tools/call", "params": ["name": "realm_check", "arguments": ["no_cache": true]]])
        client.closeInput()
        let last = try #require(try client.receive())
        #expect(last["id"] as? Int == 500 && (last["result"] as? [String: Any])?["structuredContent"] != nil, "\(last)")
        #expect(client.waitForExit() == 0, "\(client.log())")
        try eventually("the server's session gone") { try !Self.mcpSession(w, from: "aperture", of: "fungal") }
        #expect(!client.log().contains("Fatal error"), "\(client.log())")
    }

    /// A client that goes away while realm_check runs a validation script:
    /// the server ends, the script with it, and the session is removed.
    @Test func clientLeavingMidCallStopsTheCallAndEndsTheSession() throws {
        let w = try RealmCheckTests.world("mcp-leave")
        try w.ok("fungal", "fetch")
        let fungal = w.members["fungal"]!
        let started = w.env.root + "/script-started"
        try w.env.write("#!/bin/sh\necho $$ > '\(started).tmp' && mv '\(started).tmp' '\(started)'\nexec sleep 300\n", to: fungal + "/scripts/validate-iam-policy.sh")
        try RealmCheckTests.commitScripts(w, "fungal")

        let client = try MCPClient(["git", "realm", "mcp"], env: w.env, in: fungal)
        _ = try client.initialize()
        try eventually("the server's session") { try Self.mcpSession(w, from: "aperture", of: "fungal") }
        try client.send(["id": 100, "method": "tools/call", "params": ["name": "realm_check", "arguments": ["mode": "importer", "no_cache": true]]])
        eventually("the validation script running") { FileManager.default.fileExists(atPath: started) }
        let script = try #require(pid_t((try String(contentsOfFile: started, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(script, 0) == 0)

        client.disconnect()
        let status = client.waitForExit()
        #expect(status == 143, "ended by SIGTERM after stopping the call: \(status.map(String.init) ?? "running")\n\(client.log())")
        eventually("the validation script stopped") { kill(script, 0) != 0 }
        try eventually("the server's session gone") { try !Self.mcpSession(w, from: "aperture", of: "fungal") }
    }

    /// Tool errors for a repository that is not a member, a realm never
    /// fetched, and a malformed realm file (with its file and line).
    @Test func toolErrorsSayWhatIsWrongAndWhere() throws {
        let w = try RealmEndToEndTests.world("mcp-errors", members: ["aperture", "fungal", "loner"])
        for m in ["aperture", "fungal"] { try w.ok(m, "admin", "join", w.realm) }
        try w.ok("aperture", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal", "--contract", "s3-permissions")
        try w.ok("fungal", "fetch")
        // Not a member.
        let loner = try MCPClient(["git", "realm", "mcp", "--path", w.members["loner"]!], env: w.env, in: w.env.root)
        _ = try loner.initialize()
        let notMember = try loner.call("realm_status")
        #expect(notMember["isError"] as? Bool == true && Self.text(notMember).contains("is not a member of a realm")
                && Self.text(notMember).contains("git realm admin join"), "\(notMember)")
        loner.closeInput()
        #expect(loner.waitForExit() == 0, "\(loner.log())")

        // Never fetched (the fetched ref gone), then a malformed binding file at the fetched commit.
        let fungal = w.members["fungal"]!
        let fetched = try w.env.gitOK("rev-parse", "refs/realm/letemcook/fetched", in: fungal).trimmingCharacters(in: .whitespacesAndNewlines)
        try w.env.gitOK("update-ref", "-d", "refs/realm/letemcook/fetched", in: fungal)
        let client = try MCPClient(["git", "realm", "mcp"], env: w.env, in: fungal)
        _ = try client.initialize()
        let never = try client.call("realm_status")
        #expect(never["isError"] as? Bool == true && Self.text(never).contains("this repository has not fetched realm letemcook yet")
                && Self.text(never).contains("run 'git realm fetch'") && !Self.text(never).contains("failed"), "\(never)")

        let blob = try w.env.run("git", ["hash-object", "-w", "--stdin"], in: fungal, input: "repo: fungal\nrole: [consumer\n").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let tree = try w.env.run("git", ["mktree"], in: fungal, input: try Self.replaced(w, fungal, tree: fetched, path: "domains/s3-access/bindings/fungal.yaml", blob: blob)).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let bad = try w.env.gitOK("commit-tree", tree, "-p", fetched, "-m", "broken binding", in: fungal).trimmingCharacters(in: .whitespacesAndNewlines)
        try w.env.gitOK("update-ref", "refs/realm/letemcook/fetched", bad, in: fungal)
        for tool in ["realm_status", "contract_get"] {
            let malformed = try client.call(tool, tool == "contract_get" ? ["contract": "s3-permissions"] : [:])
            #expect(malformed["isError"] as? Bool == true && Self.text(malformed).contains("domains/s3-access/bindings/fungal.yaml:3"), "\(tool): \(malformed)")
        }
        client.closeInput()
        #expect(client.waitForExit() == 0, "\(client.log())")
    }

    /// As install.sh lays files out: `git realm mcp` runs the hyperforge-mcp
    /// beside hyperforge; without one there (nor on PATH) it says so, exit 4.
    /// The multi-call executable does not link the SDK.
    @Test func installedLayoutFindsTheServerBesideHyperforge() throws {
        let w = try RealmEndToEndTests.world("mcp-install", members: ["aperture"])
        try w.ok("aperture", "admin", "join", w.realm)
        let prefix = w.env.root + "/prefix"
        let install = try w.env.run(ShellCompletionTests.repositoryRoot + "/scripts/install-files.sh",
                                    ["--link", prefix, TestEnvironment.buildDirectory + "/hyperforge"])
        #expect(install.code == 0, "\(install)")
        #expect(FileManager.default.isExecutableFile(atPath: prefix + "/bin/hyperforge-mcp"), "\(install)")
        let installed = try MCPClient([prefix + "/bin/git-realm", "mcp"], env: w.env, in: w.members["aperture"]!)
        let info = try installed.initialize()
        #expect((info["result"] as? [String: Any])?["serverInfo"] != nil, "\(info)")
        installed.closeInput()
        #expect(installed.waitForExit() == 0, "\(installed.log())")

        // A copy of hyperforge alone, with no hyperforge-mcp beside it or on PATH.
        let lone = w.env.root + "/lone"
        try FileManager.default.createDirectory(atPath: lone, withIntermediateDirectories: true)
        // Under the spawn lock: a child spawned meanwhile would inherit the open
        // file and make exec'ing it fail (ETXTBSY), as TestEnvironment.write says.
        Spawn.spawnLock.lock()
        let copied = Result { try FileManager.default.copyItem(atPath: TestEnvironment.buildDirectory + "/hyperforge", toPath: lone + "/hyperforge") }
        Spawn.spawnLock.unlock()
        try copied.get()
        var path = w.env.environment
        path["PATH"] = "/usr/bin:/bin"
        let missing = try Spawn.run([lone + "/hyperforge", "realm", "mcp"], environment: path, directory: w.members["aperture"]!, input: nil)
        let stderr = String(decoding: missing.stderr, as: UTF8.self)
        #expect(missing.code == 4 && stderr.contains("the MCP server hyperforge-mcp is not installed: not beside this program nor on PATH (looked in \(lone), /usr/bin, /bin)")
                && stderr.contains("hint: install it with ./install.sh"), "\(missing.code) \(stderr)")

        // The multi-call executable has none of the SDK in it (its Server class, mangled), the server has.
        let sdkClass = Data("3MCP6ServerC".utf8)
        let tools = try Data(contentsOf: URL(fileURLWithPath: TestEnvironment.buildDirectory + "/hyperforge"))
        let server = try Data(contentsOf: URL(fileURLWithPath: TestEnvironment.buildDirectory + "/hyperforge-mcp"))
        #expect(tools.range(of: sdkClass) == nil, "hyperforge links the MCP SDK")
        #expect(server.range(of: sdkClass) != nil, "the test looks for the right thing")
    }

    /// `tree` with the blob at `path` replaced, as `git mktree` input (one level deep at a time).
    static func replaced(_ w: World, _ repo: String, tree: String, path: String, blob: String) throws -> String {
        let parts = path.split(separator: "/").map(String.init)
        func rebuild(_ tree: String, _ rest: ArraySlice<String>) throws -> String {
            let listing = try w.env.gitOK("ls-tree", tree, in: repo)
            var lines: [String] = []
            for line in listing.split(separator: "\n").map(String.init) {
                let meta = line.split(separator: "\t", maxSplits: 1)
                let name = String(meta[1]), fields = meta[0].split(separator: " ")
                guard name == rest.first else { lines.append(line); continue }
                if rest.count == 1 {
                    lines.append("\(fields[0]) blob \(blob)\t\(name)")
                } else {
                    let sub = try rebuild(String(fields[2]), rest.dropFirst())
                    let made = try w.env.run("git", ["mktree"], in: repo, input: sub).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                    lines.append("040000 tree \(made)\t\(name)")
                }
            }
            return lines.joined(separator: "\n") + "\n"
        }
        return try rebuild(tree + "^{tree}", parts[...])
    }
}
