import Foundation
import Testing

/// The one `--json` style (HyperforgeCore's JSONOutput), checked on every
/// JSON document the suite's runs of our tools print: TestEnvironment.run
/// passes each run that asked for JSON through `problems`, and a test that
/// provokes a document breaking a rule fails.
///
/// - keys are snake_case (`[a-z][a-z0-9_]*`), except in the objects listed in
///   `dataKeyed`, whose keys are names (of contracts, settings, scopes);
/// - times are RFC 3339 UTC strings (`2026-01-24T10:00:00Z`, optional
///   fraction): any value under a key that names a time (`…_at`,
///   `last_activity`, `expires…`), and no number there;
/// - values are JSON values, not TOML or shell text: no string wrapped in quotes;
/// - a run that failed printed `{"error": {"message", "hint", "exit_status", …}}`
///   whose exit_status is the run's exit status.
enum JSONStyle {
    /// JSON pointers (with `*` for any key or index) of objects keyed by data.
    static let dataKeyed: [String] = []

    static func wantsJSON(_ arguments: [String]) -> Bool {
        if arguments.contains("--help") || arguments.contains("-h") { return false } // help is text
        for (i, a) in arguments.enumerated() {
            if a == "--" { return false }
            if a == "--json" || a == "--format=json" || (a == "--format" && arguments.dropFirst(i + 1).first == "json") { return true }
        }
        return false
    }

    /// Exit statuses that are a command's outcome, not its failure: its
    /// document is then its report (`git realm check`: 1 errors, 2 warnings;
    /// `git hforge status --exit-code`: 5 drift).
    static func isOutcome(_ arguments: [String], _ code: Int32) -> Bool {
        let words = arguments.first == "realm" || arguments.first == "hforge" ? Array(arguments.dropFirst()) : arguments
        if words.first == "check" { return code == 1 || code == 2 }
        if words.first == "status" && words.contains("--exit-code") { return code == 5 }
        // A workspace command's report holds each repository's failure, and its status says one failed.
        if words.first == "workspace" { return code == 1 || code == 2 }
        return false
    }

    static func problems(stdout: String, exitCode: Int32, arguments: [String] = []) -> [String] {
        let text = stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return exitCode == 0 ? [] : ["a failed run with --json printed nothing on stdout"] }
        guard let document = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
            return ["stdout is not one JSON document: \(text.prefix(200))"]
        }
        var found: [String] = []
        if exitCode != 0 && !(isOutcome(arguments, exitCode) && (document as? [String: Any])?["error"] == nil) {
            guard let top = document as? [String: Any], top.count == 1, let error = top["error"] as? [String: Any] else {
                return ["a failed run (exit \(exitCode)) printed no {\"error\": …} document: \(text.prefix(200))"]
            }
            if !(error["message"] is String) { found.append("/error/message is not a string") }
            if !(error["hint"] is String || error["hint"] is NSNull) { found.append("/error/hint is neither a string nor null") }
            if (error["exit_status"] as? NSNumber)?.int32Value != exitCode { found.append("/error/exit_status is not \(exitCode)") }
        }
        walk(document, pointer: "", key: nil, into: &found)
        return found
    }

    static let snake = try! NSRegularExpression(pattern: "^[a-z][a-z0-9_]*$")
    static let rfc3339 = try! NSRegularExpression(pattern: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"#)

    static func matches(_ re: NSRegularExpression, _ s: String) -> Bool {
        re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    static func isTimeKey(_ key: String) -> Bool {
        key.hasSuffix("_at") || key == "last_activity" || key.hasPrefix("expires")
    }

    static func keyed(_ pointer: String) -> Bool {
        dataKeyed.contains { pattern in
            let a = pattern.split(separator: "/", omittingEmptySubsequences: false), b = pointer.split(separator: "/", omittingEmptySubsequences: false)
            return a.count == b.count && zip(a, b).allSatisfy { $0 == "*" || $0 == $1 }
        }
    }

    static func walk(_ value: Any, pointer: String, key: String?, into found: inout [String]) {
        if let key, isTimeKey(key), !(value is NSNull) {
            if let s = value as? String {
                if !matches(rfc3339, s) { found.append("\(pointer): a time that is not RFC 3339 UTC: \(s)") }
            } else {
                found.append("\(pointer): a time that is not a string: \(value)")
            }
        }
        if let s = value as? String, s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\"") {
            found.append("\(pointer): a value written as quoted text: \(s)")
        }
        if let object = value as? [String: Any] {
            let dataKeys = keyed(pointer)
            for (k, v) in object {
                if !dataKeys && !matches(snake, k) { found.append("\(pointer): key \"\(k)\" is not snake_case") }
                walk(v, pointer: pointer + "/" + k, key: dataKeys ? nil : k, into: &found)
            }
        } else if let array = value as? [Any] {
            for (i, v) in array.enumerated() { walk(v, pointer: pointer + "/\(i)", key: nil, into: &found) }
        }
    }
}
