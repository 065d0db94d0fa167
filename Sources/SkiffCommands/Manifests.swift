import Foundation
import SkiffAPI
import SkiffYAML

/// Reads `-f` arguments: files, directories (their .yaml/.yml/.json files, sorted), or `-` for
/// standard input; multi-document YAML and `kind: List` both expand to their objects.
enum Manifests {
    static func load(_ paths: [String]) throws -> [(source: String, object: JSON)] {
        var result: [(String, JSON)] = []
        for path in paths {
            for (source, text) in try read(path) {
                let docs: [JSON]
                do {
                    docs = try YAML.documents(text)
                } catch {
                    throw CLIError("error parsing \(source): \(error.message)")
                }
                for doc in docs {
                    if doc["kind"]?.string?.hasSuffix("List") == true, let items = doc["items"]?.array {
                        result += items.map { (source, $0) }
                    } else {
                        result.append((source, doc))
                    }
                }
            }
        }
        return result
    }

    private static func read(_ path: String) throws -> [(String, String)] {
        if path == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            return [("STDIN", String(decoding: data, as: UTF8.self))]
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError("the path \"\(path)\" does not exist")
        }
        if isDirectory.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
            return try names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }.map {
                let file = (path as NSString).appendingPathComponent($0)
                return (file, try String(contentsOfFile: file, encoding: .utf8))
            }
        }
        return [(path, try String(contentsOfFile: path, encoding: .utf8))]
    }

    /// The resource of a manifest object, from its apiVersion and kind.
    static func resource(of object: JSON, source: String) throws -> ResourceInfo {
        let apiVersion = object["apiVersion"]?.string ?? ""
        let kind = object["kind"]?.string ?? ""
        guard !kind.isEmpty, !apiVersion.isEmpty else {
            throw CLIError("error validating \"\(source)\": apiVersion and kind are required in every object")
        }
        guard let info = Resources.find(apiVersion: apiVersion, kind: kind) else {
            throw CLIError(
                "resource mapping not found for kind \"\(kind)\" in version \"\(apiVersion)\" in \"\(source)\"")
        }
        return info
    }

    /// One object from `-f`, with the resource it belongs to and the namespace it goes in
    /// (its own `metadata.namespace`, else the command's).
    struct Target {
        var source: String
        var object: JSON
        var info: ResourceInfo
        var namespace: String?
    }

    static func targets(_ paths: [String], defaultNamespace: String) throws -> [Target] {
        try load(paths).map { source, object in
            let info = try resource(of: object, source: source)
            let namespace =
                info.namespaced ? (object[path: ["metadata", "namespace"]]?.string ?? defaultNamespace) : nil
            return Target(source: source, object: object, info: info, namespace: namespace)
        }
    }

    /// `deployment.apps/web`, as kubectl names objects in its output.
    static func displayName(_ info: ResourceInfo, _ name: String) -> String {
        let kind = info.kind.lowercased()
        return info.group.isEmpty ? "\(kind)/\(name)" : "\(kind).\(info.group)/\(name)"
    }
}
