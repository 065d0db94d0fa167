import Foundation
import SkiffAPI
import Testing

@testable import SkiffControllers

/// The CronJob controller's pure parts: the times a schedule names (robfig's day rule, time
/// zones, descriptors), which missed time runs after a pause, the Job's name and template,
/// and the status it reports.
@Suite("cron job logic")
struct CronJobLogicTests {
    static let utc = TimeZone(identifier: "UTC")!

    static func expression(_ schedule: String) throws -> CronExpression {
        try CronSchedule.parse(schedule).get()
    }

    static func at(_ text: String) -> Date { RFC3339.parse(text)! }

    @Test("next times: steps, ranges, names, descriptors, and days by robfig's rule")
    func nextTimes() throws {
        let start = Self.at("2026-11-22T10:07:30Z")  // a Sunday
        let cases: [(String, String)] = [
            ("*/1 * * * *", "2026-11-22T10:08:00Z"),
            ("*/15 * * * *", "2026-11-22T10:15:00Z"),
            ("5 * * * *", "2026-11-22T11:05:00Z"),
            ("0 9-17/4 * * MON-FRI", "2026-11-23T09:00:00Z"),
            ("@hourly", "2026-11-22T11:00:00Z"),
            ("@daily", "2026-11-23T00:00:00Z"),
            ("@monthly", "2026-12-01T00:00:00Z"),
            ("@yearly", "2027-01-01T00:00:00Z"),
            ("0 0 29 feb *", "2028-02-29T00:00:00Z"),
            // Both day fields restricted: either matches (the 1st, or a Wednesday).
            ("0 0 1 * wed", "2026-11-25T00:00:00Z"),
            // One of them a star: both must match (a Wednesday that is also any day).
            ("0 0 * * wed", "2026-11-25T00:00:00Z"),
            ("0 0 1 * *", "2026-12-01T00:00:00Z"),
        ]
        for (schedule, expected) in cases {
            let next = try Self.expression(schedule).next(after: start, in: Self.utc)
            #expect(next.map(RFC3339.format) == expected, "\(schedule)")
        }
        #expect(try Self.expression("0 0 30 2 *").next(after: start, in: Self.utc) == nil)
    }

    @Test("a time zone moves the hour; the scheduled timestamp is written in it")
    func zones() throws {
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        let next = try Self.expression("0 9 * * *").next(after: Self.at("2026-11-22T10:07:30Z"), in: tokyo)
        #expect(next.map(RFC3339.format) == "2026-11-23T00:00:00Z")
        #expect(next.map { RFC3339.format($0, in: tokyo) } == "2026-11-23T09:00:00+09:00")
        // The night the clocks go back, 02:30 comes twice: the first one runs.
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        let afterChange = try Self.expression("30 2 * * *").next(after: Self.at("2026-10-24T12:00:00Z"), in: berlin)
        #expect(afterChange.map(RFC3339.format) == "2026-10-25T00:30:00Z")  // its first occurrence
    }

    @Test("after a pause only the latest missed time runs; a starting deadline can skip it")
    func missed() throws {
        let times = ScheduleTimes(expression: try Self.expression("*/5 * * * *"), zone: Self.utc)
        let now = Self.at("2026-11-22T10:07:30Z")
        #expect(times.mostRecent(since: Self.at("2026-11-22T10:06:00Z"), now: now) == nil)
        let due = times.mostRecent(since: Self.at("2026-11-22T09:00:00Z"), now: now)
        #expect(due == .init(time: Self.at("2026-11-22T10:05:00Z"), manyMissed: false))
        let long = times.mostRecent(since: Self.at("2026-11-01T00:00:00Z"), now: now)
        #expect(long == .init(time: Self.at("2026-11-22T10:05:00Z"), manyMissed: true))
        #expect(ScheduleTimes.isTooLate(Self.at("2026-11-22T10:05:00Z"), deadlineSeconds: 60, now: now))
        #expect(!ScheduleTimes.isTooLate(Self.at("2026-11-22T10:05:00Z"), deadlineSeconds: 200, now: now))
        #expect(!ScheduleTimes.isTooLate(Self.at("2026-11-22T10:05:00Z"), deadlineSeconds: nil, now: now))
        let earliest = ScheduleTimes.earliest(
            lastScheduled: nil, created: Self.at("2026-11-01T00:00:00Z"), deadlineSeconds: 600, now: now)
        #expect(earliest == Self.at("2026-11-22T09:57:30Z"))
        #expect(ScheduleTimes.jobName("report", Self.at("2026-11-22T10:05:00Z")) == "report-29922365")
    }

    @Test("a Job from the template: fixed name, labels, scheduled timestamp, owner")
    func jobFromTemplate() {
        let cronJob: JSON = [
            "metadata": ["name": "report", "namespace": "ops", "uid": "cj1"],
            "spec": [
                "jobTemplate": [
                    "metadata": ["labels": ["team": "a"]],
                    "spec": ["template": ["spec": ["restartPolicy": "Never"]]],
                ]
            ],
        ]
        let time = Self.at("2026-11-22T10:05:00Z")
        let job = CronJobController.job(for: cronJob, name: "report-29922365", time: time, zone: Self.utc)
        #expect(job[path: ["metadata", "name"]] == "report-29922365")
        #expect(job[path: ["metadata", "namespace"]] == "ops")
        #expect(job[path: ["metadata", "labels", "team"]] == "a")
        #expect(job[path: ["metadata", "annotations", CronJobController.scheduledTimestamp]] == "2026-11-22T10:05:00Z")
        #expect(ControllerRef.of(job)?.uid == "cj1")
        #expect(job[path: ["spec", "template", "spec", "restartPolicy"]] == "Never")
    }

    @Test("status: running Jobs keep their first reference, finished ones leave and may set the last success")
    func status() {
        let job = { (name: String, uid: String, condition: String?, rv: String) -> JSON in
            var job: JSON = [
                "metadata": [
                    "name": .string(name), "namespace": "ops", "uid": .string(uid), "resourceVersion": .string(rv),
                ]
            ]
            if let condition {
                job["status"] = [
                    "conditions": [["type": .string(condition), "status": "True"]],
                    "completionTime": "2026-11-22T10:06:00Z",
                ]
            }
            return job
        }
        let cronJob: JSON = [
            "status": [
                "active": [
                    ["name": "a", "uid": "ua", "resourceVersion": "1"],
                    ["name": "b", "uid": "ub", "resourceVersion": "1"],
                ],
                "lastScheduleTime": "2026-11-22T10:05:00Z",
            ]
        ]
        let status = CronJobStatus(
            cronJob, jobs: [job("a", "ua", nil, "7"), job("b", "ub", "Complete", "8"), job("c", "uc", nil, "9")])
        #expect(status.active.map { CronJobStatus.reference($0)["name"]?.string } == ["a", "c"])
        #expect(status.fields["active"]?.array?.first?["resourceVersion"] == "1")
        #expect(status.newlyFinished.map { $0[path: ["metadata", "name"]]?.string } == ["b"])
        #expect(status.lastSuccessfulTime == Self.at("2026-11-22T10:06:00Z"))
        #expect(status.fields["lastScheduleTime"] == "2026-11-22T10:05:00Z")
    }
}
