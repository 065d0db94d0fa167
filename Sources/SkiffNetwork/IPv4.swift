import Glibc

/// An IPv4 address, held in host byte order so that arithmetic (the next address) is plain.
public struct IPv4Address: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var value: UInt32

    public init(_ value: UInt32) { self.value = value }

    /// Dotted quad only (`10.88.0.2`): inet_pton refuses the shorthand forms inet_aton takes.
    public init?(_ text: String) {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        value = UInt32(bigEndian: address.s_addr)
    }

    /// The address as the kernel wants it in netlink attributes.
    public var networkOrder: UInt32 { value.bigEndian }

    public var description: String {
        "\(value >> 24).\((value >> 16) & 0xff).\((value >> 8) & 0xff).\(value & 0xff)"
    }

    public static func < (a: IPv4Address, b: IPv4Address) -> Bool { a.value < b.value }

    /// The address and port as bind and connect take them.
    public func socketAddress(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = networkOrder
        return address
    }
}

/// An IPv4 network in CIDR notation (`10.88.0.0/24`) from which pods get their addresses: the
/// first host address is the node's gateway on the bridge, the rest go to pods.
public struct IPv4Network: Sendable, Hashable, CustomStringConvertible {
    public let network: IPv4Address
    public let prefixLength: Int

    /// Parses and checks a pod CIDR; the error names the flag or field it came from.
    public init(_ text: String, field: String) throws(NetworkError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(String(parts[0])), let prefix = Int(parts[1]) else {
            throw NetworkError(
                "\(field): \"\(text)\" is not an IPv4 CIDR; write it as ADDRESS/PREFIX, e.g. 10.88.0.0/24")
        }
        guard (8...30).contains(prefix) else {
            throw NetworkError("\(field): prefix /\(prefix) is out of range; a pod network needs /8 to /30")
        }
        let mask = UInt32.max << UInt32(32 - prefix)
        guard address.value & ~mask == 0 else {
            let base = IPv4Address(address.value & mask)
            throw NetworkError("\(field): \"\(text)\" has host bits set; did you mean \(base)/\(prefix)?")
        }
        network = address
        prefixLength = prefix
    }

    public var description: String { "\(network)/\(prefixLength)" }

    /// The node's address on the bridge: the network's first host address.
    public var gateway: IPv4Address { IPv4Address(network.value + 1) }

    /// Addresses pods may get: after the gateway, before the broadcast address.
    public var podAddresses: ClosedRange<UInt32> {
        let broadcast = network.value | (UInt32.max >> UInt32(prefixLength))
        return (network.value + 2)...(broadcast - 1)
    }

    public func contains(_ address: IPv4Address) -> Bool {
        let mask = UInt32.max << UInt32(32 - prefixLength)
        return address.value & mask == network.value
    }
}

public struct NetworkError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
