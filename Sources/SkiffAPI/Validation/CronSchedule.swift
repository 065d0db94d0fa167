import Foundation

/// CronJob schedule and time zone checks. Kubernetes parses schedules with robfig/cron's
/// `ParseStandard` and reports its error text, so the checks and messages here follow that parser:
/// five fields (minute hour day-of-month month day-of-week), each a comma list of `*`, `?`, a
/// number or name, a range `a-b`, optionally with a `/step`, or one of the `@` descriptors.
///
/// Unlike robfig, `@every <duration>` is refused: the cronjob controller here schedules by
/// calendar only.
enum CronSchedule {
    static let descriptors: Set<String> = [
        "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly",
    ]

    private struct Bounds {
        var min: Int
        var max: Int
        var names: [String: Int] = [:]
    }

    private static let fields: [Bounds] = [
        Bounds(min: 0, max: 59),
        Bounds(min: 0, max: 23),
        Bounds(min: 1, max: 31),
        Bounds(
            min: 1, max: 12,
            names: [
                "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
                "nov": 11, "dec": 12,
            ]),
        Bounds(min: 0, max: 6, names: ["sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6]),
    ]

    /// nil when the schedule parses, else robfig/cron's error text.
    static func parseError(_ schedule: String) -> String? {
        var spec = Substring(schedule)
        if spec.isEmpty { return "empty spec string" }
        if spec.hasPrefix("TZ=") || spec.hasPrefix("CRON_TZ=") {
            guard let space = spec.firstIndex(of: " "), let eq = spec.firstIndex(of: "=") else {
                return "provided bad location \(spec): unknown time zone \(spec)"
            }
            let location = String(spec[spec.index(after: eq)..<space])
            if TimeZone(identifier: location) == nil {
                return "provided bad location \(location): unknown time zone \(location)"
            }
            spec = spec[space...].drop(while: { $0.isWhitespace })
        }
        if spec.hasPrefix("@") {
            return descriptors.contains(String(spec)) ? nil : "unrecognized descriptor: \(spec)"
        }
        let parts = spec.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard parts.count == 5 else {
            return "expected exactly 5 fields, found \(parts.count): [\(parts.joined(separator: " "))]"
        }
        for (part, bounds) in zip(parts, fields) {
            for expression in part.split(separator: ",", omittingEmptySubsequences: false) {
                if let error = rangeError(String(expression), bounds) { return error }
            }
        }
        return nil
    }

    /// robfig's `getRange`.
    private static func rangeError(_ expr: String, _ r: Bounds) -> String? {
        let rangeAndStep = expr.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let lowAndHigh = rangeAndStep[0].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        var start: Int
        var end: Int
        if lowAndHigh[0] == "*" || lowAndHigh[0] == "?" {
            start = r.min
            end = r.max
        } else {
            switch parseIntOrName(lowAndHigh[0], r.names) {
            case .failure(let message): return message
            case .success(let n): start = n
            }
            switch lowAndHigh.count {
            case 1: end = start
            case 2:
                switch parseIntOrName(lowAndHigh[1], r.names) {
                case .failure(let message): return message
                case .success(let n): end = n
                }
            default: return "too many hyphens: \(expr)"
            }
        }
        var step = 1
        switch rangeAndStep.count {
        case 1: break
        case 2:
            switch mustParseInt(rangeAndStep[1]) {
            case .failure(let message): return message
            case .success(let n): step = n
            }
            // "N/step" means "N-max/step".
            if lowAndHigh.count == 1 { end = r.max }
        default: return "too many slashes: \(expr)"
        }
        if start < r.min { return "beginning of range (\(start)) below minimum (\(r.min)): \(expr)" }
        if end > r.max { return "end of range (\(end)) above maximum (\(r.max)): \(expr)" }
        if start > end { return "beginning of range (\(start)) beyond end of range (\(end)): \(expr)" }
        if step == 0 { return "step of range should be a positive number: \(expr)" }
        return nil
    }

    private enum Parsed {
        case success(Int)
        case failure(String)
    }

    private static func parseIntOrName(_ expr: String, _ names: [String: Int]) -> Parsed {
        if let n = names[expr.lowercased()] { return .success(n) }
        return mustParseInt(expr)
    }

    /// Go's `strconv.Atoi` then a sign check, with Go's error wording.
    private static func mustParseInt(_ expr: String) -> Parsed {
        guard let n = Int(expr) else {
            let digits = expr.drop(while: { $0 == "+" || $0 == "-" })
            let reason =
                !digits.isEmpty && digits.allSatisfy({ $0.isASCII && $0.isNumber })
                ? "value out of range" : "invalid syntax"
            return .failure("failed to parse int from \(expr): strconv.Atoi: parsing \"\(expr)\": \(reason)")
        }
        if n < 0 { return .failure("negative number (\(n)) not allowed: \(expr)") }
        return .success(n)
    }

    /// `validateTimeZone` from batch validation; nil when acceptable.
    static func timeZoneError(_ zone: String) -> String? {
        if zone.isEmpty { return "timeZone must be nil or non-empty string" }
        for part in zone.split(separator: "/", omittingEmptySubsequences: false) {
            let allowed = part.utf8.allSatisfy {
                NameValidation.isAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
                    || $0 == UInt8(ascii: "_")
                    || $0 == UInt8(ascii: "+")
            }
            if part == "." || part == ".." || part.hasPrefix("-") || part.isEmpty || part.utf8.count > 14 || !allowed {
                return "unknown time zone \(zone)"
            }
        }
        if zone.lowercased() == "local" {
            return "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
        }
        return TimeZone(identifier: zone) == nil ? "unknown time zone \(zone)" : nil
    }
}
