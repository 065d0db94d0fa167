import Foundation
import SkiffLinux

/// Pod addresses from the node's pod CIDR, one file per address in `DIR/<address>` holding
/// the owner's pod uid (the layout of CNI's host-local plugin), so allocations survive agent
/// restarts and a crash can never hand one address to two pods: a file is claimed with
/// O_EXCL. Addresses are handed out round-robin after the last one given, so a released
/// address is not reused at once (a client with a stale address reaches no one, not a new pod).
public struct IPAllocator: Sendable {
    public let directory: String
    public let network: IPv4Network

    public init(directory: String, network: IPv4Network) {
        self.directory = directory
        self.network = network
    }

    var lastReservedFile: String { directory + "/last_reserved_ip" }

    /// Every recorded address and its owner.
    public func allocations() -> [IPv4Address: String] {
        var out: [IPv4Address: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            guard let address = IPv4Address(name), let owner = Syscalls.readFile(directory + "/" + name) else {
                continue
            }
            out[address] = owner.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return out
    }

    public func address(of owner: String) -> IPv4Address? {
        allocations().first { $0.value == owner }?.key
    }

    /// The owner's address: the one it already has, else the next free one.
    public func allocate(for owner: String) throws(NetworkError) -> IPv4Address {
        if let existing = address(of: owner), network.contains(existing) { return existing }
        Syscalls.makeParents(of: lastReservedFile)
        let range = network.podAddresses
        let last = Syscalls.readFile(lastReservedFile).flatMap { IPv4Address($0.trimmingCharacters(in: .whitespaces)) }
        var candidate = last.map { $0.value &+ 1 } ?? range.lowerBound
        for _ in 0..<range.count {
            if !range.contains(candidate) { candidate = range.lowerBound }
            let address = IPv4Address(candidate)
            if claim(address, owner: owner) {
                try? Syscalls.writeFileAtomically(lastReservedFile, address.description)
                return address
            }
            candidate &+= 1
        }
        throw NetworkError(
            "no free address in the pod network \(network): all \(range.count) are in use; "
                + "give the node a larger --pod-cidr")
    }

    /// Creates `DIR/<address>` exclusively; false when another owner holds it.
    func claim(_ address: IPv4Address, owner: String) -> Bool {
        let path = directory + "/" + address.description
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        let bytes = Array(owner.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        Glibc.close(fd)
        if written != bytes.count {
            unlink(path)
            return false
        }
        return true
    }

    /// Frees every address the owner holds.
    public func release(owner: String) {
        for (address, holder) in allocations() where holder == owner {
            unlink(directory + "/" + address.description)
        }
    }
}

extension IPAllocator {
    /// Frees addresses whose owner is not among `owners` (pods removed while the agent was
    /// down, or a claim a crash interrupted before the owner was written).
    public func releaseAll(except owners: Set<String>) {
        for (address, holder) in allocations() where !owners.contains(holder) {
            unlink(directory + "/" + address.description)
        }
    }
}
