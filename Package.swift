// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "StockSchool",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "stockschool", targets: ["stockschool"]),
        .library(name: "StockSchoolCore", targets: ["StockSchoolCore"]),
        .library(name: "StockSchoolStore", targets: ["StockSchoolStore"]),
        .library(name: "StockSchoolSync", targets: ["StockSchoolSync"]),
        .library(name: "StockSchoolFactors", targets: ["StockSchoolFactors"]),
        .library(name: "StockSchoolResearch", targets: ["StockSchoolResearch"]),
        .library(name: "StockSchoolRedis", targets: ["StockSchoolRedis"]),
        .library(name: "StockSchoolOps", targets: ["StockSchoolOps"]),
        .library(name: "StockSchoolServer", targets: ["StockSchoolServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .target(
            name: "StockSchoolCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                // Fernet (encrypted configuration values): HMAC-SHA256 and AES-128-CBC.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(name: "CMemoryHints"),
        .target(
            name: "CSQLiteThreading",
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        .target(
            name: "StockSchoolStore",
            dependencies: [
                "CSQLiteThreading",
                "StockSchoolCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "StockSchoolSync",
            dependencies: [
                "StockSchoolCore", "StockSchoolStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "stockschool",
            dependencies: [
                "StockSchoolFactors", "StockSchoolResearch", "StockSchoolServer", "StockSchoolOps",
                "StockSchoolRedis", "StockSchoolCore", "StockSchoolStore", "StockSchoolSync",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "StockSchoolBench",
            dependencies: [
                "StockSchoolCore", "StockSchoolStore", "StockSchoolSync", "StockSchoolTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/StockSchoolBench"
        ),
        .target(
            name: "StockSchoolFactors",
            dependencies: ["StockSchoolCore", "StockSchoolStore", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "StockSchoolResearch",
            dependencies: ["CMemoryHints", "StockSchoolCore", "StockSchoolStore", "StockSchoolFactors"]
        ),
        .target(
            name: "StockSchoolRedis",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "StockSchoolOps",
            dependencies: [
                "StockSchoolCore", "StockSchoolStore", "StockSchoolSync", "StockSchoolFactors", "StockSchoolResearch",
                "StockSchoolRedis",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "StockSchoolServer",
            dependencies: [
                "StockSchoolCore", "StockSchoolStore", "StockSchoolSync", "StockSchoolFactors", "StockSchoolResearch",
                "StockSchoolRedis", "StockSchoolOps",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // The dashboard's templates, script and style are compiled into the binary, so `serve`
            // needs no files beside it (and none to forget in the Docker image).
            resources: [
                "header", "footer", "overview", "market", "factors", "rankings", "backtests",
            ].map { .embedInCode("Dashboard/Resources/\($0).mustache") } + [
                .embedInCode("Dashboard/Resources/dashboard.js"), .embedInCode("Dashboard/Resources/dashboard.css"),
            ]
        ),
        .executableTarget(
            name: "TechnicalBench",
            dependencies: ["StockSchoolFactors"],
            path: "Benchmarks/TechnicalBench"
        ),
        .executableTarget(
            name: "ResearchBench",
            dependencies: ["StockSchoolResearch", "StockSchoolCore"],
            path: "Benchmarks/ResearchBench"
        ),
        .target(
            name: "StockSchoolTestSupport",
            dependencies: [
                "StockSchoolCore", "StockSchoolStore", "StockSchoolSync",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "StockSchoolCoreTests", dependencies: ["StockSchoolCore"]),
        .testTarget(
            name: "StockSchoolFactorsTests",
            dependencies: ["StockSchoolFactors", "StockSchoolStore", "StockSchoolSync", "StockSchoolTestSupport"],
            resources: [.copy("Resources/ta_vectors.csv")]
        ),
        .testTarget(
            name: "StockSchoolResearchTests",
            dependencies: [
                "StockSchoolResearch", "StockSchoolFactors", "StockSchoolStore", "StockSchoolSync",
                "StockSchoolTestSupport",
            ]
        ),
        .testTarget(
            name: "StockSchoolServerTests",
            dependencies: [
                "StockSchoolServer", "StockSchoolOps", "StockSchoolCore", "StockSchoolRedis", "StockSchoolResearch",
                "StockSchoolStore", "StockSchoolSync", "StockSchoolTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "StockSchoolOpsTests",
            dependencies: [
                "StockSchoolOps", "StockSchoolRedis", "StockSchoolStore", "StockSchoolSync", "StockSchoolTestSupport",
                "StockSchoolCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "StockSchoolStoreTests",
            dependencies: [
                "StockSchoolStore", "StockSchoolTestSupport",
                // To make SQLite files the way older versions did (a fixture, not the code under test).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "StockSchoolSyncTests",
            dependencies: ["StockSchoolSync", "StockSchoolStore", "StockSchoolTestSupport"]
        ),
        .testTarget(
            name: "StockSchoolCLITests",
            dependencies: ["StockSchoolStore", "StockSchoolSync", "StockSchoolTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
