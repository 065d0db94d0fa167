import Testing

@testable import SkiffAPI

/// Parses a JSON literal written in a test (private: other test files may have their own helper).
private func json(_ text: String) throws -> JSON {
    try JSON.parse(text)
}

@Suite("Strategic merge patch")
struct StrategicMergePatchTests {
    /// A Deployment as the server stores it after `kubectl apply`, with defaulted fields.
    let deployment = #"""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","namespace":"default","labels":{"app":"web","tier":"front"},
           "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"},"finalizers":["a"]},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
           "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
           "template":{"metadata":{"labels":{"app":"web"}},"spec":{
             "containers":[
               {"name":"web","image":"busybox:1.35","args":["sleep","3600"],
                "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
                "ports":[{"containerPort":80,"protocol":"TCP"}],
                "imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log"},
               {"name":"sidecar","image":"envoy:1"}],
             "tolerations":[{"key":"k","operator":"Exists"}],
             "volumes":[{"name":"data","emptyDir":{}}],
             "restartPolicy":"Always"}}}}
        """#

    func patch(_ target: String, _ patch: String, kind: String = "Deployment") throws -> JSON {
        try StrategicMergePatch.apply(try json(patch), to: try json(target), kind: kind)
    }

    func failure(_ target: String, _ patch: String, kind: String = "Deployment") throws -> SkiffError? {
        let object = try json(target)
        let document = try json(patch)
        return #expect(throws: SkiffError.self) { try StrategicMergePatch.apply(document, to: object, kind: kind) }
    }

    func containers(_ object: JSON) -> [JSON] {
        object[path: ["spec", "template", "spec", "containers"]]?.array ?? []
    }

    @Test("kubectl apply's image update patch changes only the image and the last-applied annotation")
    func kubectlApplyImageUpdate() throws {
        let result = try patch(
            deployment,
            #"{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"kind\":\"Deployment\"}\n"}},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"}],"containers":[{"image":"busybox:1.36","name":"web"}]}}}}"#
        )
        let list = containers(result)
        #expect(list.map { $0["name"] } == ["web", "sidecar"])
        #expect(list.first?["image"] == "busybox:1.36")
        #expect(list.first?["args"] == ["sleep", "3600"])
        #expect(list.first?["terminationMessagePath"] == "/dev/termination-log")
        #expect(list.last?["image"] == "envoy:1")
        #expect(
            result[path: ["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"]]
                == "{\"kind\":\"Deployment\"}\n")
        #expect(result[path: ["metadata", "labels"]] == (try json(#"{"app":"web","tier":"front"}"#)))
        #expect(result["$setElementOrder/containers"] == nil)
    }

    @Test("kubectl apply removing a container sends $patch: delete, which removes only that container")
    func deleteContainer() throws {
        let result = try patch(
            deployment,
            #"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"}],"containers":[{"$patch":"delete","name":"sidecar"}]}}}}"#
        )
        #expect(containers(result).map { $0["name"] } == ["web"])
        #expect(containers(result).first?["image"] == "busybox:1.35")
    }

    @Test("env merges by name: values change, new names are added, $patch delete removes, others stay")
    func envMergeByName() throws {
        let result = try patch(
            deployment,
            #"{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"B","value":"20"},{"name":"C","value":"3"},{"name":"A","$patch":"delete"}]}]}}}}"#
        )
        let env = containers(result).first?["env"]
        #expect(env == (try json(#"[{"name":"B","value":"20"},{"name":"C","value":"3"}]"#)))
        #expect(containers(result).count == 2)
    }

    @Test("a new env var patched in without $setElementOrder goes first, as Kubernetes orders it")
    func newElementOrder() throws {
        let result = try patch(
            deployment,
            #"{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"Z","value":"9"}]}]}}}}"#)
        #expect(containers(result).first?["env"]?.array?.map { $0["name"] } == ["Z", "A", "B"])
    }

    @Test("args and tolerations have no merge key and are replaced whole")
    func atomicLists() throws {
        let result = try patch(
            deployment,
            #"{"spec":{"template":{"spec":{"tolerations":[{"key":"other","operator":"Exists"}],"containers":[{"name":"web","args":["echo"]}]}}}}"#
        )
        #expect(containers(result).first?["args"] == ["echo"])
        #expect(
            result[path: ["spec", "template", "spec", "tolerations"]]
                == (try json(#"[{"key":"other","operator":"Exists"}]"#)))
    }

    @Test("null deletes a label and leaves the other labels")
    func nullDeletesLabel() throws {
        let result = try patch(deployment, #"{"metadata":{"labels":{"tier":null,"new":"x"}}}"#)
        #expect(result[path: ["metadata", "labels"]] == (try json(#"{"app":"web","new":"x"}"#)))
    }

    @Test("kubectl rollout restart's patch adds a template annotation")
    func rolloutRestart() throws {
        let result = try patch(
            deployment,
            #"{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2024-05-01T10:00:00Z"}}}}}"#
        )
        #expect(
            result[path: ["spec", "template", "metadata", "annotations", "kubectl.kubernetes.io/restartedAt"]]
                == "2024-05-01T10:00:00Z")
        #expect(result[path: ["spec", "template", "metadata", "labels", "app"]] == "web")
    }

    @Test("$retainKeys drops rollingUpdate when the strategy switches to Recreate")
    func retainKeys() throws {
        let result = try patch(deployment, #"{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}"#)
        #expect(result[path: ["spec", "strategy"]] == (try json(#"{"type":"Recreate"}"#)))
        let error = try failure(deployment, #"{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{}}}}"#)
        #expect(error?.code == .badRequest)
    }

    @Test("$patch: replace in a map replaces the map; $patch: delete removes it")
    func mapDirectives() throws {
        let replaced = try patch(deployment, #"{"spec":{"selector":{"$patch":"replace","matchLabels":{"app":"v2"}}}}"#)
        #expect(replaced[path: ["spec", "selector"]] == (try json(#"{"matchLabels":{"app":"v2"}}"#)))
        let deleted = try patch(deployment, #"{"spec":{"strategy":{"$patch":"delete"}}}"#)
        #expect(deleted[path: ["spec", "strategy"]] == nil)
        #expect(deleted[path: ["spec", "replicas"]] == 1)
    }

    @Test("a {$patch: replace} list element replaces the whole keyed list")
    func listReplace() throws {
        let result = try patch(
            deployment,
            #"{"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"x"}]}}}}"#)
        #expect(containers(result) == [try json(#"{"name":"only","image":"x"}"#)])
    }

    @Test("$setElementOrder reorders the merged list and server-only elements keep their place")
    func setElementOrder() throws {
        let swapped = try patch(
            deployment,
            #"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"web"}]}}}}"#)
        #expect(containers(swapped).map { $0["name"] } == ["sidecar", "web"])
        let pod = #"{"spec":{"containers":[{"name":"injected"},{"name":"a"},{"name":"b"}]}}"#
        let ordered = try patch(
            pod, #"{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}]}}"#, kind: "Pod")
        #expect(ordered[path: ["spec", "containers"]]?.array?.map { $0["name"] } == ["injected", "b", "a"])
    }

    @Test("finalizers merge as a set and $deleteFromPrimitiveList removes values")
    func finalizers() throws {
        let added = try patch(deployment, #"{"metadata":{"finalizers":["a","b"]}}"#)
        #expect(added[path: ["metadata", "finalizers"]] == ["a", "b"])
        let removed = try patch(
            #"{"metadata":{"finalizers":["a","b","c"]}}"#,
            #"{"metadata":{"$setElementOrder/finalizers":["a","c"],"$deleteFromPrimitiveList/finalizers":["b"]}}"#,
            kind: "ConfigMap")
        #expect(removed[path: ["metadata", "finalizers"]] == ["a", "c"])
    }

    @Test("container ports merge by containerPort and Service ports by port")
    func portsDependOnPlace() throws {
        let result = try patch(
            deployment,
            #"{"spec":{"template":{"spec":{"containers":[{"name":"web","ports":[{"containerPort":80,"name":"http"}]}]}}}}"#
        )
        #expect(
            containers(result).first?["ports"] == (try json(#"[{"containerPort":80,"protocol":"TCP","name":"http"}]"#)))

        let service =
            #"{"kind":"Service","spec":{"selector":{"app":"web"},"ports":[{"port":80,"targetPort":8080},{"port":443}]}}"#
        let patched = try patch(service, #"{"spec":{"ports":[{"port":80,"targetPort":9090}]}}"#, kind: "Service")
        #expect(patched[path: ["spec", "ports"]] == (try json(#"[{"port":80,"targetPort":9090},{"port":443}]"#)))
        #expect(patched[path: ["spec", "selector", "app"]] == "web")
    }

    @Test("a CronJob's job template containers merge by name")
    func cronJobTemplate() throws {
        let cronJob =
            #"{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"job","image":"a","command":["x"]}]}}}}}}"#
        let result = try patch(
            cronJob,
            #"{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"job","image":"b"}]}}}}}}"#,
            kind: "CronJob")
        let container = result[path: ["spec", "jobTemplate", "spec", "template", "spec", "containers"]]?.array?.first
        #expect(container == (try json(#"{"name":"job","image":"b","command":["x"]}"#)))
    }

    @Test("pod status conditions merge by type and ownerReferences by uid")
    func conditionsAndOwners() throws {
        let pod = #"""
            {"metadata":{"ownerReferences":[{"uid":"u1","name":"rs1"}]},
             "status":{"conditions":[{"type":"Ready","status":"False"},{"type":"PodScheduled","status":"True"}]}}
            """#
        let result = try patch(
            pod,
            #"{"metadata":{"ownerReferences":[{"uid":"u2","name":"rs2"}]},"status":{"conditions":[{"type":"Ready","status":"True"}]}}"#,
            kind: "Pod")
        #expect(
            result[path: ["status", "conditions"]]
                == (try json(#"[{"type":"Ready","status":"True"},{"type":"PodScheduled","status":"True"}]"#)))
        #expect(
            result[path: ["metadata", "ownerReferences"]]?.array?.compactMap { $0["uid"]?.string }.sorted() == [
                "u1", "u2",
            ])
    }

    @Test("node addresses merge by type while taints and Endpoints subsets are replaced whole")
    func nodeAndEndpoints() throws {
        let node =
            #"{"spec":{"taints":[{"key":"a","effect":"NoSchedule"}]},"status":{"addresses":[{"type":"InternalIP","address":"10.0.0.1"},{"type":"Hostname","address":"n1"}]}}"#
        let result = try patch(
            node,
            #"{"spec":{"taints":[{"key":"b","effect":"NoSchedule"}]},"status":{"addresses":[{"type":"InternalIP","address":"10.0.0.2"}]}}"#,
            kind: "Node")
        #expect(result[path: ["spec", "taints"]] == (try json(#"[{"key":"b","effect":"NoSchedule"}]"#)))
        #expect(result[path: ["status", "addresses"]]?.array?.count == 2)
        #expect(result[path: ["status", "addresses"]]?.array?.first?["address"] == "10.0.0.2")

        let endpoints = #"{"subsets":[{"addresses":[{"ip":"1.1.1.1"}],"ports":[{"port":80}]}]}"#
        let replaced = try patch(endpoints, #"{"subsets":[{"addresses":[{"ip":"2.2.2.2"}]}]}"#, kind: "Endpoints")
        #expect(replaced["subsets"] == (try json(#"[{"addresses":[{"ip":"2.2.2.2"}]}]"#)))
    }

    @Test("values added where nothing was are stored without nulls or directives")
    func newValuesAreCleaned() throws {
        let result = try patch(
            #"{"kind":"ConfigMap","metadata":{"name":"c"}}"#,
            #"{"data":{"k":"v","gone":null},"metadata":{"labels":{"$patch":"replace","a":"b"}}}"#, kind: "ConfigMap")
        #expect(
            result == (try json(#"{"kind":"ConfigMap","metadata":{"name":"c","labels":{"a":"b"}},"data":{"k":"v"}}"#)))
    }

    @Test("malformed patches are 400 Bad Request, not crashes")
    func malformedPatches() throws {
        for bad in [
            #"["not","an","object"]"#,
            #"{"spec":{"template":{"spec":{"containers":[{"image":"no-name"}]}}}}"#,
            #"{"spec":{"template":{"spec":{"containers":[{"name":"web","$patch":"explode"}]}}}}"#,
            #"{"spec":{"template":{"spec":{"containers":["web"]}}}}"#,
            #"{"spec":{"$patch":"merge"}}"#,
            #"{"spec":{"template":{"spec":{"$setElementOrder/containers":"web"}}}}"#,
            #"{"metadata":{"$deleteFromPrimitiveList/finalizers":"a"}}"#,
        ] {
            #expect(try failure(deployment, bad)?.code == .badRequest, "\(bad)")
        }
    }

    @Test("a top-level $patch: delete empties the object")
    func topLevelDelete() throws {
        #expect(try patch(deployment, #"{"$patch":"delete"}"#) == .emptyObject)
    }
}

@Suite("Patch strategy table")
struct PatchStrategyTests {
    @Test("merge keys follow the k8s.io/api struct tags for the field and where it is")
    func table() {
        let template = ["spec", "template", "spec"]
        #expect(PatchStrategy.strategy(kind: "Deployment", path: template + ["containers"]) == .mergeByKey("name"))
        #expect(
            PatchStrategy.strategy(kind: "Deployment", path: template + ["initContainers", "volumeMounts"])
                == .mergeByKey("mountPath"))
        #expect(
            PatchStrategy.strategy(kind: "Pod", path: ["spec", "containers", "volumeDevices"])
                == .mergeByKey("devicePath"))
        #expect(PatchStrategy.strategy(kind: "Pod", path: ["spec", "hostAliases"]) == .mergeByKey("ip"))
        #expect(
            PatchStrategy.strategy(kind: "Pod", path: ["spec", "topologySpreadConstraints"])
                == .mergeByKey("topologyKey"))
        #expect(PatchStrategy.strategy(kind: "Pod", path: ["spec", "imagePullSecrets"]) == .mergeByKey("name"))
        #expect(PatchStrategy.strategy(kind: "Pod", path: ["spec", "containers", "envFrom"]) == .atomic)
        #expect(PatchStrategy.strategy(kind: "Pod", path: ["spec", "tolerations"]) == .atomic)
        #expect(PatchStrategy.strategy(kind: "Service", path: ["spec", "ports"]) == .mergeByKey("port"))
        #expect(PatchStrategy.strategy(kind: "Pod", path: ["spec", "ports"]) == .atomic)
        #expect(PatchStrategy.strategy(kind: "Node", path: ["spec", "podCIDRs"]) == .mergeSet)
        #expect(PatchStrategy.strategy(kind: "Namespace", path: ["spec", "finalizers"]) == .atomic)
        #expect(PatchStrategy.strategy(kind: "Namespace", path: ["status", "conditions"]) == .mergeByKey("type"))
        #expect(PatchStrategy.strategy(kind: "Job", path: ["spec", "template", "metadata", "finalizers"]) == .mergeSet)
    }
}
