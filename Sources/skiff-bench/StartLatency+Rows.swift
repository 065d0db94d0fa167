import Foundation

extension StartLatency {
    /// skiff-init's row carries the goal (≤ 0.8× crun with cgroupfs, the configuration the
    /// design's comparison used); each runtime's row shows skiff-init's ratio to it as well.
    static func rows(_ samples: [String: Latencies], runs: Int, crun: Runtime?, runc: Runtime?, cgroupParent: String)
        -> [Row]
    {
        let title = "container start, /bin/true to exit, busybox, \(runs) runs:"
        guard let skiff = samples["skiff-init"] else { return [] }
        var goal = "≤ 0.8× crun: crun not installed"
        var anchor = "crun: not installed"
        if let crun, let measured = samples["crun"] {
            goal = "≤ 0.8× crun: " + verdict(skiff, measured, limit: 0.8)
            anchor = "\(crun.version), cgroupfs: \(Format.percentiles(measured)) (measured)"
        }
        var rows = [
            Row(
                "\(title) skiff-init run (overlay root, no cgroup)", measured: Format.percentiles(skiff), target: goal,
                anchor: anchor)
        ]
        let others: [(key: String, runtime: Runtime?, what: String)] = [
            ("crun", crun, "cgroupfs, cgroupsPath \(cgroupParent)/crun"),
            ("crun-nocg", crun, "--cgroup-manager=disabled (no cgroup, as skiff-init run)"),
            ("runc", runc, "cgroupfs, cgroupsPath \(cgroupParent)/runc"),
        ]
        for other in others {
            guard let runtime = other.runtime, let measured = samples[other.key] else { continue }
            rows.append(
                Row(
                    "\(title) \(runtime.version) run, \(other.what)", measured: Format.percentiles(measured),
                    target: "", anchor: "anchor, measured; skiff-init is " + ratios(skiff, measured)))
        }
        if runc == nil { rows.append(Row("\(title) runc", measured: "not installed", target: "", anchor: "")) }
        return rows
    }

    /// `p50 0.61×, p99 0.70× (met)`; met when both percentiles are within `limit`.
    static func verdict(_ skiff: Latencies, _ other: Latencies, limit: Double) -> String {
        let met = skiff.p50 <= limit * other.p50 && skiff.p99 <= limit * other.p99
        return ratios(skiff, other) + (met ? " (met)" : " (missed)")
    }

    static func ratios(_ skiff: Latencies, _ other: Latencies) -> String {
        String(format: "p50 %.2f×, p99 %.2f×", skiff.p50 / other.p50, skiff.p99 / other.p99)
    }
}
