import Foundation
import Testing

@testable import SkiffNetwork

@Suite struct IPv4NetworkTests {
    @Test func parsesAPodCIDR() throws {
        let network = try IPv4Network("10.88.0.0/24", field: "--pod-cidr")
        #expect(network.description == "10.88.0.0/24")
        #expect(network.gateway.description == "10.88.0.1")
        #expect(IPv4Address(network.podAddresses.lowerBound).description == "10.88.0.2")
        #expect(IPv4Address(network.podAddresses.upperBound).description == "10.88.0.254")
        #expect(network.contains(IPv4Address("10.88.0.77")!))
        #expect(!network.contains(IPv4Address("10.88.1.1")!))
        #expect(IPv4Address("10.88.0.7")!.networkOrder == UInt32(0x0a58_0007).bigEndian)
    }

    @Test(arguments: [
        ("10.88.0.0", "is not an IPv4 CIDR"),
        ("10.88.0/24", "is not an IPv4 CIDR"),
        ("fd00::/64", "is not an IPv4 CIDR"),
        ("10.88.0.0/31", "prefix /31 is out of range"),
        ("10.0.0.0/4", "prefix /4 is out of range"),
        ("10.88.0.5/24", "did you mean 10.88.0.0/24?"),
    ])
    func refusesBadCIDRsNamingTheField(text: String, message: String) {
        #expect {
            try IPv4Network(text, field: "--pod-cidr")
        } throws: { error in
            let description = "\(error)"
            return description.hasPrefix("--pod-cidr: ") && description.contains(message)
        }
    }
}

@Suite struct IPAllocatorTests {
    func withAllocator(_ cidr: String, _ body: (IPAllocator) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ipam-" + UUID().uuidString).path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try body(IPAllocator(directory: dir, network: try IPv4Network(cidr, field: "test")))
    }

    @Test func givesEachOwnerItsOwnAddressAndKeepsIt() throws {
        try withAllocator("10.88.0.0/24") { ipam in
            let a = try ipam.allocate(for: "uid-a")
            let b = try ipam.allocate(for: "uid-b")
            #expect(a.description == "10.88.0.2")
            #expect(b.description == "10.88.0.3")
            #expect(try ipam.allocate(for: "uid-a") == a)
            #expect(ipam.address(of: "uid-b") == b)
            #expect(ipam.allocations() == [a: "uid-a", b: "uid-b"])
        }
    }

    @Test func doesNotReuseAReleasedAddressAtOnce() throws {
        try withAllocator("10.88.0.0/24") { ipam in
            let a = try ipam.allocate(for: "uid-a")
            ipam.release(owner: "uid-a")
            #expect(ipam.address(of: "uid-a") == nil)
            let b = try ipam.allocate(for: "uid-b")
            #expect(b != a)
            #expect(b.description == "10.88.0.3")
        }
    }

    @Test func wrapsAroundAndSaysWhenTheNetworkIsFull() throws {
        // A /29 has six host addresses: the gateway and five for pods.
        try withAllocator("10.88.0.0/29") { ipam in
            var given: Set<IPv4Address> = []
            for i in 0..<5 { given.insert(try ipam.allocate(for: "uid-\(i)")) }
            #expect(given.count == 5)
            #expect {
                try ipam.allocate(for: "uid-full")
            } throws: { error in
                "\(error)".contains("no free address in the pod network 10.88.0.0/29: all 5 are in use")
            }
            ipam.release(owner: "uid-1")
            #expect(try ipam.allocate(for: "uid-new").description == "10.88.0.3")
        }
    }

    @Test func releasesOwnersNoLongerKnown() throws {
        try withAllocator("10.88.0.0/24") { ipam in
            _ = try ipam.allocate(for: "uid-a")
            let b = try ipam.allocate(for: "uid-b")
            ipam.releaseAll(except: ["uid-b"])
            #expect(ipam.allocations() == [b: "uid-b"])
        }
    }
}
