import FoundationEssentials
import Glibc

/// JSON output for scripts: stable key order, one document per command.
public enum JSONOutput {
    /// `snakeCase`: keys as `stale_bindings` rather than `staleBindings`.
    public static func encode<T: Encodable>(_ value: T, snakeCase: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return String(decoding: data, as: UTF8.self)
    }
}
