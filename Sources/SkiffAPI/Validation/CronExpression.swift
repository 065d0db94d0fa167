import Foundation

/// A parsed CronJob schedule (`CronSchedule.parse`) and the times it names, as robfig/cron's
/// `SpecSchedule.Next` finds them, in a given time zone. Hand-written: no cron library is
/// among the packages this project can use, and the day rule below is robfig's own.
public struct CronExpression: Sendable, Equatable {
    struct Field: Sendable, Equatable {
        var values: Set<Int> = []
        /// Written as `*` or `?`.
        var star = false
    }

    let minute: Field
    let hour: Field
    let day: Field
    let month: Field
    let weekday: Field

    /// robfig's rule (cron's): when either day field is a star, a day must match both; when
    /// both are restricted, matching either is enough (`0 0 1 * MON`: the 1st and Mondays).
    func dayMatches(day: Int, weekday: Int) -> Bool {
        let dayOK = self.day.values.contains(day)
        let weekdayOK = self.weekday.values.contains(weekday)
        if self.day.star || self.weekday.star { return dayOK && weekdayOK }
        return dayOK || weekdayOK
    }

    /// The first scheduled minute strictly after `date`, within five years (nil beyond: a
    /// schedule such as `0 0 30 2 *` never comes).
    public func next(after date: Date, in zone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard var t = calendar.dateInterval(of: .minute, for: date)?.start.addingTimeInterval(60) else { return nil }
        let limit = date.addingTimeInterval(5 * 366 * 86400)
        while t < limit {
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: t)
            guard let year = c.year, let month = c.month, let day = c.day, let hour = c.hour, let minute = c.minute,
                let weekday = c.weekday
            else { return nil }
            // Whole months, days and hours that cannot match are skipped at once.
            if !self.month.values.contains(month) {
                guard let next = calendar.date(from: DateComponents(year: year, month: month + 1, day: 1)) else {
                    return nil
                }
                t = next
            } else if !dayMatches(day: day, weekday: weekday - 1) {
                guard let next = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: t)) else {
                    return nil
                }
                t = next
            } else if !self.hour.values.contains(hour) {
                guard let start = calendar.dateInterval(of: .hour, for: t)?.start else { return nil }
                t = start.addingTimeInterval(3600)
            } else if !self.minute.values.contains(minute) {
                t = t.addingTimeInterval(60)
            } else {
                return t
            }
        }
        return nil
    }
}
