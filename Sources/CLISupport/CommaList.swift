import ArgumentParser
import HyperforgeCore

/// The items of a comma-separated option value (`--forges github,codeberg`),
/// each trimmed. An empty value, an empty item or a trailing comma
/// (`github,`) is a usage error naming the option, with an example.
public func commaList(_ text: String, option: String, example: String) throws -> [String] {
    let items = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmed() }
    guard !items.contains(where: \.isEmpty) else {
        throw ValidationError("\(option) takes a comma-separated list, e.g. \(example)")
    }
    return items
}
