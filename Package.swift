// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tonghop",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SheetIO", targets: ["SheetIO"]),
        .library(name: "TongHop", targets: ["TongHop"]),
        .executable(name: "tonghop", targets: ["tonghop"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        // The web service (`tonghop serve`): HTTP, sessions and bcrypt, HTML templates,
        // multipart uploads.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.25.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZip",
            pkgConfig: "libzip",
            providers: [.apt(["libzip-dev"])]
        ),
        .systemLibrary(
            name: "CDeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        .systemLibrary(name: "CSQLiteConfig"),
        .systemLibrary(
            name: "CXlsxWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        .target(
            name: "SheetIO",
            dependencies: ["CZip", "CDeflate", "CXlsxWriter"],
            // The reader's hot loops live in final classes; dynamic exclusivity checks on
            // their stored properties cost about 20% of a large-sheet read (perf, see
            // BENCHMARKS.md). The code never holds overlapping accesses.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        .target(
            name: "TongHop",
            dependencies: ["SheetIO", "CSQLiteConfig", .product(name: "Yams", package: "Yams"), .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift"),
                           .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "TongHopWeb",
            dependencies: ["TongHop", "SheetIO",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                           .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                           .product(name: "Mustache", package: "swift-mustache"),
                           .product(name: "MultipartKit", package: "multipart-kit")]
        ),
        .executableTarget(
            name: "tonghop",
            dependencies: ["TongHop", "SheetIO", "TongHopWeb", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "tonghop-bench",
            dependencies: ["SheetIO", "TongHop", "CZip"]
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SheetIOTests", dependencies: ["SheetIO", "TestSupport"]),
        .testTarget(name: "TongHopTests", dependencies: ["TongHop", "SheetIO", "TestSupport", .product(name: "Yams", package: "Yams"),
                                                        .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        .testTarget(name: "CLITests", dependencies: ["SheetIO", "TestSupport", "tonghop", "TongHop", "TongHopWeb"]),
        .testTarget(name: "WebTests", dependencies: ["TongHopWeb", "TongHop", "SheetIO", "TestSupport",
                                                     .product(name: "HummingbirdTesting", package: "hummingbird"),
                                                     .product(name: "HummingbirdBcrypt", package: "hummingbird-auth")]),
    ]
)
