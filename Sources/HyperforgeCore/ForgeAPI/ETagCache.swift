import FoundationEssentials
import Glibc

/// ETags and the responses they name, for conditional GETs (a 304 costs
/// GitHub no rate limit). One 0600 file per forge, token scope and URL under
/// a 0700 directory of ours (`$XDG_STATE_HOME/hyperforge/forge-api`); a file
/// or directory that is not ours, or is writable by others, is not used.
/// The scope is part of the key: what one token may see is never answered
/// to another.
struct ETagCache: Sendable {
    let directory: String

    struct Entry {
        var etag: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]
    }

    static let magic = "hyperforge forge-api etag 1"
    /// The headers a cached answer keeps (the rest describe the exchange, not the resource).
    static let kept: Set<String> = ["etag", "link", "x-total-count", "x-next-page", "content-type"]
    /// Bodies above this are not kept.
    static let largestBody = 4 << 20

    func path(forge: String, scope: String, url: String) -> String {
        // FNV-1a, 64 bits: a file name; the key itself is checked inside.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in "\(forge)\n\(scope)\n\(url)".utf8 {
            hash ^= UInt64(b)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return directory + "/" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    func entry(forge: String, scope: String, url: String) -> Entry? {
        let file = path(forge: forge, scope: scope, url: url)
        // Only a plain file of ours: an entry replaced by a symbolic link (to
        // a file we own, with an answer someone wrote) is not an answer the forge gave.
        var st = stat()
        guard lstat(file, &st) == 0, st.st_mode & S_IFMT == S_IFREG,
              (try? FileTrust.check(directory, kind: .directory)) == true,
              let bytes = try? FileTrust.read(file, limit: ETagCache.largestBody + 65536) else { return nil }
        // Header: magic, forge, scope, url, etag, count, count header lines; then the body.
        var lines: [String] = []
        var index = bytes.startIndex
        while lines.count < 6, let nl = bytes[index...].firstIndex(of: 0x0A) {
            lines.append(String(decoding: bytes[index..<nl], as: UTF8.self))
            index = nl + 1
        }
        guard lines.count == 6, lines[0] == ETagCache.magic, lines[1] == forge, lines[2] == scope, lines[3] == url,
              let count = Int(lines[5]), count >= 0, count < 100 else { return nil }
        var headers: [(name: String, value: String)] = []
        for _ in 0..<count {
            guard let nl = bytes[index...].firstIndex(of: 0x0A) else { return nil }
            let line = String(decoding: bytes[index..<nl], as: UTF8.self)
            index = nl + 1
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        return Entry(etag: lines[4], headers: headers, body: Array(bytes[index...]))
    }

    func store(forge: String, scope: String, url: String, etag: String, response: HTTP.Response) {
        guard response.body.count <= ETagCache.largestBody,
              !(etag + url).unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) else { return }
        do { try FileTrust.prepareDirectory(directory) } catch { return }
        let headers = response.headers.filter { ETagCache.kept.contains($0.name.lowercased()) && !$0.value.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) }
        var text = "\(ETagCache.magic)\n\(forge)\n\(scope)\n\(url)\n\(etag)\n\(headers.count)\n"
        for h in headers { text += "\(h.name):\(h.value)\n" }
        // A cache that cannot be written only costs the next request its 304.
        try? AtomicFile.write(Array(text.utf8) + Array(response.body), to: path(forge: forge, scope: scope, url: url), mode: 0o600)
    }
}
