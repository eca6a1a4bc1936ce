/// A 128-bit content hash (two independent FNV-1a 64 lanes) for cache keys
/// and cache file names. Not cryptographic: it only has to tell changed
/// content from unchanged (and a cache file says inside what it is for).
public enum ContentHash {
    public static func of(_ bytes: [UInt8]) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x6c62_272e_07bb_0142
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 &+ 0x9e37_79b9
        }
        a ^= UInt64(bytes.count)
        return hex(a) + hex(b)
    }

    public static func of(_ parts: [String]) -> String { of(Array(parts.joined(separator: "\u{1F}").utf8)) }

    private static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
