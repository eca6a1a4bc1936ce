import HyperforgeCore

/// One thing `git realm check` found.
public struct Finding: Codable, Sendable, Equatable {
    public enum Severity: String, Codable, Sendable { case error, warning, ok }
    public enum Mode: String, Codable, Sendable, CaseIterable { case contract, compatibility, exporter, importer }

    public var severity: Severity
    public var mode: Mode
    public var domain: String
    public var contract: String
    /// The file concerned: a realm file (`domains/...`), a working contract
    /// (`.hyperforge/contracts/...`), a source file or a script.
    public var file: String?
    /// A JSON pointer: into the value or schema (`/value/read/0`, `/schema/properties/read`).
    public var pointer: String?
    public var message: String
    /// Longer text: a script's output, a hint.
    public var details: [String]
    /// For a breaking change: the value that shows it (checked with the validator).
    public var witness: Witness?
    /// For a compatible verdict: which rule or inclusion step decided it (printed with --explain).
    public var explanation: [String]

    public init(_ severity: Severity, _ mode: Mode, domain: String, contract: String, file: String? = nil, pointer: String? = nil,
                message: String, details: [String] = [], witness: Witness? = nil, explanation: [String] = []) {
        self.severity = severity
        self.mode = mode
        self.domain = domain
        self.contract = contract
        self.file = file
        self.pointer = pointer
        self.message = message
        self.details = details
        self.witness = witness
        self.explanation = explanation
    }
}

extension Finding {
    /// As stored in the validation cache (read back with the realm's own JSON reader).
    var json: JSONValue {
        var o: [String: JSONValue] = ["severity": .string(severity.rawValue), "mode": .string(mode.rawValue), "domain": .string(domain),
                                      "contract": .string(contract), "message": .string(message), "details": .array(details.map(JSONValue.string))]
        if let file { o["file"] = .string(file) }
        if let pointer { o["pointer"] = .string(pointer) }
        if !explanation.isEmpty { o["explanation"] = .array(explanation.map(JSONValue.string)) }
        if let w = witness {
            o["witness"] = .object(["value": w.value, "valid_under": .string(w.validUnder), "invalid_under": .string(w.invalidUnder),
                                    "pointer": .string(w.pointer), "reason": .string(w.reason), "breaks": .string(w.breaks)])
        }
        return .object(o)
    }

    init?(json: JSONValue) {
        guard case .string(let s)? = json["severity"], let severity = Severity(rawValue: s),
              case .string(let m)? = json["mode"], let mode = Mode(rawValue: m),
              case .string(let domain)? = json["domain"], case .string(let contract)? = json["contract"],
              case .string(let message)? = json["message"], case .array(let details)? = json["details"] else { return nil }
        var file: String?, pointer: String?
        if case .string(let f)? = json["file"] { file = f }
        if case .string(let p)? = json["pointer"] { pointer = p }
        var witness: Witness?
        var explanation: [String] = []
        // Most findings have neither (the kept report is read on every warm check).
        guard case .object(let o) = json, o.count > 6 + (file == nil ? 0 : 1) + (pointer == nil ? 0 : 1) else {
            self.init(severity, mode, domain: domain, contract: contract, file: file, pointer: pointer, message: message,
                      details: details.compactMap { if case .string(let d) = $0 { return d }; return nil })
            return
        }
        if let w = o["witness"] {
            guard let value = w["value"], case .string(let valid)? = w["valid_under"], case .string(let invalid)? = w["invalid_under"],
                  case .string(let at)? = w["pointer"], case .string(let reason)? = w["reason"], case .string(let breaks)? = w["breaks"] else { return nil }
            witness = Witness(value: value, validUnder: valid, invalidUnder: invalid, pointer: at, reason: reason, breaks: breaks)
        }
        if case .array(let lines)? = o["explanation"] { explanation = lines.compactMap(\.stringValue) }
        self.init(severity, mode, domain: domain, contract: contract, file: file, pointer: pointer, message: message,
                  details: details.compactMap { if case .string(let d) = $0 { return d }; return nil }, witness: witness, explanation: explanation)
    }
}

/// Everything one `git realm check` run found.
public struct CheckReport: Codable, Sendable {
    public var realm: String
    public var repo: String
    public var commit: String
    public var findings: [Finding]
    public var contractsChecked: Int
    public var cacheHits: Int

    public var errors: Int { count(.error) }
    public var warnings: Int { count(.warning) }

    /// Counted in place: a filter copied every finding (witness and explanation
    /// included), four times per printed report.
    func count(_ severity: Finding.Severity) -> Int {
        var n = 0
        for i in findings.indices where findings[i].severity == severity { n += 1 }
        return n
    }

    /// 0 clean, 1 errors, 2 warnings only (errors with `strict`).
    public func exitCode(strict: Bool) -> Int32 {
        if count(.error) > 0 { return 1 }
        if count(.warning) > 0 { return strict ? 1 : 2 }
        return 0
    }

    enum CodingKeys: String, CodingKey { case realm, repo, commit, findings, contractsChecked, cacheHits, errors, warnings }

    public init(realm: String, repo: String, commit: String, findings: [Finding], contractsChecked: Int, cacheHits: Int) {
        self.realm = realm
        self.repo = repo
        self.commit = commit
        self.findings = findings
        self.contractsChecked = contractsChecked
        self.cacheHits = cacheHits
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        realm = try c.decode(String.self, forKey: .realm)
        repo = try c.decode(String.self, forKey: .repo)
        commit = try c.decode(String.self, forKey: .commit)
        findings = try c.decode([Finding].self, forKey: .findings)
        contractsChecked = try c.decode(Int.self, forKey: .contractsChecked)
        cacheHits = try c.decode(Int.self, forKey: .cacheHits)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(realm, forKey: .realm)
        try c.encode(repo, forKey: .repo)
        try c.encode(commit, forKey: .commit)
        try c.encode(findings, forKey: .findings)
        try c.encode(contractsChecked, forKey: .contractsChecked)
        try c.encode(cacheHits, forKey: .cacheHits)
        try c.encode(errors, forKey: .errors)
        try c.encode(warnings, forKey: .warnings)
    }

    public func text(_ out: Output.Stream, explain: Bool = false) -> String {
        var lines: [String] = []
        for f in findings {
            let mark: String
            switch f.severity {
            case .ok: mark = out.styled("✓", .green)
            case .warning: mark = out.styled("!", .yellow)
            case .error: mark = out.styled("✗", .red)
            }
            var place = ""
            if let file = f.file { place += file }
            if let pointer = f.pointer { place += (place.isEmpty ? "" : " ") + (pointer.isEmpty ? "(root)" : pointer) }
            lines.append("\(mark) \(f.contract) (\(f.domain), \(f.mode.rawValue)): \(place.isEmpty ? "" : place + ": ")\(f.message)")
            for d in f.details { lines.append("    " + d) }
            if explain && !f.explanation.isEmpty {
                lines.append("    why:")
                for e in f.explanation { lines.append("      " + e) }
            }
        }
        let errors = self.errors, warnings = self.warnings
        let summary = errors == 0 && warnings == 0 ? "clean" : "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
        lines.append("Result: \(summary) (\(contractsChecked) contract check\(contractsChecked == 1 ? "" : "s") in realm \(realm) at \(commit.prefix(12)))")
        return lines.joined(separator: "\n")
    }

    /// JUnit XML, for CI systems: one test case per contract and mode.
    func junit(strict: Bool) -> String {
        func esc(_ s: String) -> String {
            var out = ""
            for c in s.unicodeScalars {
                switch c {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                default: if c.value < 0x20 && c != "\n" && c != "\t" { out += "?" } else { out.unicodeScalars.append(c) }
                }
            }
            return out
        }
        var groups: [String: [Finding]] = [:]
        var order: [String] = []
        for f in findings {
            let key = "\(f.mode.rawValue)\t\(f.domain)/\(f.contract)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(f)
        }
        var failures = 0
        var cases: [String] = []
        for key in order {
            let parts = key.split(separator: "\t", maxSplits: 1).map(String.init)
            let fs = groups[key]!
            let failing = fs.filter { $0.severity == .error || (strict && $0.severity == .warning) }
            var body = ""
            if !failing.isEmpty {
                failures += 1
                let text = failing.map { f in ([f.file, f.pointer].compactMap { $0 }.joined(separator: " ") + ": " + f.message + "\n" + f.details.joined(separator: "\n")) }
                body += "<failure message=\"\(esc(failing[0].message))\">\(esc(text.joined(separator: "\n")))</failure>"
            }
            let warnings = fs.filter { $0.severity == .warning && !strict }
            if !warnings.isEmpty { body += "<system-out>\(esc(warnings.map { "warning: " + $0.message }.joined(separator: "\n")))</system-out>" }
            cases.append("    <testcase classname=\"realm.\(esc(parts[0]))\" name=\"\(esc(parts[1]))\">\(body)</testcase>")
        }
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites>
          <testsuite name="git realm check" tests="\(cases.count)" failures="\(failures)" errors="0">
        \(cases.joined(separator: "\n"))
          </testsuite>
        </testsuites>
        """
    }
}
