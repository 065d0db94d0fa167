import Foundation

/// CronJob schedule and time zone checks. Kubernetes parses schedules with robfig/cron's
/// `ParseStandard` and reports its error text, so the checks and messages here follow that parser:
/// five fields (minute hour day-of-month month day-of-week), each a comma list of `*`, `?`, a
/// number or name, a range `a-b`, optionally with a `/step`, or one of the `@` descriptors.
///
/// Unlike robfig, `@every <duration>` is refused: the cronjob controller here schedules by
/// calendar only.
public enum CronSchedule {
    /// robfig's descriptors, as the five fields they stand for.
    static let descriptors: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
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
        if case .failure(let error) = parse(schedule) { return error.message }
        return nil
    }

    public struct ParseError: Error { public let message: String }

    /// robfig's `ParseStandard`: the five fields as sets of allowed values, or its error text.
    /// A `TZ=`/`CRON_TZ=` prefix is checked and dropped here (validation refuses it anyway).
    public static func parse(_ schedule: String) -> Result<CronExpression, ParseError> {
        var spec = Substring(schedule)
        if spec.isEmpty { return .failure(ParseError(message: "empty spec string")) }
        if spec.hasPrefix("TZ=") || spec.hasPrefix("CRON_TZ=") {
            guard let space = spec.firstIndex(of: " "), let eq = spec.firstIndex(of: "=") else {
                return .failure(ParseError(message: "provided bad location \(spec): unknown time zone \(spec)"))
            }
            let location = String(spec[spec.index(after: eq)..<space])
            if TimeZone(identifier: location) == nil {
                return .failure(ParseError(message: "provided bad location \(location): unknown time zone \(location)"))
            }
            spec = spec[space...].drop(while: { $0.isWhitespace })
        }
        if spec.hasPrefix("@") {
            guard let expanded = descriptors[String(spec)] else {
                return .failure(ParseError(message: "unrecognized descriptor: \(spec)"))
            }
            spec = Substring(expanded)
        }
        let parts = spec.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard parts.count == 5 else {
            return .failure(
                ParseError(
                    message: "expected exactly 5 fields, found \(parts.count): [\(parts.joined(separator: " "))]"))
        }
        var fields: [CronExpression.Field] = []
        for (part, bounds) in zip(parts, Self.fields) {
            var field = CronExpression.Field()
            for expression in part.split(separator: ",", omittingEmptySubsequences: false) {
                switch range(String(expression), bounds) {
                case .failure(let error): return .failure(error)
                case .success(let range):
                    field.values.formUnion(stride(from: range.start, through: range.end, by: range.step))
                    field.star = field.star || range.star
                }
            }
            fields.append(field)
        }
        return .success(
            CronExpression(minute: fields[0], hour: fields[1], day: fields[2], month: fields[3], weekday: fields[4]))
    }

    private struct Range {
        var start: Int
        var end: Int
        var step: Int
        /// `*` or `?` with no step above 1: matters for the day fields (see `CronExpression`).
        var star: Bool
    }

    /// robfig's `getRange`.
    private static func range(_ expr: String, _ r: Bounds) -> Result<Range, ParseError> {
        let rangeAndStep = expr.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let lowAndHigh = rangeAndStep[0].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        var start: Int
        var end: Int
        var star = false
        if lowAndHigh[0] == "*" || lowAndHigh[0] == "?" {
            start = r.min
            end = r.max
            star = true
        } else {
            switch parseIntOrName(lowAndHigh[0], r.names) {
            case .failure(let message): return .failure(ParseError(message: message))
            case .success(let n): start = n
            }
            switch lowAndHigh.count {
            case 1: end = start
            case 2:
                switch parseIntOrName(lowAndHigh[1], r.names) {
                case .failure(let message): return .failure(ParseError(message: message))
                case .success(let n): end = n
                }
            default: return .failure(ParseError(message: "too many hyphens: \(expr)"))
            }
        }
        var step = 1
        switch rangeAndStep.count {
        case 1: break
        case 2:
            switch mustParseInt(rangeAndStep[1]) {
            case .failure(let message): return .failure(ParseError(message: message))
            case .success(let n): step = n
            }
            // "N/step" means "N-max/step".
            if lowAndHigh.count == 1 { end = r.max }
            if step > 1 { star = false }
        default: return .failure(ParseError(message: "too many slashes: \(expr)"))
        }
        if start < r.min {
            return .failure(ParseError(message: "beginning of range (\(start)) below minimum (\(r.min)): \(expr)"))
        }
        if end > r.max {
            return .failure(ParseError(message: "end of range (\(end)) above maximum (\(r.max)): \(expr)"))
        }
        if start > end {
            return .failure(ParseError(message: "beginning of range (\(start)) beyond end of range (\(end)): \(expr)"))
        }
        if step == 0 { return .failure(ParseError(message: "step of range should be a positive number: \(expr)")) }
        return .success(Range(start: start, end: end, step: step, star: star))
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
