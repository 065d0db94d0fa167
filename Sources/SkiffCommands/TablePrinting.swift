import Foundation
import SkiffAPI
import SkiffClient
import SkiffYAML

/// Prints objects the way kubectl does: server-side Tables for humans, or yaml/json/name.
struct OutputFormat {
    enum Mode { case table, wide, yaml, json, name }
    var mode: Mode

    init(_ text: String?) throws {
        switch text {
        case nil, "": mode = .table
        case "wide": mode = .wide
        case "yaml": mode = .yaml
        case "json": mode = .json
        case "name": mode = .name
        default:
            throw CLIError(
                "unable to match a printer suitable for the output format \"\(text ?? "")\", allowed formats are: json,name,wide,yaml"
            )
        }
    }
}

enum TableText {
    static let tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"

    /// Formats a server Table: priority-0 columns (all with wide), upper-case headers, columns
    /// padded and separated by three spaces, an optional NAMESPACE column first.
    static func render(_ table: JSON, wide: Bool, withNamespace: Bool, header: Bool = true) -> [String] {
        let columns = (table["columnDefinitions"]?.array ?? [])
        let shown = columns.enumerated().filter { wide || ($0.element["priority"]?.int ?? 0) == 0 }.map(\.offset)
        var rows: [[String]] = []
        if header {
            var h = shown.map { (columns[$0]["name"]?.string ?? "").uppercased() }
            if withNamespace { h.insert("NAMESPACE", at: 0) }
            rows.append(h)
        }
        for row in table["rows"]?.array ?? [] {
            let cells = row["cells"]?.array ?? []
            var r = shown.map { $0 < cells.count ? text(cells[$0]) : "" }
            if withNamespace { r.insert(row[path: ["object", "metadata", "namespace"]]?.string ?? "", at: 0) }
            rows.append(r)
        }
        return align(rows)
    }

    static func text(_ cell: JSON) -> String {
        switch cell {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): b ? "true" : "false"
        case .null: "<none>"
        default: cell.serializedString()
        }
    }

    static func align(_ rows: [[String]]) -> [String] {
        guard let count = rows.map(\.count).max() else { return [] }
        var widths = [Int](repeating: 0, count: count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i] + 3, withPad: " ", startingAt: 0)
            }.joined()
        }
    }

    static func printObjects(_ objects: [JSON], info: ResourceInfo, format: OutputFormat, single: Bool) {
        switch format.mode {
        case .yaml:
            if single, objects.count == 1 {
                print(YAML.render(objects[0]), terminator: "")
            } else {
                print(YAML.render(listOf(objects)), terminator: "")
            }
        case .json:
            let value = single && objects.count == 1 ? objects[0] : listOf(objects)
            print(PrettyJSON.render(value))
        case .name:
            for object in objects {
                print(Manifests.displayName(info, object[path: ["metadata", "name"]]?.string ?? ""))
            }
        case .table, .wide: break
        }
    }

    static func listOf(_ objects: [JSON]) -> JSON {
        ["apiVersion": "v1", "kind": "List", "metadata": ["resourceVersion": ""], "items": .array(objects)]
    }
}

/// Indented JSON for `-o json`.
enum PrettyJSON {
    static func render(_ value: JSON, indent: String = "") -> String {
        let inner = indent + "    "
        switch value {
        case .array(let a) where !a.isEmpty:
            return "[\n" + a.map { inner + render($0, indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let o) where !o.isEmpty:
            return "{\n"
                + o.keys.sorted().map {
                    inner + JSON.string($0).serializedString() + ": " + render(o[$0] ?? .null, indent: inner)
                }
                .joined(separator: ",\n") + "\n\(indent)}"
        default:
            return value.serializedString()
        }
    }
}
