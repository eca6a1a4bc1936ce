/// The two shapes every client operation has: reading one resource (a GET,
/// conditional, 404 as nil) and changing something (planned in a dry run,
/// else sent once; the status checked against the expected ones; an
/// outcome that is unknown looked up before it is reported). The clients
/// say only what differs: path, body, scope, statuses, words.
extension ForgeTransport {
    /// How the forge's API document is named in messages.
    var documentName: String {
        switch forge.kind {
        case .github: return "GitHub's description"
        case .gitea: return "Gitea's description"
        case .forgejo: return "Forgejo's description"
        case .gitlab: return "GitLab's documentation"
        }
    }

    /// An answer without the fields the forge's API document gives it.
    func malformed(_ method: String, _ path: String, _ what: String) -> ForgeAPIError {
        ForgeAPIError(.badResponse, forge: forge.name, method: method, path: path,
                      detail: "\(what): the answer lacks the fields \(documentName) gives it")
    }

    /// GET `path` (conditional: ETag cache) and parse its JSON. 404 is nil
    /// when `missingIsNil`; any other status than 200 is the error for `what`.
    func read<Value>(_ path: String, scope: ForgeTokenScope, what: String, missingIsNil: Bool = true, conditional: Bool = true,
                     hint: ((Int) -> String?)? = nil, _ parse: (JSONValue) -> Value?) async throws -> Value? {
        let r = try await send("GET", path, scope: scope, conditional: conditional)
        if missingIsNil && r.status == 404 { return nil }
        guard r.status == 200 else { throw failure(r, "GET", path, scope: scope, what: what, hint: hint?(r.status)) }
        guard let value = r.json().flatMap(parse) else { throw malformed("GET", path, what) }
        return value
    }

    /// GET `path` where 404 is an error like any other status but 200.
    func readExisting<Value>(_ path: String, scope: ForgeTokenScope, what: String, conditional: Bool = true,
                             hint: ((Int) -> String?)? = nil, _ parse: (JSONValue) -> Value?) async throws -> Value {
        guard let value = try await read(path, scope: scope, what: what, missingIsNil: false, conditional: conditional, hint: hint, parse) else {
            throw malformed("GET", path, what)
        }
        return value
    }

    /// One mutating request. A dry run returns the request it would send.
    /// Otherwise it is sent once (`idempotent` ones are retried as `send`
    /// does); when its outcome is unknown, `lookFirst` (when given) is asked
    /// whether it took effect, and its answer is the result. A status outside
    /// `expect` is the error for `what` (with `hint(status)` when it has one);
    /// `parse` reads the answer (nil: the answer lacks the fields).
    func change<Value>(_ method: String, _ path: String, body: JSONValue, scope: ForgeTokenScope, expect: Set<Int>,
                       what: String, idempotent: Bool? = nil, hint: ((Int) -> String?)? = nil,
                       lookFirst: (() async throws -> Value?)? = nil,
                       _ parse: (JSONValue?) -> Value?) async throws -> ForgeMutation<Value> {
        if let plan = plan(method, path) { return .planned(plan) }
        let r: Reply
        do {
            r = try await send(method, path, body: body, scope: scope, idempotent: idempotent)
        } catch let e as ForgeAPIError where e.kind == .outcomeUnknown {
            // Never sent twice: look first.
            if let lookFirst, let found = try await lookFirst() { return .done(found) }
            throw e
        }
        guard expect.contains(r.status) else { throw failure(r, method, path, scope: scope, what: what, hint: hint?(r.status)) }
        guard let value = parse(r.json()) else { throw malformed(method, path, what) }
        return .done(value)
    }

    /// Every page of a list, each item parsed (nil: the answer lacks the
    /// fields) and kept when `keep` says so.
    func list<Item>(_ path: String, scope: ForgeTokenScope, what: String, hint: String? = nil,
                    _ parse: (JSONValue) -> Item?, keep: (Item) -> Bool = { _ in true }) async throws -> [Item] {
        var out: [Item] = []
        try await eachPage(path, scope: scope, what: what, hint: hint) { items in
            for item in items {
                guard let parsed = parse(item) else { throw malformed("GET", path, what) }
                if keep(parsed) { out.append(parsed) }
            }
        }
        return out
    }
}
