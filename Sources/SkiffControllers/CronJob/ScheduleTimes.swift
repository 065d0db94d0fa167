import Foundation
import SkiffAPI

/// Which scheduled time a CronJob should act on now, as Kubernetes' cronjob controller finds
/// it: the most recent time at or before now that has not run (after the last scheduled one,
/// or the CronJob's creation, and within `startingDeadlineSeconds` when set), so runs missed
/// while the master was down are caught up once — one run, the latest — not one per miss.
struct ScheduleTimes: Sendable {
    /// More misses than this raise a warning (Kubernetes' `TooManyMissedTimes`).
    static let manyMissed = 100

    let expression: CronExpression
    let zone: TimeZone

    struct Due: Equatable, Sendable {
        let time: Date
        let manyMissed: Bool
    }

    /// nil when nothing is due.
    func mostRecent(since earliest: Date, now: Date) -> Due? {
        var last: Date?
        var t = earliest
        for _ in 0...Self.manyMissed {
            guard let next = expression.next(after: t, in: zone), next <= now else {
                return last.map { Due(time: $0, manyMissed: false) }
            }
            last = next
            t = next
        }
        // Many missed: look for the latest in widening windows before now, not one by one.
        for window: Double in [3600, 86400, 32 * 86400, 366 * 86400] {
            var t = max(earliest, now.addingTimeInterval(-window))
            var latest: Date?
            while let next = expression.next(after: t, in: zone), next <= now {
                latest = next
                t = next
            }
            if let latest { return Due(time: latest, manyMissed: true) }
        }
        return last.map { Due(time: $0, manyMissed: true) }
    }

    /// The run for `due` is too late to start.
    static func isTooLate(_ due: Date, deadlineSeconds: Int?, now: Date) -> Bool {
        guard let deadlineSeconds else { return false }
        return now.timeIntervalSince(due) > Double(deadlineSeconds)
    }

    /// Where to look from: the last scheduled time, or the creation; never earlier than the
    /// starting deadline allows.
    static func earliest(lastScheduled: Date?, created: Date, deadlineSeconds: Int?, now: Date) -> Date {
        let start = lastScheduled ?? created
        guard let deadlineSeconds else { return start }
        return max(start, now.addingTimeInterval(-Double(deadlineSeconds)))
    }

    /// The Job for a scheduled time has a fixed name, so a restarted master never starts it
    /// twice: `<cronjob>-<minutes since the epoch>`.
    static func jobName(_ cronJob: String, _ time: Date) -> String {
        cronJob + "-" + String(Int64(time.timeIntervalSince1970) / 60)
    }
}
