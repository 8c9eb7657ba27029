// swift-tools-version:6.0
// The Roch Events platform: one package, small modules with one job each (see README.md).
import Foundation
import PackageDescription

/// The serverless-style functions: one executable each, entry point in functions/<name>/main.swift.
let functions = ["booking", "razorpay-webhook", "whatsapp-webhook", "portal", "portal-events", "admin", "health", "vendor"]

let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
]

/// `make fuzz` (scripts/fuzz.sh) builds with ROCH_FUZZ=1: the libFuzzer targets exist, instrumented.
let fuzzing = ProcessInfo.processInfo.environment["ROCH_FUZZ"] == "1"

var targets: [Target] = [
    // System-library shims (apt packages are installed by `make deps`).
    .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
    .systemLibrary(name: "CCmarkGFM", pkgConfig: "libcmark-gfm",
                   providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
    .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
    // QR codes for staff TOTP enrolment, drawn as SVG by the admin function.
    .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
    .systemLibrary(name: "CPangoCairo", pkgConfig: "pangocairo", providers: [.apt(["libpango1.0-dev", "libcairo2-dev"])]),

    // Pure domain: no IO, imports nothing of ours.
    .target(name: "RochCore"),

    // Edges: each may import RochCore and its own shims, never each other.
    .target(name: "RochHTTP", dependencies: ["RochCore"] + nio + [
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
    ]),
    .target(name: "RochStore", dependencies: [
        "RochCore", "CLibPQ",
        .product(name: "Logging", package: "swift-log"),
    ]),
    .target(name: "RochSite", dependencies: [
        "RochCore", "CCmarkGFM",
        .product(name: "Yams", package: "Yams"),
        .product(name: "Mustache", package: "swift-mustache"),
        .product(name: "Crypto", package: "swift-crypto"),
    ]),
    .target(name: "RochIntegrations", dependencies: [
        "RochCore", "CCurl",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Logging", package: "swift-log"),
    ]),

    // The documents as PDFs (proposals, tax invoices, receipts, credit notes, vouchers): pango + cairo.
    .target(name: "RochDocuments", dependencies: ["RochCore", "CPangoCairo"]),

    // Composition: the functions and the worker.
    .target(name: "RochApp", dependencies: [
        "RochCore", "RochHTTP", "RochStore", "RochIntegrations", "RochDocuments", "CQRencode",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "_CryptoExtras", package: "swift-crypto"),
        // the admin function's server-rendered pages (templates in site/admin)
        .product(name: "Mustache", package: "swift-mustache"),
        .product(name: "Logging", package: "swift-log"),
        // the accountant's ZIP of a financial year's invoices and credit notes
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        // /metrics: the swift-metrics API recorded into a Prometheus registry
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
    ] + nio),

    .executableTarget(name: "roch", dependencies: [
        "RochApp", "RochSite", "RochHTTP", "RochStore", "RochCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),

    // The system OpenSSL for the test SMTP sink's STARTTLS (test support only).
    .systemLibrary(name: "COpenSSL", path: "Tests/COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
    // Test support: a throwaway database, fake Razorpay / WhatsApp servers, an SMTP sink.
    .target(name: "RochTestSupport", dependencies: [
        "RochCore", "RochHTTP", "RochStore", "RochApp", "COpenSSL",
        .product(name: "Crypto", package: "swift-crypto"),
    ] + nio + [
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
    ], path: "Tests/RochTestSupport", exclude: ["S3/s3_server.py"]),
    // The fake providers as a process (`roch-fakes whatsapp|razorpay|smtp`) for end-to-end tests and benches.
    .executableTarget(name: "roch-fakes", dependencies: ["RochCore", "RochTestSupport"], path: "Tests/RochFakes"),
    // The load client of bench/portal.sh (`roch-sse-load`): N portal event streams over FastCGI or HTTP.
    .executableTarget(name: "roch-sse-load", dependencies: [
        "RochHTTP", "RochStore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
    ] + nio, path: "Tests/RochBench"),

    // What each libFuzzer target checks on one input (Tests/Fuzz/*): shared by the fuzz executables and
    // RochFuzzReplayTests, which replays every committed seed and crash input in `make test`.
    .target(name: "RochFuzzChecks", dependencies: ["RochCore", "RochHTTP", "RochSite", "RochIntegrations"],
            path: "Tests/FuzzChecks", swiftSettings: fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []),

    .testTarget(name: "RochCoreTests", dependencies: ["RochCore"]),
    .testTarget(name: "RochFuzzReplayTests", dependencies: ["RochFuzzChecks"]),
    .testTarget(name: "RochHTTPTests", dependencies: ["RochHTTP", "RochCore"] + nio + [
        .product(name: "NIOEmbedded", package: "swift-nio"),
    ]),
    .testTarget(name: "RochStoreTests", dependencies: ["RochStore", "RochCore", "RochTestSupport"]),
    .testTarget(name: "RochSiteTests", dependencies: ["RochSite", "RochCore"]),
    .testTarget(name: "RochDocumentsTests", dependencies: ["RochDocuments", "RochCore", "RochTestSupport"]),
    // Meta's sample webhook bodies are read from the source tree (#filePath), not bundled.
    .testTarget(name: "RochIntegrationsTests", dependencies: ["RochIntegrations", "RochCore", "RochTestSupport"],
                exclude: ["Fixtures"]),
    .testTarget(name: "RochBenchTests", dependencies: ["roch-sse-load", "RochHTTP", .product(name: "NIOEmbedded", package: "swift-nio")] + nio),
    .testTarget(name: "RochAppTests", dependencies: [
        "RochApp", "RochHTTP", "RochStore", "RochCore", "RochIntegrations", "RochDocuments", "RochTestSupport",
        // the portal's contract test reads docs/portal-api.yaml; its access tests hash with SHA-256
        .product(name: "Yams", package: "Yams"),
        .product(name: "Crypto", package: "swift-crypto"),
    ]),
]

targets += functions.map { name in
    .executableTarget(name: name, dependencies: ["RochApp"], path: "functions/\(name)")
}

// libFuzzer targets exist only when asked for (`make fuzz` sets ROCH_FUZZ=1). Each defines SwiftPM's
// `<Module>_main` entry and hands over to libFuzzer's driver through FuzzDriver.
if fuzzing {
    // Only the fuzz targets whose directory exists yet (each engineer adds their own).
    let fuzzRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Tests/Fuzz").path
    let fuzzTargets = ["FuzzCGI", "FuzzFastCGI", "FuzzForm", "FuzzFrontMatter", "FuzzMultipart", "FuzzWebhook"]
        .filter { FileManager.default.fileExists(atPath: fuzzRoot + "/" + $0) }
    targets.append(.target(name: "FuzzDriver", path: "Tests/FuzzDriver"))
    targets += fuzzTargets.map { name in
        .executableTarget(name: name, dependencies: ["FuzzDriver", "RochFuzzChecks"],
                          path: "Tests/Fuzz/\(name)",
                          swiftSettings: [.unsafeFlags(["-parse-as-library", "-sanitize=fuzzer,address"])],
                          linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])])
    }
}

let package = Package(
    name: "roch",
    platforms: [.macOS(.v14)],
    products: [.executable(name: "roch", targets: ["roch"])]
        + functions.map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: targets,
    swiftLanguageModes: [.v6]
)
