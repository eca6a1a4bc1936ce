import Foundation
import HyperforgeCore
@testable import HyperforgeSecrets
import Testing

@Suite struct GrantStoreTests {
    @Test func twoConnectionsSeeEachOthersWrites() throws {
        let env = try TestEnvironment("grants")
        let path = env.root + "/state.db"
        let a = try GrantStore(path: path)
        let b = try GrantStore(path: path)
        let request = try a.request("git/github/a/repo/b/token", requester: "test", at: Date())
        #expect(try b.pending().map(\.id) == [request.id])
        #expect(try b.decide(id: request.id, approve: true, at: Date())?.status == "approved")
        #expect(try a.request(id: request.id)?.status == "approved")
        #expect(try a.grant("git/github/a/repo/b/token")?.how == "approved")
        #expect(try a.pending().isEmpty)
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
    }
}
