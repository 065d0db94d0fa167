import SkiffAPI
import SkiffYAML

/// Server-side apply bodies arrive as `application/apply-patch+yaml`.
enum YAMLBridge {
    static func parse(_ body: [UInt8]) throws(SkiffError) -> JSON {
        try YAML.parse(String(decoding: body, as: UTF8.self))
    }
}
