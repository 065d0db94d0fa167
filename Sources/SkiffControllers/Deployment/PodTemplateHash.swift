import SkiffAPI

/// The `pod-template-hash` that names a Deployment's ReplicaSet for one template
/// (`web-7d4f9c8b6`), and template equality that ignores it, as Kubernetes' `EqualIgnoreHash`.
enum PodTemplateHash {
    static let label = "pod-template-hash"
    /// Kubernetes' `rand.SafeEncodeString` alphabet: no vowels, no look-alikes.
    static let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    /// FNV-1a (32 bits) of the normalized template and the collision count, its decimal digits
    /// spelled in the safe alphabet, as Kubernetes spells its hash (the value differs from
    /// Kubernetes', whose input is Go's struct dump; only stability matters).
    static func hash(_ template: JSON, collisionCount: Int64 = 0) -> String {
        var value: UInt32 = 2_166_136_261
        let text = normalized(template).serializedString() + "/" + String(collisionCount)
        for byte in text.utf8 {
            value ^= UInt32(byte)
            value = value &* 16_777_619
        }
        return String(String(value).utf8.map { alphabet[Int($0) % alphabet.count] })
    }

    /// Same pods: equal once the hash label, nulls and empty objects (which a client's patch
    /// may add: `creationTimestamp: null`, `resources: {}`) are set aside.
    static func equalIgnoringHash(_ a: JSON?, _ b: JSON?) -> Bool {
        normalized(a ?? .null) == normalized(b ?? .null)
    }

    static func normalized(_ template: JSON) -> JSON {
        var copy = template
        copy[path: ["metadata", "labels", label]] = nil
        return copy.pruned ?? .object([:])
    }

}
