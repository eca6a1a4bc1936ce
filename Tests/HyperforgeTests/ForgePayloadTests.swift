import Foundation
@testable import HyperforgeCore
import Testing

/// The responses recorded from api.github.com, gitea.com, code.forgejo.org and
/// gitlab.com (Tests/Fixtures/forge-apis/examples) parse into the forge models,
/// and the forges' error bodies give their messages.
struct ForgePayloadTests {
    static let examples = ForgeStandIn.fixtures + "/forge-apis/examples"

    func json(_ path: String) throws -> JSONValue {
        try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: ForgePayloadTests.examples + "/" + path))), file: path)
    }

    func array(_ path: String) throws -> [JSONValue] {
        guard case .array(let a) = try json(path) else { throw CocoaError(.fileReadCorruptFile) }
        return a
    }

    /// The recorded headers as HTTP answers carry them.
    func headers(_ path: String) throws -> [(name: String, value: String)] {
        try String(contentsOfFile: ForgePayloadTests.examples + "/" + path, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
    }

    @Test func github() throws {
        let repo = try #require(GitHubClient.repository(try json("github/recorded/get-repository.json")))
        #expect(repo.owner == "go-gitea" && repo.name == "test_repo" && repo.visibility == .public)
        #expect(repo.defaultBranch == "master" && !repo.archived && !repo.fork)
        #expect(repo.cloneURL == "https://github.com/go-gitea/test_repo.git" && repo.sshURL == "git@github.com:go-gitea/test_repo.git")
        let pulls = try array("github/recorded/list-pull-requests.json").map { try #require(GitHubClient.pullRequest($0)) }
        #expect(!pulls.isEmpty && pulls.allSatisfy { !$0.head.isEmpty && !$0.base.isEmpty && $0.number > 0 })
        let reviews = try array("github/recorded/list-pull-request-reviews.json").map { try #require(GitHubClient.review($0)) }
        #expect(reviews.first?.state == .approved && reviews.first?.commitSHA == "076160cf0b039f13e5eff19619932d181269414b")
        let comments = try array("github/recorded/list-issue-comments.json").map { try #require(GitHubClient.comment($0)) }
        #expect(comments.first?.body == "This is a comment" && comments.first?.id == 553111966)
        // Pages and rate limits from the recorded headers.
        let h = try headers("github/recorded/get-repository.headers.txt")
        let response = HTTP.Response(status: 200, body: Data(), headers: h)
        #expect(response.header("x-ratelimit-remaining") == "4928" && response.header("ETag")?.hasPrefix("W/") == true)
    }

    @Test func giteaAndForgejo() throws {
        let repo = try #require(GiteaClient.repository(try json("gitea/recorded/get-repository.json")))
        #expect(!repo.name.isEmpty && !repo.owner.isEmpty && repo.cloneURL?.hasSuffix(".git") == true)
        for file in ["gitea/recorded/list-pull-requests.json", "forgejo/recorded/list-pull-requests.json"] {
            let pulls = try array(file).map { try #require(GiteaClient.pullRequest($0), "\(file)") }
            #expect(!pulls.isEmpty && pulls.allSatisfy { $0.number > 0 && !$0.head.isEmpty })
        }
        let reviews = try array("gitea/recorded/list-pull-reviews.json").map { try #require(GiteaClient.review($0)) }
        #expect(reviews.first?.state == .dismissed) // recorded: state COMMENT, dismissed true
        let comments = try array("gitea/recorded/list-issue-comments.json").map { try #require(GiteaClient.comment($0)) }
        #expect(!comments.isEmpty)
        // Gitea's Link joins entries with "," and no space.
        let h = try headers("gitea/recorded/list-pull-requests.headers.txt")
        let link = h.filter { $0.name == "Link" }.map(\.value)
        #expect(ForgeTransport.linkTarget(link, rel: "next") == "https://gitea.com/api/v1/repos/gitea/test_repo/pulls?limit=3&page=2&state=all")
        #expect(ForgeTransport.linkTarget(link, rel: "last") != nil && ForgeTransport.linkTarget(link, rel: "prev") == nil)
    }

    @Test func gitlab() throws {
        let project = try #require(GitLabClient.repository(try json("gitlab/recorded/get-project-by-path.json")))
        #expect(project.owner == "forgejo" && project.name == "test_repo" && project.id == 61363672)
        #expect(project.cloneURL == "https://gitlab.com/forgejo/test_repo.git")
        let mr = try #require(GitLabClient.pullRequest(try json("gitlab/recorded/get-merge-request.json")))
        #expect(mr.number == 1 && mr.state == .open)
        let listed = try array("gitlab/recorded/list-merge-requests-simple.json")
        #expect(!listed.isEmpty)
        let approvals = try #require(GitLabClient.approvals(try json("gitlab/recorded/get-merge-request-approvals.json")))
        #expect(!approvals.isEmpty && approvals.allSatisfy { $0.state == .approved })
        // The last page: Link without next, x-next-page present and empty.
        let h = try headers("gitlab/recorded/list-merge-requests-simple.headers.txt")
        #expect(ForgeTransport.linkTarget(h.filter { $0.name == "Link" }.map(\.value), rel: "next") == nil)
        #expect(ForgeTransport.linkTarget(h.filter { $0.name == "Link" }.map(\.value), rel: "first") != nil)
    }

    @Test func errorBodies() throws {
        func message(_ path: String, _ kind: ForgeKind, status: Int) throws -> String? {
            let data = try Data(contentsOf: URL(fileURLWithPath: ForgePayloadTests.examples + "/" + path))
            return ForgeErrorBody.message(HTTP.Response(status: status, body: data), kind: kind)
        }
        #expect(try message("github/from-description/merge-pull-request.405.json", .github, status: 405) == "Pull Request is not mergeable")
        #expect(try message("gitlab/from-docs/validation-error.400.json", .gitlab, status: 400) == "bio is too long (maximum is 255 characters)")
        #expect(try message("gitlab/from-docs/insufficient-scope.403.json", .gitlab, status: 403)?.hasPrefix("insufficient_scope: The request requires higher privileges") == true)
        #expect(try message("gitlab/from-docs/rate-limited.429.txt", .gitlab, status: 429) == "Retry later")
        #expect(try message("gitlab/from-docs/missing-attribute.400.json", .gitlab, status: 400)?.contains("not given") == true)
        let github422 = #"{"message":"Validation Failed","errors":[{"resource":"Repository","code":"custom","field":"name","message":"name already exists on this account"}],"documentation_url":"x"}"#
        #expect(ForgeErrorBody.message(HTTP.Response(status: 422, body: Data(github422.utf8)), kind: .github) == "Validation Failed; name: name already exists on this account")
    }

    @Test func linkHeaders() {
        let github = #"<https://api.github.com/orgs/o/repos?page=2>; rel="next", <https://api.github.com/orgs/o/repos?page=50>; rel="last""#
        #expect(ForgeTransport.linkTarget([github], rel: "next") == "https://api.github.com/orgs/o/repos?page=2")
        #expect(ForgeTransport.linkTarget([github], rel: "last") == "https://api.github.com/orgs/o/repos?page=50")
        #expect(ForgeTransport.linkTarget(["<https://x/a?cursor=a,b>; rel=\"next\""], rel: "next") == "https://x/a?cursor=a,b")
        #expect(ForgeTransport.replacingQuery("https://h/p?page=1&limit=50", "page", "2") == "https://h/p?page=2&limit=50")
        #expect(ForgeTransport.replacingQuery("https://h/p", "page", "2") == "https://h/p?page=2")
    }

    @Test func proxiesAsCurlReadsThem() {
        let env = ["https_proxy": "http://p:3128", "http_proxy": "http://q:3128", "HTTP_PROXY": "http://ignored:1",
                   "NO_PROXY": "localhost,127.0.0.1", "CURL_CA_BUNDLE": "/etc/ca.pem"]
        let https = HTTP.Options.from(environment: env, url: "https://api.github.com/user")
        #expect(https.proxy == "http://p:3128" && https.noProxy == "localhost,127.0.0.1" && https.caBundle == "/etc/ca.pem")
        #expect(HTTP.Options.from(environment: env, url: "http://git.local/api/v1").proxy == "http://q:3128")
        // curl ignores uppercase HTTP_PROXY (it could come from a CGI request's Proxy: header).
        #expect(HTTP.Options.from(environment: ["HTTP_PROXY": "http://x:1"], url: "http://h/").proxy == nil)
        #expect(HTTP.Options.from(environment: ["ALL_PROXY": "socks5://s:1080"], url: "https://h/").proxy == "socks5://s:1080")
    }
}
