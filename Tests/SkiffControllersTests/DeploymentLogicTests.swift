import SkiffAPI
import Testing

@testable import SkiffControllers

/// A Deployment's arithmetic and template identity.
@Suite("deployment logic")
struct DeploymentLogicTests {
    @Test("maxSurge rounds up, maxUnavailable down; both zero means one may be unavailable")
    func resolving() {
        let defaults = RolloutPlan(replicas: 3, rollingUpdate: nil)
        #expect(defaults.maxSurge == 1 && defaults.maxUnavailable == 0)
        let ten = RolloutPlan(replicas: 10, rollingUpdate: ["maxSurge": "25%", "maxUnavailable": "25%"])
        #expect(ten.maxSurge == 3 && ten.maxUnavailable == 2)
        let numbers = RolloutPlan(replicas: 4, rollingUpdate: ["maxSurge": 0, "maxUnavailable": 0])
        #expect(numbers.maxSurge == 0 && numbers.maxUnavailable == 1)
        #expect(RolloutPlan(replicas: 2, rollingUpdate: ["maxUnavailable": 5]).maxUnavailable == 2)
    }

    @Test("a rolling update of 3 (surge 1, unavailable 0) never has fewer than 3 available")
    func rollingSteps() {
        let plan = RolloutPlan(replicas: 3, rollingUpdate: nil)
        // Start: old 3 available, new 0.
        #expect(plan.newReplicaSetSize(current: 0, allReplicas: 3) == 1)
        // New has 1 not yet available: nothing old may go.
        #expect(plan.oldSizes([(3, 3)], newReplicas: 1, newAvailable: 0) == [3])
        // Once it is available, one old goes.
        #expect(plan.oldSizes([(3, 3)], newReplicas: 1, newAvailable: 1) == [2])
        #expect(plan.newReplicaSetSize(current: 1, allReplicas: 3) == 2)
        #expect(plan.newReplicaSetSize(current: 3, allReplicas: 3) == 3)
        #expect(plan.newReplicaSetSize(current: 5, allReplicas: 6) == 3, "scaled down to the Deployment's size")
    }

    @Test("unavailable old replicas go first, so rolling back a broken rollout cannot stall")
    func brokenOldReplicas() {
        let plan = RolloutPlan(replicas: 3, rollingUpdate: nil)
        // Rolled back: the good ReplicaSet (3, all available) is current; the broken one has 1, unavailable.
        #expect(plan.oldSizes([(1, 0)], newReplicas: 3, newAvailable: 3) == [0])
        // Oldest first, and never below the minimum available.
        let wide = RolloutPlan(replicas: 4, rollingUpdate: ["maxSurge": 1, "maxUnavailable": 1])
        #expect(wide.oldSizes([(2, 2), (2, 2)], newReplicas: 1, newAvailable: 1) == [0, 2])
    }

    @Test("templates equal but for the hash label, nulls and empty objects are the same template")
    func templateIdentity() {
        let template: JSON = [
            "metadata": ["labels": ["app": "web"]],
            "spec": ["containers": [["name": "main", "image": "busybox"]]],
        ]
        var patched = template
        patched[path: ["metadata", "creationTimestamp"]] = .null
        patched[path: ["metadata", "labels", "pod-template-hash"]] = "abc"
        patched[path: ["spec", "containers"]] = [["name": "main", "image": "busybox", "resources": [:]]]
        #expect(PodTemplateHash.equalIgnoringHash(template, patched))
        var changed = template
        changed[path: ["spec", "containers"]] = [["name": "main", "image": "skiff-test"]]
        #expect(!PodTemplateHash.equalIgnoringHash(template, changed))
        #expect(PodTemplateHash.hash(template) == PodTemplateHash.hash(patched))
        #expect(PodTemplateHash.hash(template) != PodTemplateHash.hash(changed))
        #expect(PodTemplateHash.hash(template) != PodTemplateHash.hash(template, collisionCount: 1))
        #expect(PodTemplateHash.hash(template).allSatisfy { PodTemplateHash.alphabet.contains($0) })
    }
}
