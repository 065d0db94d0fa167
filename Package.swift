// swift-tools-version:6.2
import PackageDescription

// Our own targets build with warnings as errors; dependencies' warnings never break the build.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "skiff",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "skiffd", targets: ["skiffd"]),
        .executable(name: "skiff", targets: ["skiff"]),
    ],
    dependencies: [
        // traits: [] avoids SwiftPM re-planning Hummingbird's traits on every change (BUILD-NOTES).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .target(name: "CSkiffMalloc"),
        // Heap trimming for the daemons (master and agent).
        .target(
            name: "SkiffMemory",
            dependencies: ["CSkiffMalloc", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: strict),
        // Node runtime: C shims for what Swift's Glibc module lacks, Swift wrappers, and the
        // single-threaded helper that does all namespace work.
        .target(name: "CSkiffLinux"),
        // zlib with the SPDY dictionary, for `kubectl exec` over SPDY/3.1 (kubectl ≤ 1.29).
        .target(name: "CSkiffZlib", linkerSettings: [.linkedLibrary("z")]),
        // libseccomp and libcap: the calls Swift cannot make itself (variadic functions, macros).
        .target(name: "CSkiffSecurity", linkerSettings: [.linkedLibrary("seccomp"), .linkedLibrary("cap")]),
        .target(
            name: "SkiffLinux", dependencies: ["CSkiffLinux", "CSkiffSecurity", "SkiffJSON"], exclude: ["README.md"],
            swiftSettings: strict),
        .executableTarget(name: "skiff-init", dependencies: ["SkiffLinux"], swiftSettings: strict),
        // Pod networking: node namespace, bridge, veth pairs, addresses (rtnetlink), IPAM.
        .target(
            name: "SkiffNetwork", dependencies: ["SkiffLinux", "CSkiffLinux"], exclude: ["README.md"],
            swiftSettings: strict),
        .target(name: "SkiffJSON", exclude: ["README.md"], swiftSettings: strict),
        .target(
            name: "SkiffAPI", dependencies: ["SkiffJSON"], exclude: ["Protobuf/gen_proto_schema.py", "README.md"],
            swiftSettings: strict),
        .target(
            name: "SkiffYAML",
            dependencies: ["SkiffAPI", .product(name: "Yams", package: "Yams")],
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        .target(
            name: "SkiffStore",
            dependencies: [
                "SkiffAPI",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        .target(
            name: "SkiffAPIServer",
            dependencies: [
                "SkiffAPI", "SkiffStore", "SkiffYAML", "SkiffMemory", "CSkiffZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        .target(
            name: "SkiffClient",
            dependencies: [
                "SkiffAPI", "SkiffYAML",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        // The desired-state loops: scheduler and workload controllers, run by `skiffd master`.
        .target(
            name: "SkiffControllers",
            dependencies: [
                "SkiffAPI", "SkiffClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        .target(
            name: "SkiffCommands",
            dependencies: [
                "SkiffAPI", "SkiffClient", "SkiffYAML", "SkiffLinux",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        .target(
            name: "SkiffAgent",
            dependencies: [
                "SkiffAPI", "SkiffClient", "SkiffLinux", "SkiffNetwork", "SkiffMemory", "CSkiffLinux",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        .executableTarget(name: "skiff", dependencies: ["SkiffCommands"], swiftSettings: strict),
        .executableTarget(
            name: "skiff-bench",
            dependencies: [
                "SkiffAPI", "SkiffClient", "SkiffLinux",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "skiffd",
            dependencies: [
                "SkiffAPI", "SkiffAPIServer", "SkiffAgent", "SkiffControllers", "SkiffLinux",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict,
            // Packed relative relocations (DT_RELR, glibc 2.36+): a position-independent
            // executable this size carries ~60,000 of them (150,000 with the static stdlib), 24
            // bytes each as RELA, which the loader reads once and every daemon then keeps
            // resident: 2-3.5 MB of the agent's RSS. gold, the toolchain's default linker here,
            // cannot write them; the toolchain's own lld can.
            linkerSettings: [.unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"])]
        ),
        .testTarget(
            name: "SkiffAPITests", dependencies: ["SkiffAPI"], exclude: ["Fixtures/capture_kubectl.py"]),
        .testTarget(name: "SkiffStoreTests", dependencies: ["SkiffStore"]),
        .testTarget(name: "SkiffAPIServerTests", dependencies: ["SkiffAPIServer", "SkiffAPI"]),
        .testTarget(name: "SkiffYAMLTests", dependencies: ["SkiffYAML"]),
        .testTarget(
            name: "SkiffControllersTests",
            dependencies: [
                "SkiffControllers", "SkiffAPI", "SkiffAPIServer", "SkiffStore", "SkiffClient",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(name: "SkiffAgentTests", dependencies: ["SkiffAgent", "SkiffAPI", "SkiffLinux"]),
        // Test-only: a fresh single-threaded process (like skiff-init) that applies capabilities
        // and seccomp filters for the tests; forking the multi-threaded test runner and running
        // Swift in the child can deadlock on the Swift runtime's locks.
        .executableTarget(
            name: "skiff-security-probe", dependencies: ["SkiffLinux", "CSkiffSecurity"],
            path: "Tests/SkiffSecurityProbe", swiftSettings: strict),
        .testTarget(
            name: "SkiffLinuxTests",
            dependencies: ["SkiffLinux", "CSkiffLinux", "CSkiffSecurity", "skiff-security-probe"]),
        .testTarget(name: "SkiffNetworkTests", dependencies: ["SkiffNetwork", "SkiffLinux"]),
        .testTarget(
            name: "SkiffIntegrationTests",
            dependencies: ["SkiffAPI", "SkiffClient", "SkiffAPIServer", "SkiffCommands", "SkiffLinux", "SkiffNetwork"]
        ),
    ]
)
