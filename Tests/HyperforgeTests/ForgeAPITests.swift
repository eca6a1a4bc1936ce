import Foundation
@testable import HyperforgeCore
import HyperforgeSecrets
import Testing

/// The forge REST clients against the stand-in forge (one per personality),
/// which checks every request against the forge's API description.
@Suite(.enabled(if: ForgeStandIn.available, "needs python3"))
struct ForgeAPITests {
    static let personalities = ForgeStandIn.Personality.allCases

    let alice = ForgeStandIn.Token(value: "tok-alice-6b1f", label: "alice", user: "alice", owners: ["alice", "acme"])
    let bob = ForgeStandIn.Token(value: "tok-bob-93c2", label: "bob", user: "bob", owners: ["bob", "bobco"])

    func seededRepos() -> [ForgeStandIn.Repo] {
        [ForgeStandIn.Repo(owner: "acme", name: "api", description: "the API"),
         ForgeStandIn.Repo(owner: "acme", name: "web", isPrivate: true),
         ForgeStandIn.Repo(owner: "acme", name: "old", archived: true),
         ForgeStandIn.Repo(owner: "acme", name: "forked", fork: true),
         ForgeStandIn.Repo(owner: "alice", name: "dotfiles"),
         ForgeStandIn.Repo(owner: "bobco", name: "secret", isPrivate: true)]
    }

    /// The tokens of the scopes the stand-in's operations ask for.
    func tokens(_ extra: [String: String] = [:]) -> TableTokens {
        var t: [String: String] = [
            "git/standin/alice/token": alice.value, "git/standin/acme/token": alice.value, "git/standin/bob/token": bob.value,
            "git/standin/bobco/token": bob.value,
        ]
        for name in ["api", "web", "old", "forked", "new-tool", "fresh", "lost", "x", "nope"] {
            t["git/standin/acme/repo/\(name)/token"] = alice.value
            t["git/standin/alice/repo/\(name)/token"] = alice.value
            t["git/standin/acme/sub/repo/\(name)/token"] = alice.value
        }
        t.merge(extra) { $1 }
        return TableTokens(t)
    }

    func client(_ standIn: ForgeStandIn, _ tokens: TableTokens, _ log: ClientLog, dryRun: Bool = false, cache: String? = nil,
                environment: [String: String] = [:]) -> any ForgeClient {
        ForgeClients.make(forge: standIn.forge(named: "standin"), trusted: true, tokens: tokens,
                          options: log.options(dryRun: dryRun, cache: cache, environment: environment))
    }

    // MARK: every operation, every personality

    @Test(arguments: personalities)
    func everyOperation(_ p: ForgeStandIn.Personality) async throws {
        let env = try TestEnvironment("forge-ops")
        let orgs = p == .gitlab ? ["acme", "acme/sub", "bobco"] : ["acme", "bobco"]
        let standIn = try ForgeStandIn(p, in: env, tokens: [alice, bob], orgs: orgs, users: ["carol"], repos: seededRepos())
        let log = ClientLog()
        let tokens = tokens()
        let c = client(standIn, tokens, log)

        let me = try await c.currentUser(tokenOf: "alice")
        #expect(me.login == "alice")

        // Listing: archived and forks only when asked.
        let plain = try await c.listRepositories(.org("acme"), filter: RepositoryFilter())
        #expect(Set(plain.map(\.name)) == ["api", "web"])
        let all = try await c.listRepositories(.org("acme"), filter: .all)
        #expect(Set(all.map(\.name)) == ["api", "web", "old", "forked"])
        #expect(all.first(where: { $0.name == "old" })?.archived == true)
        #expect(all.first(where: { $0.name == "forked" })?.fork == true)
        #expect(all.first(where: { $0.name == "web" })?.visibility == .private)
        let mine = try await c.listRepositories(.user("alice"), filter: RepositoryFilter())
        #expect(mine.map(\.name) == ["dotfiles"])

        // Get, create (org and user), get again.
        let api = try #require(try await c.repository(RepositoryRef(owner: "acme", name: "api")))
        #expect(api.description == "the API" && api.visibility == .public && api.defaultBranch == "main")
        #expect(api.cloneURL?.hasSuffix("/acme/api.git") == true)
        #expect(try await c.repository(RepositoryRef(owner: "acme", name: "nope")) == nil)
        let created = try #require(try await c.createRepository(NewRepository(owner: .org("acme"), name: "new-tool", description: "made by a test",
                                                                              visibility: .private, defaultBranch: "main")).value)
        #expect(created.name == "new-tool" && created.owner == "acme" && created.visibility == .private)
        #expect(try await c.repository(created.ref)?.description == "made by a test")
        let forMe = try #require(try await c.createRepository(NewRepository(owner: .user("alice"), name: "fresh", visibility: .public)).value)
        #expect(forMe.owner == "alice" && forMe.visibility == .public)
        if p == .gitlab {
            let nested = try #require(try await c.createRepository(NewRepository(owner: .org("acme/sub"), name: "x", visibility: .private)).value)
            #expect(nested.owner == "acme/sub")
            #expect(try await c.repository(RepositoryRef(owner: "acme/sub", name: "x"))?.name == "x")
        }

        // The pull-request flow.
        let ref = RepositoryRef(owner: "acme", name: "api")
        let pr = try #require(try await c.createPullRequest(ref, NewPullRequest(title: "Bump contract", body: "why", head: "realm/sync", base: "main")).value)
        #expect(pr.state == .open && pr.head == "realm/sync" && pr.base == "main")
        #expect(try await c.pullRequest(ref, number: pr.number)?.title == "Bump contract")
        #expect(try await c.pullRequest(ref, number: 999) == nil)
        #expect(try await c.pullRequests(ref, state: .open, head: "realm/sync").map(\.number) == [pr.number])
        #expect(try await c.pullRequests(ref, state: .open, head: "other").isEmpty)
        #expect(try await c.requestReviewers(ref, number: pr.number, reviewers: ["carol"]).value != nil)
        #expect(try await c.pullRequest(ref, number: pr.number)?.requestedReviewers == ["carol"])
        #expect(try await c.approve(ref, number: pr.number, body: nil).value != nil)
        let reviews = try await c.reviews(ref, number: pr.number)
        #expect(reviews.contains(where: { $0.reviewer == "alice" && $0.state == .approved }), "\(reviews)")
        let comment = try #require(try await c.comment(ref, number: pr.number, body: "looks right").value)
        #expect(comment.body == "looks right")
        let merged = try #require(try await c.merge(ref, number: pr.number, method: .merge, sha: pr.headSHA).value)
        #expect(merged.merged)
        #expect(try await c.pullRequest(ref, number: pr.number)?.state == .merged)
        #expect(try await c.pullRequests(ref, state: .merged, head: nil).map(\.number) == [pr.number])
        let second = try #require(try await c.createPullRequest(ref, NewPullRequest(title: "Second", head: "realm/other", base: "main")).value)
        let closed = try #require(try await c.close(ref, number: second.number).value)
        #expect(closed.state == .closed)
        #expect(try await c.pullRequests(ref, state: .open, head: nil).isEmpty)

        standIn.expectDescribedRequestsOnly()
        // Every request carried alice's token (scopes of acme and alice only).
        #expect(standIn.requests.allSatisfy { $0.token == "alice" }, "\(standIn.requests)")
        #expect(tokens.scopesAsked.allSatisfy { $0.hasPrefix("git/standin/acme/") || $0.hasPrefix("git/standin/alice/") })
        #expect(tokens.scopesAsked.contains("git/standin/acme/token") && tokens.scopesAsked.contains("git/standin/acme/repo/api/token"))
    }

    // MARK: pages

    @Test(arguments: personalities)
    func allPages(_ p: ForgeStandIn.Personality) async throws {
        let env = try TestEnvironment("forge-pages")
        let repos = (0..<11).map { ForgeStandIn.Repo(owner: "acme", name: String(format: "r%02d", $0)) }
        // Two per page: six pages (more than three), by each forge's own scheme.
        let standIn = try ForgeStandIn(p, in: env, tokens: [alice], orgs: ["acme"], repos: repos, maxPageSize: 2)
        let log = ClientLog()
        let listed = try await client(standIn, tokens(), log).listRepositories(.org("acme"), filter: RepositoryFilter())
        #expect(listed.map(\.name) == repos.map(\.name))
        let gets = standIn.requests.filter { $0.path.hasSuffix("/repos") || $0.path.hasSuffix("/projects") }
        #expect(gets.count == 6, "\(gets)")
        if p == .gitea || p == .forgejo {
            // The page size is the instance's own (GET /settings/api, once), not assumed.
            #expect(standIn.requests.filter { $0.path.hasSuffix("/settings/api") }.count == 1, "\(standIn.requests)")
            #expect(gets.allSatisfy { $0.query.contains("limit=2") }, "\(gets)")
        }
        standIn.expectDescribedRequestsOnly()
    }

    @Test(arguments: [ForgeStandIn.Personality.gitea, .forgejo])
    func giteaPageSizeComesFromTheInstance(_ p: ForgeStandIn.Personality) async throws {
        let env = try TestEnvironment("forge-pagesize")
        let repos = (0..<6).map { ForgeStandIn.Repo(owner: "acme", name: String(format: "r%02d", $0)) } + [ForgeStandIn.Repo(owner: "acme", name: "api")]
        let standIn = try ForgeStandIn(p, in: env, tokens: [alice], orgs: ["acme"], repos: repos, maxPageSize: 3)
        let c = client(standIn, tokens(), ClientLog())
        // One client (one run): the settings are asked once, whatever it lists.
        #expect(try await c.listRepositories(.org("acme"), filter: RepositoryFilter()).count == 7)
        #expect(try await c.pullRequests(RepositoryRef(owner: "acme", name: "api"), state: .open, head: nil).isEmpty)
        #expect(standIn.requests.filter { $0.path.hasSuffix("/settings/api") }.count == 1, "\(standIn.requests)")
        let listings = standIn.requests.filter { $0.path.hasSuffix("/repos") || $0.path.hasSuffix("/pulls") }
        #expect(listings.count == 4 && listings.allSatisfy { $0.query.contains("limit=3") }, "\(listings)")

        // An instance that does not answer /settings/api: 50 is asked for, and every page still followed.
        let older = try ForgeStandIn(p, in: env, tokens: [alice], orgs: ["acme"], repos: repos, maxPageSize: 3, settingsAPI: false)
        #expect(try await client(older, tokens(), ClientLog()).listRepositories(.org("acme"), filter: RepositoryFilter()).count == 7)
        let pages = older.requests.filter { $0.path.hasSuffix("/repos") }
        #expect(pages.count == 3 && pages[0].query.contains("limit=50"), "\(older.requests)")
        standIn.expectDescribedRequestsOnly()
        older.expectDescribedRequestsOnly()
    }

    // MARK: rate limits and faults

    @Test(arguments: personalities)
    func waitsForRetryAfter(_ p: ForgeStandIn.Personality) async throws {
        let env = try TestEnvironment("forge-429")
        let standIn = try ForgeStandIn(p, in: env, tokens: [alice], orgs: ["acme"], repos: seededRepos())
        let prefix = p == .gitlab ? "/projects/" : "/repos/"
        try standIn.setFaults([.init(match: "GET \(prefix)", status: 429, headers: ["Retry-After": "1"], body: p == .gitlab ? "Retry later" : ["message": "slow down"])])
        let log = ClientLog()
        let repo = try await client(standIn, tokens(), log).repository(RepositoryRef(owner: "acme", name: "api"))
        #expect(repo?.name == "api")
        let statuses = standIn.requests.map(\.status)
        #expect(statuses == ["429", "200"], "\(standIn.requests)")
        let notice = try #require(log.notices.first)
        #expect(notice.contains("rate limited") && notice.contains("Retry-After 1") && notice.contains("waiting") && notice.contains("until"), "\(notice)")
        // At least the second it was told to wait.
        let times = try requestTimes(standIn)
        #expect(times.count == 2 && times[1] - times[0] >= 1.0)
    }

    @Test func retryAfterAsAnHTTPDateIsWaitedFor() async throws {
        let env = try TestEnvironment("forge-429-date")
        let standIn = try ForgeStandIn(.gitea, in: env, tokens: [alice], orgs: ["acme"], repos: seededRepos())
        // Two seconds ahead, in IMF-fixdate: at least one whole second to wait.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = formatter.string(from: Date().addingTimeInterval(2))
        try standIn.setFaults([.init(match: "GET /repos/", status: 429, headers: ["Retry-After": date], body: ["message": "slow down"])])
        let log = ClientLog()
        #expect(try await client(standIn, tokens(), log).repository(RepositoryRef(owner: "acme", name: "api"))?.name == "api")
        #expect(standIn.requests.map(\.status) == ["429", "200"], "\(standIn.requests)")
        let notice = try #require(log.notices.first)
        #expect(notice.contains("rate limited") && notice.contains("Retry-After"), "\(notice)")
        let times = try requestTimes(standIn)
        #expect(times.count == 2 && times[1] - times[0] >= 1.0, "\(times)")
    }

    @Test func httpDatesInAllThreeFormsAndNothingElse() throws {
        // RFC 9110 §5.6.7's example, in each form a recipient must accept.
        #expect(HTTPDate.epochSeconds("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.epochSeconds("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.epochSeconds("Sun Nov  6 08:49:37 1994") == 784_111_777)
        #expect(HTTPDate.epochSeconds("Thu, 29 Feb 2024 00:00:00 GMT") == 1_709_164_800)
        for bad in ["", "120", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 PST", "Fri, 30 Feb 2024 00:00:00 GMT",
                    "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:00:00 GMT", "Sun, 6 Nov 1994 08:49:37 GMT",
                    "Sun, 06 Nov 99999 08:49:37 GMT", "nan", "Sun, ０６ Nov 1994 08:49:37 GMT"] {
            #expect(HTTPDate.epochSeconds(bad) == nil, "\(bad)")
        }
        // Bounded as the seconds form is: a date in the past is no wait, one years ahead is refused (longer than the longest wait).
        let transport = ForgeTransport(forge: Forge(name: "f", kind: .github, host: "127.0.0.1", webURL: "http://127.0.0.1:9", apiURL: "http://127.0.0.1:9/api/v3"),
                                       tokens: tokens(), options: ForgeClientOptions())
        func wait(_ retryAfter: String) -> Double? {
            transport.rateLimitWait(HTTP.Response(status: 429, body: Data(), headers: [("Retry-After", retryAfter)]), method: "GET")?.seconds
        }
        #expect(try #require(wait("Sun, 06 Nov 1994 08:49:37 GMT")) < 1)
        #expect(try #require(wait("Fri, 31 Dec 9999 23:59:59 GMT")) > 86_400 * 364)
        #expect(try #require(wait("Fri, 31 Dec 9999 23:59:59 GMT")) <= 86_400 * 365 * 1.2)
    }

    @Test func githubPrimaryLimitWaitsForReset() async throws {
        let env = try TestEnvironment("forge-403")
        let standIn = try ForgeStandIn(.github, in: env, tokens: [alice], orgs: ["acme"], repos: seededRepos())
        try standIn.setFaults([.init(match: "GET /orgs/acme/repos", status: 403, headers: ["x-ratelimit-remaining": "0", "x-ratelimit-limit": "5000"],
                                     body: ["message": "API rate limit exceeded for user ID 1.", "documentation_url": "https://docs.github.com/rest"],
                                     resetIn: 1)])
        let log = ClientLog()
        let listed = try await client(standIn, tokens(), log).listRepositories(.org("acme"), filter: RepositoryFilter())
        #expect(listed.count == 2)
        #expect(log.notices.contains(where: { $0.contains("x-ratelimit-remaining 0") && $0.contains("until") }), "\(log.notices)")
        #expect(standIn.requests.map(\.status) == ["403", "200"])
    }

    @Test func githubSecondaryLimitAndLongWaitsAreErrors() async throws {
        let env = try TestEnvironment("forge-secondary")
        let standIn = try ForgeStandIn(.github, in: env, tokens: [alice], orgs: ["acme"], repos: seededRepos())
        // A secondary limit without Retry-After means "at least a minute": longer than
        // the client's longest wait (30 s here), so it says until when, and stops.
        try standIn.setFaults([.init(match: "GET /repos/", status: 403,
                                     body: ["message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."])])
        let log = ClientLog()
        let c = client(standIn, tokens(), log)
        await #expect {
            _ = try await c.repository(RepositoryRef(owner: "acme", name: "api"))
        } throws: { e in
            guard let e = e as? ForgeAPIError else { return false }
            return e.kind == .rateLimited && e.description.contains("secondary rate limit") && e.description.contains("GET /repos/acme/api")
                && (e.hint ?? "").contains("UTC")
        }
        #expect(standIn.requests.count == 1)
    }

    @Test(arguments: personalities)
    func retriesGatewayErrorsOfReads(_ p: ForgeStandIn.Personality) async throws {
        let env = try TestEnvironment("forge-5xx")
        let standIn = try ForgeStandIn(p, in: env, tokens: [alice], orgs: ["acme"], repos: seededRepos())
        let prefix = p == .gitlab ? "/projects/" : "/repos/"
        try standIn.setFaults([.init(match: "GET \(prefix)", times: 2, status: 503, body: ["message": "unavailable"])])
        let log = ClientLog()
        let repo = try await client(standIn, tokens(), log).repository(RepositoryRef(owner: "acme", name: "api"))
        #expect(repo?.name == "api")
        #expect(standIn.requests.map(\.status) == ["503", "503", "200"])
        #expect(log.notices.count == 2 && log.notices.allSatisfy { $0.contains("HTTP 503") && $0.contains("retrying") })

        // Bounded: four attempts, then the error says what happened.
        try standIn.setFaults([.init(match: "GET \(prefix)", times: 10, status: 502, body: ["message": "bad gateway"])])
        await #expect {
            _ = try await client(standIn, tokens(), log).repository(RepositoryRef(owner: "acme", name: "web"))
        } throws: { e in
            (e as? ForgeAPIError)?.status == 502 && (e as? ForgeAPIError)?.forge == "standin"
        }
        #expect(standIn.requests.count == 3 + 4)
    }

    @Test(arguments: personalities)
    func createWithUnknownOutcomeIsLookedUpNotRepeated(_ p: ForgeStandIn.Personality) async throws {
        let env = try TestEnvironment("forge-lost")
        let standIn = try ForgeStandIn(p, in: env, tokens: [alice], orgs: ["acme"], repos: seededRepos())
        let createPath = p == .gitlab ? "/projects" : "/orgs/acme/repos"
        // The forge creates it, then the connection breaks before the answer.
        try standIn.setFaults([.init(match: "POST \(createPath)", drop: true)])
        let log = ClientLog()
        let c = client(standIn, tokens(), log)
        let made = try #require(try await c.createRepository(NewRepository(owner: .org("acme"), name: "lost", visibility: .private)).value)
        #expect(made.name == "lost")
        let posts = standIn.requests.filter { $0.method == "POST" }
        #expect(posts.count == 1, "\(standIn.requests)")
        #expect(standIn.requests.last?.method == "GET", "\(standIn.requests)")

        // A gateway error on a create: also never resent; not there, so the error says the outcome is unknown.
        try standIn.setFaults([.init(match: "POST \(createPath)", times: 5, status: 502, body: ["message": "bad gateway"])])
        await #expect {
            _ = try await c.createRepository(NewRepository(owner: .org("acme"), name: "x", visibility: .private))
        } throws: { e in
            (e as? ForgeAPIError)?.kind == .outcomeUnknown
        }
        #expect(standIn.requests.filter { $0.method == "POST" }.count == 2, "\(standIn.requests)")
        standIn.expectDescribedRequestsOnly()
    }

    // MARK: tokens

    @Test(arguments: personalities)
    func eachOrgGetsItsOwnToken(_ p: ForgeStandIn.Personality) async throws {
        let env = try TestEnvironment("forge-tokens")
        let standIn = try ForgeStandIn(p, in: env, tokens: [alice, bob], orgs: ["acme", "bobco"], repos: seededRepos())
        let log = ClientLog()
        let t = tokens()
        let c = client(standIn, t, log)
        _ = try await c.listRepositories(.org("acme"), filter: .all)
        let bobs = try await c.listRepositories(.org("bobco"), filter: .all)
        #expect(bobs.map(\.name) == ["secret"]) // private: seen with bob's token only
        for r in standIn.requests {
            if r.path.contains("bobco") { #expect(r.token == "bob", "\(r)") } else { #expect(r.token == "alice", "\(r)") }
        }
        // (Gitea and Forgejo: the settings read, once, with the first owner's token.)
        let settings = p == .gitea || p == .forgejo ? ["git/standin/acme/token"] : []
        #expect(t.scopesAsked == settings + ["git/standin/acme/token", "git/standin/bobco/token"])
    }

    @Test func aNextPageOnAnotherHostGetsNoToken() async throws {
        let env = try TestEnvironment("forge-host")
        let standIn = try ForgeStandIn(.github, in: env, tokens: [alice], orgs: ["acme"], repos: seededRepos())
        let item: [String: Any] = ["id": 1, "name": "api", "owner": ["login": "acme"], "private": false]
        let elsewhere = "http://127.0.0.2:\(standIn.port)/api/v3/orgs/acme/repos?page=2"
        try standIn.setFaults([.init(match: "GET /orgs/acme/repos", status: 200, headers: ["Link": "<\(elsewhere)>; rel=\"next\""], body: [item])])
        let log = ClientLog()
        await #expect {
            _ = try await client(standIn, tokens(), log).listRepositories(.org("acme"), filter: .all)
        } throws: { e in
            guard let e = e as? ForgeAPIError else { return false }
            return e.kind == .badResponse && e.description.contains("127.0.0.2") && e.description.contains("no token is sent there")
        }
        #expect(log.records.count == 1 && !log.records.contains(where: { $0.url.contains("127.0.0.2") }))
        #expect(standIn.requests.count == 1)
    }

    @Test(arguments: personalities)
    func wrongTokensAreRefusedAndNeverShown(_ p: ForgeStandIn.Personality) async throws {
        let env = try TestEnvironment("forge-401")
        let standIn = try ForgeStandIn(p, in: env, tokens: [alice], orgs: ["acme"], repos: seededRepos())
        let wrong = "ghp_wrongtoken_SECRET_0042"
        let log = ClientLog()
        let c = client(standIn, tokens(["git/standin/acme/repo/api/token": wrong]), log)
        do {
            _ = try await c.repository(RepositoryRef(owner: "acme", name: "api"))
            Issue.record("a refused token must be an error")
        } catch let e as ForgeAPIError {
            #expect(e.kind == .unauthorized && e.status == 401)
            #expect(e.description.contains("GET") && e.description.contains("answered 401"))
            #expect(e.hint?.contains("git scope set git/standin/acme/repo/api/token") == true)
            #expect(!e.description.contains(wrong) && !(e.hint ?? "").contains(wrong))
        }
        #expect(standIn.requests.first?.token == "unknown")
        #expect(!log.notices.joined().contains(wrong) && !log.records.map(\.url).joined().contains(wrong))
        // A token with a line break never becomes a header.
        let broken = client(standIn, tokens(["git/standin/acme/repo/api/token": "abc\r\nX-Injected: 1"]), log)
        await #expect { _ = try await broken.repository(RepositoryRef(owner: "acme", name: "api")) } throws: { e in
            (e as? ForgeAPIError)?.kind == .scopeRefused && !"\(e)".contains("X-Injected")
        }
        #expect(standIn.requests.count == 1)
    }

    @Test func ownersWithARepoSegmentGetNoScope() async throws {
        let env = try TestEnvironment("forge-scope")
        let standIn = try ForgeStandIn(.gitlab, in: env, tokens: [alice], orgs: ["acme"], repos: [])
        let log = ClientLog()
        let c = client(standIn, tokens(), log)
        await #expect { _ = try await c.listRepositories(.org("acme/repo/x"), filter: .all) } throws: { e in
            guard let e = e as? ForgeAPIError else { return false }
            return e.kind == .scopeRefused && e.description.contains("'repo'")
        }
        await #expect { _ = try await c.repository(RepositoryRef(owner: "repo", name: "x")) } throws: { e in
            (e as? ForgeAPIError)?.kind == .scopeRefused
        }
        #expect(standIn.requests.isEmpty)
        #expect(throws: ForgeAPIError.self) { try ForgeTokenScope.make(.owner(forge: "github", owner: "a/b"), kind: .github) }
        #expect(try ForgeTokenScope.make(.owner(forge: "gitlab", owner: "a/b"), kind: .gitlab).path == "git/gitlab/a/b/token")
    }

    @Test func untrustedForgesAreNeverAsked() async throws {
        let env = try TestEnvironment("forge-untrusted")
        let standIn = try ForgeStandIn(.gitea, in: env, tokens: [alice], orgs: ["acme"], repos: seededRepos())
        let t = tokens()
        let c = ForgeClients.make(forge: standIn.forge(named: "standin"), trusted: false, tokens: t, options: ClientLog().options())
        await #expect { _ = try await c.listRepositories(.org("acme"), filter: .all) } throws: { e in
            guard let e = e as? ForgeAPIError else { return false }
            return e.kind == .untrustedForge && e.description.contains("committed config") && (e.hint ?? "").contains("auth.toml")
        }
        #expect(standIn.requests.isEmpty && t.scopesAsked.isEmpty)
    }

    // MARK: conditional requests

    @Test func etagsAnswerRepeatedReadsWith304() async throws {
        let env = try TestEnvironment("forge-etag")
        let standIn = try ForgeStandIn(.github, in: env, tokens: [alice, bob], orgs: ["acme"], repos: seededRepos())
        let cache = env.home + "/.local/state/hyperforge/forge-api"
        let log = ClientLog()
        let c = client(standIn, tokens(), log, cache: cache)
        let first = try #require(try await c.repository(RepositoryRef(owner: "acme", name: "api")))
        let second = try #require(try await c.repository(RepositoryRef(owner: "acme", name: "api")))
        #expect(first == second)
        #expect(standIn.requests.map(\.status) == ["200", "304"])
        let files = try FileManager.default.contentsOfDirectory(atPath: cache)
        #expect(files.count == 1)
        let fileMode = try #require(try FileManager.default.attributesOfItem(atPath: cache + "/" + files[0])[.posixPermissions] as? Int)
        let dirMode = try #require(try FileManager.default.attributesOfItem(atPath: cache)[.posixPermissions] as? Int)
        #expect(fileMode == 0o600 && dirMode == 0o700)
        #expect(standIn.requests.map(\.conditional) == [false, true])
        // Another scope's cached answer is never used, nor its ETag sent: who-am-I
        // for alice's scope, then for bob's, the same URL.
        #expect(try await c.currentUser(tokenOf: "alice").login == "alice")
        #expect(try await c.currentUser(tokenOf: "alice").login == "alice")
        #expect(try await c.currentUser(tokenOf: "bob").login == "bob")
        let users = standIn.requests.filter { $0.path.hasSuffix("/user") }
        #expect(users.map(\.token) == ["alice", "alice", "bob"])
        #expect(users.map(\.conditional) == [false, true, false] && users.map(\.status) == ["200", "304", "200"])
        // A cache file others may write is not used.
        chmod(cache + "/" + files[0], 0o622)
        _ = try await c.repository(RepositoryRef(owner: "acme", name: "api"))
        #expect(standIn.requests.last?.status == "200")
    }

    @Test func listingPagesAreConditionalEachOnItsOwnETag() async throws {
        let env = try TestEnvironment("forge-etag-pages")
        let repos = (0..<5).map { ForgeStandIn.Repo(owner: "acme", name: String(format: "r%02d", $0)) }
        let standIn = try ForgeStandIn(.github, in: env, tokens: [alice], orgs: ["acme"], repos: repos, maxPageSize: 2)
        let cache = env.home + "/.local/state/hyperforge/forge-api"
        let c = client(standIn, tokens(), ClientLog(), cache: cache)
        let first = try await c.listRepositories(.org("acme"), filter: RepositoryFilter())
        #expect(first.map(\.name) == repos.map(\.name))
        let pages = { standIn.requests.filter { $0.method == "GET" && $0.path.hasSuffix("/orgs/acme/repos") } }
        #expect(pages().map(\.status) == ["200", "200", "200"] && pages().allSatisfy { !$0.conditional })
        // Each page's answer is kept, 0600 in the 0700 cache directory.
        let files = try FileManager.default.contentsOfDirectory(atPath: cache)
        #expect(files.count == 3)
        for f in files {
            #expect(try FileManager.default.attributesOfItem(atPath: cache + "/" + f)[.posixPermissions] as? Int == 0o600)
        }

        // Unchanged: every page answered 304 from its cached copy (Link included), the same list.
        let second = try await c.listRepositories(.org("acme"), filter: RepositoryFilter())
        #expect(second == first)
        #expect(pages().dropFirst(3).map(\.status) == ["304", "304", "304"] && pages().dropFirst(3).allSatisfy(\.conditional), "\(standIn.requests)")

        // A new repository changes the last page only: it alone is sent again.
        _ = try await c.createRepository(NewRepository(owner: .org("acme"), name: "x", visibility: .public))
        let third = try await c.listRepositories(.org("acme"), filter: RepositoryFilter())
        #expect(third.map(\.name) == repos.map(\.name) + ["x"])
        #expect(pages().dropFirst(6).map(\.status) == ["304", "304", "200"], "\(standIn.requests)")

        // An entry replaced by a symbolic link (to a file of ours with an
        // answer someone wrote) is not taken: the page is asked for afresh.
        for f in try FileManager.default.contentsOfDirectory(atPath: cache) {
            let entry = cache + "/" + f, forged = env.root + "/forged-" + f
            let text = try String(contentsOfFile: entry, encoding: .utf8).replacingOccurrences(of: "\"r00\"", with: "\"INJECTED\"")
            try text.write(toFile: forged, atomically: true, encoding: .utf8)
            chmod(forged, 0o600)
            try FileManager.default.removeItem(atPath: entry)
            try FileManager.default.createSymbolicLink(atPath: entry, withDestinationPath: forged)
        }
        let fourth = try await c.listRepositories(.org("acme"), filter: RepositoryFilter())
        #expect(fourth.map(\.name) == repos.map(\.name) + ["x"], "\(fourth.map(\.name))")
        #expect(pages().dropFirst(9).allSatisfy { !$0.conditional }, "\(standIn.requests)")
        standIn.expectDescribedRequestsOnly()
    }

    // MARK: dry run

    @Test(arguments: personalities)
    func dryRunSendsNoMutatingRequest(_ p: ForgeStandIn.Personality) async throws {
        let env = try TestEnvironment("forge-dry")
        let standIn = try ForgeStandIn(p, in: env, tokens: [alice], orgs: ["acme"], users: ["carol"], repos: seededRepos())
        let log = ClientLog()
        let c = client(standIn, tokens(), log, dryRun: true)
        let ref = RepositoryRef(owner: "acme", name: "api")
        let plannedCreate = try #require(try await c.createRepository(NewRepository(owner: .org("acme"), name: "new-tool", visibility: .private)).planned)
        #expect(plannedCreate.method == "POST" && plannedCreate.url.hasPrefix(standIn.apiURL) && !plannedCreate.sent)
        #expect(try await c.createPullRequest(ref, NewPullRequest(title: "t", head: "h", base: "main")).planned != nil)
        #expect(try await c.comment(ref, number: 1, body: "b").planned != nil)
        #expect(try await c.merge(ref, number: 1, method: .squash, sha: nil).planned != nil)
        #expect(try await c.close(ref, number: 1).planned != nil)
        #expect(try await c.approve(ref, number: 1, body: nil).planned != nil)
        // Reads are made (the plan needs them).
        #expect(try await c.listRepositories(.org("acme"), filter: .all).count == 4)
        #expect(!standIn.requests.isEmpty)
        #expect(standIn.requests.allSatisfy { !$0.isMutating }, "\(standIn.requests)")
        #expect(log.records.filter { $0.mutating }.allSatisfy { !$0.sent })
        #expect(log.records.filter { $0.mutating }.count == 6)
        #expect(try await c.repository(RepositoryRef(owner: "acme", name: "new-tool")) == nil)
        standIn.expectDescribedRequestsOnly()
    }

    // MARK: TLS

    @Test func tlsWithATestAuthority() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else { return }
        let env = try TestEnvironment("forge-tls")
        let dir = env.root + "/ca"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let ext = dir + "/ext.cnf"
        try "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n".write(toFile: ext, atomically: true, encoding: .utf8)
        for argv in [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/ca.key", "-out", dir + "/ca.pem", "-days", "2", "-subj", "/CN=hyperforge test CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/server.key", "-out", dir + "/server.csr", "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", dir + "/server.csr", "-CA", dir + "/ca.pem", "-CAkey", dir + "/ca.key", "-CAcreateserial",
             "-out", dir + "/server.pem", "-days", "2", "-extfile", ext],
        ] {
            let r = try Spawn.run(["/usr/bin/openssl"] + argv, environment: env.environment, directory: dir, input: nil)
            try #require(r.code == 0, "openssl \(argv[0]): \(String(decoding: r.stderr, as: UTF8.self))")
        }
        let standIn = try ForgeStandIn(.gitlab, in: env, tokens: [alice], orgs: ["acme"], repos: seededRepos(),
                                       tls: (dir + "/server.pem", dir + "/server.key"))
        #expect(standIn.apiURL.hasPrefix("https://"))
        let log = ClientLog()
        // Verified against the test authority named by CURL_CA_BUNDLE.
        let ok = client(standIn, tokens(), log, environment: ["CURL_CA_BUNDLE": dir + "/ca.pem"])
        #expect(try await ok.repository(RepositoryRef(owner: "acme", name: "api"))?.name == "api")
        // Without it the certificate is not trusted: an error that says what to do, nothing sent.
        let before = standIn.requests.count
        let refused = client(standIn, tokens(), log, environment: [:])
        await #expect { _ = try await refused.repository(RepositoryRef(owner: "acme", name: "api")) } throws: { e in
            guard let e = e as? ForgeAPIError else { return false }
            return e.kind == .transport && (e.hint ?? "").contains("CURL_CA_BUNDLE") && !e.description.contains(alice.value)
        }
        #expect(standIn.requests.count == before)
    }

    // MARK: proxies

    @Test func proxyVariablesAreHonouredAsCurlReadsThem() async throws {
        let env = try TestEnvironment("forge-proxy")
        let standIn = try ForgeStandIn(.gitea, in: env, tokens: [alice], orgs: ["acme"], repos: seededRepos())
        // A second stand-in as the proxy: it records the request meant for the first.
        let proxy = try ForgeStandIn(.gitea, in: env, tokens: [], repos: [])
        let log = ClientLog()
        let viaProxy = client(standIn, tokens(), log, environment: ["http_proxy": "http://127.0.0.1:\(proxy.port)"])
        await #expect(throws: ForgeAPIError.self) { _ = try await viaProxy.repository(RepositoryRef(owner: "acme", name: "api")) }
        #expect(proxy.requests.count == 1 && proxy.requests[0].path == "/api/v1/repos/acme/api", "\(proxy.requests)")
        #expect(standIn.requests.isEmpty)
        // no_proxy names the host: straight to the forge.
        let direct = client(standIn, tokens(), log, environment: ["http_proxy": "http://127.0.0.1:\(proxy.port)", "no_proxy": "127.0.0.1"])
        #expect(try await direct.repository(RepositoryRef(owner: "acme", name: "api"))?.name == "api")
        #expect(proxy.requests.count == 1 && standIn.requests.count == 1)
    }

    // MARK: through the secret broker

    @Test func tokensComeFromScopesThroughTheBroker() async throws {
        let env = try TestEnvironment("forge-broker")
        let standIn = try ForgeStandIn(.forgejo, in: env, tokens: [alice], orgs: ["acme"], repos: seededRepos())
        try env.write(standIn.customForgeTOML(named: "standin"), to: "home/.config/hyperforge/auth.toml")
        let set = try env.run("git", ["scope", "set", "git/standin/acme/token"], input: alice.value)
        #expect(set.code == 0, "\(set)")
        let context = env.context(in: env.root)
        let broker = try SecretBroker.load(context)
        let forge = try #require(broker.auth.forges.first(where: { $0.name == "standin" }))
        let c = ForgeAPIAccess.client(for: forge, trusted: true, broker: broker, context: context, options: ClientLog().options())
        #expect(try await c.listRepositories(.org("acme"), filter: RepositoryFilter()).count == 2)
        #expect(standIn.requests.allSatisfy { $0.token == "alice" })
        // A scope with no secret: the broker's own error, and nothing sent for it.
        let before = standIn.requests.count
        await #expect { _ = try await c.repository(RepositoryRef(owner: "acme", name: "api")) } throws: { e in
            "\(e)".contains("git/standin/acme/repo/api/token")
        }
        #expect(standIn.requests.count == before)
        standIn.expectDescribedRequestsOnly()
    }

    func requestTimes(_ standIn: ForgeStandIn) throws -> [Double] {
        let text = try String(contentsOfFile: standIn.log, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["time"] as? Double
        }
    }
}
