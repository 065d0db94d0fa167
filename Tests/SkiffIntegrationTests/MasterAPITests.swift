import Foundation
import SkiffAPI
import SkiffClient
import Testing

@Suite("skiffd master over its Unix socket and HTTPS")
struct MasterAPITests {
    let pods = Resources.named("pods")

    @Test("create, get, list with a set-based selector, update, delete over the Unix socket")
    func crudOverSocket() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let created = try await client.create(
                pods, namespace: "default", object: podManifest("a", labels: ["env": "prod"]))
            #expect(created[path: ["metadata", "uid"]]?.string?.isEmpty == false)
            #expect(created[path: ["status", "phase"]] == "Pending")
            #expect(created[path: ["spec", "restartPolicy"]] == "Always")  // defaulted
            _ = try await client.create(pods, namespace: "default", object: podManifest("b", labels: ["env": "qa"]))
            _ = try await client.create(pods, namespace: "default", object: podManifest("c", labels: ["env": "dev"]))
            let selected = try await client.list(pods, namespace: "default", labelSelector: "env in (prod,qa)")
            #expect(Set(selected.items.compactMap { $0[path: ["metadata", "name"]]?.string }) == ["a", "b"])

            var updated = try await client.get(pods, namespace: "default", name: "a")
            updated[path: ["metadata", "labels", "tier"]] = "web"
            let after = try await client.update(pods, namespace: "default", object: updated)
            #expect(after[path: ["metadata", "labels", "tier"]] == "web")
            // The stale resourceVersion of the first read now conflicts.
            do {
                _ = try await client.update(pods, namespace: "default", object: updated)
                Issue.record("stale update accepted")
            } catch let error as SkiffError {
                #expect(error.code == .conflict)
                #expect(error.message.contains("the object has been modified"))
            }
            // Unbound pods have no agent to wait for: deleted at once.
            try await client.delete(pods, namespace: "default", name: "a")
            await #expect(throws: SkiffError.self) { _ = try await client.get(pods, namespace: "default", name: "a") }
        }
    }

    @Test("a watch from the list's resourceVersion sees ADDED, MODIFIED and DELETED in order")
    func watchOverSocket() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let (_, rv) = try await client.list(pods, namespace: "default")
            // 300 s is a bound, not an expectation: CI runs many masters at once.
            let events = client.watch(pods, namespace: "default", resourceVersion: rv, timeoutSeconds: 300)
            let collector = Task {
                var seen: [String] = []
                for try await event in events {
                    seen.append("\(event.type) \(event.object[path: ["metadata", "name"]]?.string ?? "")")
                    if seen.count == 3 { break }
                }
                return seen
            }
            _ = try await client.create(pods, namespace: "default", object: podManifest("w", unscheduled: true))
            _ = try await client.patch(
                pods, namespace: "default", name: "w", patch: ["metadata": ["labels": ["x": "1"]]])
            try await client.delete(pods, namespace: "default", name: "w")
            #expect(try await collector.value == ["ADDED w", "MODIFIED w", "DELETED w"])
        }
    }

    @Test("HTTPS with the kubeconfig's CA and token works; without the token it is 401 Unauthorized")
    func httpsAndToken() async throws {
        try await withMaster { master in
            let client = try master.tcpClient()
            _ = try await client.create(pods, namespace: "default", object: podManifest("tls"))
            #expect(try await client.get(pods, namespace: "default", name: "tls")[path: ["metadata", "name"]] == "tls")

            guard case .https(let url, let ca, _) = client.endpoint else {
                Issue.record("kubeconfig is not https")
                return
            }
            #expect(url.hasPrefix("https://127.0.0.1:"))
            let anonymous = try APIClient(endpoint: .https(url: url, caPEM: ca, token: nil))
            do {
                _ = try await anonymous.get(pods, namespace: "default", name: "tls")
                Issue.record("request without a token succeeded")
            } catch let error as SkiffError {
                #expect(error.code == .unauthorized)
            }
            let wrong = try APIClient(endpoint: .https(url: url, caPEM: ca, token: "not-the-token"))
            await #expect(throws: SkiffError.self) { _ = try await wrong.send("GET", "/api/v1/namespaces") }
        }
    }

    @Test("the socket is mode 0660 and the keys and token are 0600")
    func fileModes() async throws {
        try await withMaster { master in
            func mode(_ path: String) throws -> Int {
                (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
            }
            let socketMode = try mode(master.socketPath)
            #expect(socketMode == 0o660)
            for file in ["ca.key", "server.key", "token", "kubeconfig"] {
                let fileMode = try mode(master.directory + "/" + file)
                #expect(fileMode == 0o600, "\(file)")
            }
        }
    }

    @Test("built-in namespaces and a default ServiceAccount per namespace exist")
    func namespacesAndServiceAccounts() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let names = try await client.list(Resources.named("ns"), namespace: nil).items.compactMap {
                $0[path: ["metadata", "name"]]?.string
            }
            #expect(Set(names).isSuperset(of: ["default", "kube-system", "kube-public", "kube-node-lease"]))
            _ = try await client.create(
                Resources.named("ns"), namespace: nil,
                object: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "team"]])
            var found = false
            for _ in 0..<600 where !found {  // up to 60 s under a loaded CI machine
                found = (try? await client.get(Resources.named("sa"), namespace: "team", name: "default")) != nil
                if !found { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(found)
        }
    }

    @Test("deleting a namespace refuses new objects in it, removes its contents, then the namespace")
    func namespaceDeletion() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let ns = Resources.named("ns")
            _ = try await client.create(
                ns, namespace: nil, object: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "gone"]])
            _ = try await client.create(pods, namespace: "gone", object: podManifest("p"))
            _ = try await client.create(
                Resources.named("cm"), namespace: "gone",
                object: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c"], "data": ["k": "v"]])
            let deleting = try await client.delete(ns, namespace: nil, name: "gone")
            #expect(deleting[path: ["status", "phase"]] == "Terminating")
            var stillThere = true
            for _ in 0..<600 where stillThere {  // up to 60 s under a loaded CI machine
                stillThere = (try? await client.get(ns, namespace: nil, name: "gone")) != nil
                if stillThere {
                    do {
                        _ = try await client.create(pods, namespace: "gone", object: podManifest("late"))
                        Issue.record("created a pod in a terminating namespace")
                    } catch let error as SkiffError {
                        #expect(error.code == .forbidden || error.code == .notFound)
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(!stillThere)
            #expect(try await client.list(pods, namespace: "gone").items.isEmpty)
        }
    }

    @Test("a pod bound to an existing node is deleted gracefully; grace 0 removes it at once")
    func gracefulPodDeletion() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            _ = try await client.create(
                Resources.named("nodes"), namespace: nil,
                object: ["apiVersion": "v1", "kind": "Node", "metadata": ["name": "n1"]])
            _ = try await client.create(pods, namespace: "default", object: podManifest("g"))
            try await client.send(
                "POST", "/api/v1/namespaces/default/pods/g/binding",
                body: [
                    "apiVersion": "v1", "kind": "Binding", "metadata": ["name": "g"],
                    "target": ["kind": "Node", "name": "n1"],
                ])
            let bound = try await client.get(pods, namespace: "default", name: "g")
            #expect(bound[path: ["spec", "nodeName"]] == "n1")

            let marked = try await client.delete(pods, namespace: "default", name: "g")
            #expect(marked[path: ["metadata", "deletionTimestamp"]]?.string != nil)
            #expect(marked[path: ["metadata", "deletionGracePeriodSeconds"]] == .int(30))
            #expect(try await client.get(pods, namespace: "default", name: "g")[path: ["metadata", "name"]] == "g")

            try await client.delete(pods, namespace: "default", name: "g", options: ["gracePeriodSeconds": 0])
            await #expect(throws: SkiffError.self) { _ = try await client.get(pods, namespace: "default", name: "g") }
            // Logs and exec need the node's agent, which does not exist yet.
            _ = try await client.create(pods, namespace: "default", object: podManifest("h"))
            try await client.send(
                "POST", "/api/v1/namespaces/default/pods/h/binding",
                body: [
                    "apiVersion": "v1", "kind": "Binding", "metadata": ["name": "h"],
                    "target": ["kind": "Node", "name": "n1"],
                ])
            do {
                try await client.send("GET", "/api/v1/namespaces/default/pods/h/log", accept: "*/*")
                Issue.record("log served without an agent")
            } catch let error as SkiffError {
                #expect(error.code == .serviceUnavailable)
                #expect(error.message.contains("no agent serves node \"n1\""))
            }
        }
    }

    @Test("Foreground and Orphan deletion are recorded as finalizers; removing them deletes the object")
    func propagationFinalizers() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let cm = Resources.named("cm")
            _ = try await client.create(
                cm, namespace: "default", object: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "f"]])
            let marked = try await client.delete(
                cm, namespace: "default", name: "f", options: ["propagationPolicy": "Foreground"])
            #expect(marked[path: ["metadata", "finalizers"]] == ["foregroundDeletion"])
            #expect(marked[path: ["metadata", "deletionTimestamp"]]?.string != nil)
            _ = try await client.patch(cm, namespace: "default", name: "f", patch: ["metadata": ["finalizers": nil]])
            await #expect(throws: SkiffError.self) { _ = try await client.get(cm, namespace: "default", name: "f") }
        }
    }
}
