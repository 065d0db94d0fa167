import Glibc

/// Wall-clock time in nanoseconds since the epoch, and its RFC 3339 form with nanoseconds, as
/// CRI log lines and Kubernetes timestamps use (formatted by hand: no Foundation here).
public enum Timestamp {
    public static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    /// `2026-11-21T10:00:00.123456789Z`; `fractionDigits` 0 gives the API's `2026-11-21T10:00:00Z`.
    public static func rfc3339(_ nanoseconds: Int64, fractionDigits: Int = 9) -> String {
        var seconds = time_t(nanoseconds / 1_000_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var text = pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-"
        text += pad(Int(parts.tm_mday), 2) + "T" + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2)
        text += ":" + pad(Int(parts.tm_sec), 2)
        if fractionDigits > 0 {
            let fraction = pad(Int(nanoseconds % 1_000_000_000), 9)
            text += "." + fraction.prefix(fractionDigits)
        }
        return text + "Z"
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
