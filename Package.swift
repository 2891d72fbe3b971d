// swift-tools-version:6.1
import PackageDescription

// Release builds of Kura's own targets skip exclusivity checks on the hot paths;
// dependencies never see these flags.
let fast: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "kura",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kura", targets: ["kura"]),
        .library(name: "KuraIndex", targets: ["KuraIndex"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
    ],
    targets: [
        .target(name: "CKuraKernels"),
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "CICU", linkerSettings: [.linkedLibrary("icuuc")]),
        .systemLibrary(name: "CStemmer", providers: [.apt(["libstemmer-dev"])]),
        .systemLibrary(name: "CMeCab", providers: [.apt(["libmecab-dev", "mecab-ipadic-utf8"])]),
        .target(name: "CPoppler", linkerSettings: [.linkedLibrary("poppler-cpp")]),
        .target(name: "KuraCore", dependencies: ["COpenSSL"], swiftSettings: fast),
        .target(name: "KuraIndex", dependencies: ["KuraCore", "CKuraKernels", "COpenBLAS"], swiftSettings: fast),
        .target(name: "KuraText", dependencies: ["KuraCore", "CICU", "CStemmer", "CMeCab"], swiftSettings: fast),
        .target(
            name: "KuraStore",
            dependencies: [
                "KuraIndex", "KuraCore", "KuraText", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: fast),
        .target(name: "KuraHTTPClient", dependencies: ["KuraCore", "CCurl"], swiftSettings: fast),
        .target(name: "KuraEmbed", dependencies: ["KuraCore", "KuraHTTPClient", "CKuraKernels", "COpenBLAS"], swiftSettings: fast),
        .target(
            name: "KuraIngest",
            dependencies: [
                "KuraCore", "KuraEmbed", "KuraHTTPClient", "KuraStore", "KuraText", "CPoppler", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: fast),
        .target(name: "KuraRetrieval", dependencies: ["KuraCore", "KuraEmbed", "KuraStore", "KuraText"], swiftSettings: fast),
        .target(
            name: "KuraServer",
            dependencies: [
                "KuraCore", "KuraEmbed", "KuraHTTPClient", "KuraIngest", "KuraRetrieval", "KuraStore", "KuraText",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: fast),
        .target(name: "KuraBench", dependencies: ["KuraIndex", "KuraStore", "KuraEmbed", "KuraIngest", "KuraRetrieval", "KuraText"], swiftSettings: fast),
        .target(name: "KuraTesting", dependencies: ["KuraHTTPClient"], path: "Sources/KuraTesting"),
        .executableTarget(
            name: "kura",
            dependencies: [
                "KuraBench", "KuraEmbed", "KuraIndex", "KuraIngest", "KuraRetrieval", "KuraServer", "KuraStore", "KuraText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], swiftSettings: fast),
        .testTarget(name: "CKuraKernelsTests", dependencies: ["CKuraKernels", "KuraTesting"]),
        .testTarget(name: "KuraCoreTests", dependencies: ["KuraCore"]),
        .testTarget(name: "KuraTextTests", dependencies: ["KuraText"]),
        .testTarget(name: "KuraIndexTests", dependencies: ["KuraIndex", "KuraBench", "KuraTesting"]),
        .testTarget(name: "KuraBenchTests", dependencies: ["KuraBench", "KuraTesting"]),
        .testTarget(name: "KuraEmbedTests", dependencies: ["KuraEmbed", "KuraHTTPClient", "CKuraKernels", "KuraTesting"]),
        .testTarget(
            name: "KuraIngestTests",
            dependencies: ["KuraIngest", "KuraEmbed", "KuraStore", "KuraText", "KuraTesting", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            exclude: ["Documents"]),
        .testTarget(
            name: "KuraRetrievalTests",
            dependencies: ["KuraRetrieval", "KuraText", "KuraIngest", "KuraEmbed", "KuraStore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "KuraServerTests",
            dependencies: [
                "KuraServer", "KuraCore", "KuraEmbed", "KuraRetrieval", "KuraStore", "KuraTesting", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "KuraStoreTests", dependencies: ["KuraStore", "KuraText", "KuraIndex", "KuraTesting", .product(name: "GRDB", package: "GRDB.swift")]),
    ]
)

// libFuzzer targets, built only for fuzzing (Tests/Reliability/fuzz-native.sh sets KURA_FUZZ): they have no
// main of their own, so an ordinary build leaves them out.
if Context.environment["KURA_FUZZ"] != nil {
    package.targets += [
        .target(name: "FuzzDriver", path: "Sources/Fuzz/FuzzDriver"),
        .executableTarget(name: "FuzzTokenizer", dependencies: ["FuzzDriver", "KuraEmbed"], path: "Sources/Fuzz/FuzzTokenizer"),
        .executableTarget(name: "FuzzChunker", dependencies: ["FuzzDriver", "KuraIngest", "KuraEmbed"], path: "Sources/Fuzz/FuzzChunker"),
        .executableTarget(name: "FuzzSegment", dependencies: ["FuzzDriver", "KuraIndex"], path: "Sources/Fuzz/FuzzSegment"),
        .executableTarget(name: "FuzzAnalyzer", dependencies: ["FuzzDriver", "KuraText"], path: "Sources/Fuzz/FuzzAnalyzer"),
        .executableTarget(name: "FuzzDocument", dependencies: ["FuzzDriver", "KuraIngest"], path: "Sources/Fuzz/FuzzDocument"),
    ]
}
