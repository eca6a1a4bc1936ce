/// HTTP dates (RFC 9110 §5.6.7): the IMF-fixdate every sender must use,
/// `Sun, 06 Nov 1994 08:49:37 GMT`, and the two obsolete forms a recipient
/// must still accept, RFC 850's `Sunday, 06-Nov-94 08:49:37 GMT` and
/// asctime's `Sun Nov  6 08:49:37 1994`. Used for Retry-After's date form.
enum HTTPDate {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds since 1970-01-01 UTC, nil when `text` is no HTTP date.
    static func epochSeconds(_ text: String) -> Int64? {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true).map { $0.lowercased() }
        func number(_ s: Substring, digits: ClosedRange<Int>) -> Int64? {
            guard digits.contains(s.count), s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int64(s)
        }
        func month(_ s: String) -> Int64? { months.firstIndex(of: s).map { Int64($0 + 1) } }
        func clock(_ s: String) -> (Int64, Int64, Int64)? {
            let p = s.split(separator: ":", omittingEmptySubsequences: false)
            guard p.count == 3, let h = number(p[0], digits: 2...2), let m = number(p[1], digits: 2...2), let sec = number(p[2], digits: 2...2),
                  h < 24, m < 60, sec <= 60 else { return nil }
            return (h, m, min(sec, 59))
        }
        var y: Int64, mo: Int64, d: Int64, time: (Int64, Int64, Int64)
        if fields.count == 6, fields[0].hasSuffix(","), fields[5] == "gmt",
           let day = number(Substring(fields[1]), digits: 2...2), let m = month(fields[2]),
           let year = number(Substring(fields[3]), digits: 4...4), let t = clock(fields[4]) {
            (y, mo, d, time) = (year, m, day, t)                       // IMF-fixdate
        } else if fields.count == 4, fields[0].hasSuffix(","), fields[3] == "gmt" {
            let p = fields[1].split(separator: "-", omittingEmptySubsequences: false)
            guard p.count == 3, let day = number(p[0], digits: 2...2), let m = month(String(p[1])),
                  let yy = number(p[2], digits: 2...2), let t = clock(fields[2]) else { return nil }
            // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
            (y, mo, d, time) = (yy < 70 ? 2000 + yy : 1900 + yy, m, day, t) // RFC 850
        } else if fields.count == 5, let m = month(fields[1]), let day = number(Substring(fields[2]), digits: 1...2),
                  let t = clock(fields[3]), let year = number(Substring(fields[4]), digits: 4...4) {
            (y, mo, d, time) = (year, m, day, t)                       // asctime
        } else {
            return nil
        }
        let lengths: [Int64] = [31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d >= 1, d <= lengths[Int(mo - 1)] else { return nil }
        return Timestamp.days(year: y, month: mo, day: d) * 86_400 + time.0 * 3600 + time.1 * 60 + time.2
    }
}
