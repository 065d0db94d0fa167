import Foundation

/// Durations the way kubectl shows them in AGE-like columns: Kubernetes'
/// `k8s.io/apimachinery/pkg/util/duration.HumanDuration`, ~2–3 significant figures.
///
/// The thresholds are deliberately uneven (`119s`, then `2m`…`9m59s`, `10m`…`179m`, `3h`…`7h59m`,
/// `8h`…`47h`, `2d`…`7d23h`, `8d`…`729d`, `2y`…`7y364d`, then whole years) and must match
/// Kubernetes to the second, since users compare our output with a real cluster's.
public enum HumanDuration {
    public static func short(_ seconds: TimeInterval) -> String {
        // Up to 2s in the future is clock skew and shows as "0s"; beyond that is nonsense.
        guard seconds.isFinite, seconds > -2 else { return "<invalid>" }
        if seconds < 0 { return "0s" }
        // Go truncates the nanosecond count toward zero at every unit; clamping keeps Int() safe.
        let total = Int(min(seconds, 1e15).rounded(.towardZero))
        if total < 60 * 2 { return "\(total)s" }

        let minutes = total / 60
        if minutes < 10 {
            let s = total % 60
            return s == 0 ? "\(minutes)m" : "\(minutes)m\(s)s"
        }
        if minutes < 60 * 3 { return "\(minutes)m" }

        let hours = total / 3600
        if hours < 8 {
            let m = minutes % 60
            return m == 0 ? "\(hours)h" : "\(hours)h\(m)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 {
            let h = hours % 24
            return h == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(h)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let d = (hours / 24) % 365
            return d == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(d)d"
        }
        return "\(hours / 24 / 365)y"
    }

    /// Kubernetes' `duration.ShortHumanDuration`: one unit only (`59s`, `1m`, `23h`, `364d`, `1y`),
    /// for places that want the coarser form (e.g. "x3 over 5m" style summaries).
    public static func coarse(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite, seconds > -2 else { return "<invalid>" }
        if seconds < 0 { return "0s" }
        let total = Int(min(seconds, 1e15).rounded(.towardZero))
        if total < 60 { return "\(total)s" }
        if total / 60 < 60 { return "\(total / 60)m" }
        let hours = total / 3600
        if hours < 24 { return "\(hours)h" }
        if hours < 24 * 365 { return "\(hours / 24)d" }
        return "\(hours / 24 / 365)y"
    }

    /// Kubernetes' `translateTimestampUntil`: time left until a future instant (certificate or
    /// token expiry), `<unknown>` without one.
    public static func until(_ timestamp: Date?, now: Date) -> String {
        guard let timestamp else { return "<unknown>" }
        return short(timestamp.timeIntervalSince(now))
    }

    /// Kubernetes' `translateTimestampSince`: `<unknown>` without a timestamp, otherwise
    /// `short(now - timestamp)`.
    public static func since(_ timestamp: Date?, now: Date) -> String {
        guard let timestamp else { return "<unknown>" }
        return short(now.timeIntervalSince(timestamp))
    }
}
