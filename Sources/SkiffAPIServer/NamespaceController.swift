import Foundation
import Logging
import ServiceLifecycle
import SkiffAPI
import SkiffStore

/// Keeps namespaces whole: the built-in ones exist, each active namespace has a `default`
/// ServiceAccount, and a namespace being deleted is emptied (pods through graceful deletion)
/// before it goes. It runs in the master beside the API and writes through the same handlers.
public struct NamespaceController: Service {
    public static let builtIn = ["default", "kube-system", "kube-public", "kube-node-lease"]
    let server: APIServer
    let logger: Logger
    var interval: Duration = .milliseconds(500)

    public init(server: APIServer, logger: Logger) {
        self.server = server
        self.logger = logger
    }

    public func run() async throws {
        await bootstrap()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await reconcile()
            try? await Task.sleep(for: interval)
        }
    }

    func bootstrap() async {
        for name in Self.builtIn
        where server.store.get(key: Resources.namespaces.key(namespace: nil, name: name)) == nil {
            let namespace: JSON = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]
            do {
                _ = try await server.create(Resources.namespaces, namespace: nil, object: namespace)
            } catch {
                logger.error("cannot create namespace", metadata: ["namespace": "\(name)", "error": "\(error)"])
            }
        }
    }

    func reconcile() async {
        for stored in server.store.list(prefix: Resources.namespaces.keyPrefix).objects {
            guard let namespace = try? stored.decode(), let name = namespace[path: ["metadata", "name"]]?.string else {
                continue
            }
            if namespace[path: ["metadata", "deletionTimestamp"]]?.string != nil {
                await finalize(name)
            } else {
                await ensureServiceAccount(name)
            }
        }
    }

    private func ensureServiceAccount(_ namespace: String) async {
        let info = Resources.serviceAccounts
        guard server.store.get(key: info.key(namespace: namespace, name: "default")) == nil else { return }
        let account: JSON = [
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": ["name": "default", "namespace": .string(namespace)],
        ]
        do {
            _ = try await server.create(info, namespace: namespace, object: account)
        } catch  where error.code == .alreadyExists || error.code == .forbidden {
        } catch {
            logger.warning(
                "cannot create default service account", metadata: ["namespace": "\(namespace)", "error": "\(error)"])
        }
    }

    /// Deletes everything in the namespace; once nothing is left, the namespace itself.
    private func finalize(_ namespace: String) async {
        var remaining = 0
        for info in Resources.all where info.namespaced {
            for stored in server.store.list(prefix: info.listPrefix(namespace: namespace)).objects {
                remaining += 1
                guard let object = try? stored.decode(), let name = object[path: ["metadata", "name"]]?.string,
                    object[path: ["metadata", "deletionTimestamp"]] == nil
                else { continue }
                do {
                    _ = try await server.delete(
                        info, namespace: namespace, name: name,
                        options: try DeleteOptions(APIRequest(method: .delete, path: "")))
                } catch  where error.code == .notFound {
                } catch {
                    logger.warning(
                        "cannot delete object of terminating namespace",
                        metadata: ["namespace": "\(namespace)", "object": "\(stored.key)", "error": "\(error)"])
                }
            }
        }
        guard remaining == 0 else { return }
        let key = Resources.namespaces.key(namespace: nil, name: namespace)
        guard let stored = server.store.get(key: key), let object = try? stored.decode() else { return }
        if !(object[path: ["metadata", "finalizers"]]?.array ?? []).isEmpty {
            // Other finalizers remain: only drop ours and let their owners finish.
            var updated = object
            updated[path: ["spec", "finalizers"]] = []
            _ = try? await server.store.update(key: key, object: updated, expectedRevision: stored.revision)
            return
        }
        do {
            _ = try await server.store.delete(key: key, expectedRevision: stored.revision)
            logger.info("namespace deleted", metadata: ["namespace": "\(namespace)"])
        } catch {
            logger.debug("namespace delete retried", metadata: ["namespace": "\(namespace)", "error": "\(error)"])
        }
    }
}
