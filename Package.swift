// swift-tools-version: 6.0
import PackageDescription

// Layout and dependency direction follow DESIGN.md:
// Core <- Metrics <- Model <- Scenario <- Analysis <- CLI; Report depends on Metrics and Analysis.

/// The modules that simulate (SatsimCore, SatsimMetrics, SatsimModel, SatsimAnalysis and the C
/// kernels) are optimised in debug builds too, with their assertions kept (`-assert-config Debug`:
/// `assert` and the columns' stale-copy checks still trap). The test suite runs thousands of
/// simulated runs, and unoptimised generic Swift ran them about six times slower (13m39s against
/// 2m12s on two cores, or 2m28s with only these four optimised, which build 70 s faster); a
/// debugger still steps through the tests and the other modules, built as usual. SwiftPM refuses
/// a versioned dependency whose targets carry unsafe flags, so a copy checked out as another
/// package's dependency (under `checkouts/`, where SwiftPM and Xcode put them) builds without them.
let builtAsADependency = Context.packageDirectory.contains("/checkouts/")
let optimisedInDebug: [SwiftSetting] = builtAsADependency
    ? [] : [.unsafeFlags(["-O", "-assert-config", "Debug"], .when(configuration: .debug))]
let kernelsOptimisedInDebug: [CSetting] = builtAsADependency ? [] : [.unsafeFlags(["-O2"], .when(configuration: .debug))]
let package = Package(
    name: "satsim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "satsim", targets: ["satsim"]),
        .library(name: "SatsimCore", targets: ["SatsimCore"]),
        .library(name: "SatsimModel", targets: ["SatsimModel"]),
        .library(name: "SatsimScenario", targets: ["SatsimScenario"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
    ],
    targets: [
        // MARK: - System libraries
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"]), .brew(["gsl"])]
        ),
        // The results store of `satsim sweep`: the system SQLite (apt libsqlite3-dev).
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),

        // MARK: - Library modules
        // Hand-vectorised C kernels chosen at run time (AVX2), bit-identical to the Swift loops.
        .target(name: "CSatsimKernels", cSettings: kernelsOptimisedInDebug),
        .target(name: "SatsimCore", dependencies: ["CGSL", "CSatsimKernels"], swiftSettings: optimisedInDebug),
        .target(name: "SatsimMetrics", dependencies: ["SatsimCore"], swiftSettings: optimisedInDebug),
        .target(name: "SatsimModel", dependencies: ["SatsimCore", "SatsimMetrics"], swiftSettings: optimisedInDebug),
        .target(
            name: "SatsimScenario",
            dependencies: ["SatsimModel", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "SatsimAnalysis", dependencies: ["SatsimMetrics", "SatsimModel", "SatsimScenario"], swiftSettings: optimisedInDebug),
        .target(
            name: "SatsimSweep",
            dependencies: ["CGSL", "CSQLite", "SatsimCore", "SatsimMetrics", "SatsimModel", "SatsimScenario", "SatsimAnalysis"]
        ),
        .target(name: "SatsimReport", dependencies: ["SatsimMetrics", "SatsimAnalysis", "SatsimModel"]),
        .target(
            name: "SatsimCLI",
            dependencies: [
                "SatsimCore", "SatsimModel", "SatsimScenario", "SatsimAnalysis", "SatsimReport", "SatsimSweep",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "satsim", dependencies: ["SatsimCLI"]),

        // MARK: - Benchmarks
        .executableTarget(
            name: "SatsimBench",
            dependencies: ["SatsimCore", "SatsimModel", "SatsimMetrics"],
            path: "Benchmarks/SatsimBench"
        ),
        .executableTarget(
            name: "SatsimSweepBench",
            dependencies: ["SatsimSweep", "SatsimScenario", "SatsimModel"],
            path: "Benchmarks/SatsimSweepBench"
        ),

        // MARK: - Tests
        .target(name: "SatsimTestSupport", dependencies: ["SatsimCore", "CGSL"], path: "Tests/SatsimTestSupport"),
        .testTarget(name: "SatsimCoreTests", dependencies: ["SatsimCore", "SatsimTestSupport", "CGSL"]),
        .testTarget(
            name: "SatsimMetricsTests",
            dependencies: [
                "SatsimMetrics", "SatsimTestSupport",
                // The reference implementation the hand-written histogram is checked against.
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .testTarget(
            name: "SatsimModelTests",
            dependencies: ["SatsimModel", "SatsimMetrics", "SatsimTestSupport"]
        ),
        .testTarget(
            name: "SatsimScenarioTests",
            dependencies: ["SatsimScenario", "SatsimModel", "SatsimTestSupport"],
            resources: [.copy("Golden")]
        ),
        .testTarget(
            name: "SatsimAnalysisTests",
            dependencies: ["SatsimAnalysis", "SatsimModel", "SatsimMetrics", "SatsimScenario", "SatsimTestSupport"]
        ),
        .testTarget(
            name: "SatsimReportTests",
            dependencies: ["SatsimReport", "SatsimAnalysis", "SatsimModel", "SatsimMetrics", "SatsimTestSupport"],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "SatsimSweepTests",
            dependencies: ["SatsimSweep", "SatsimScenario", "SatsimAnalysis", "SatsimModel", "SatsimTestSupport", "CGSL"]
        ),
        .testTarget(
            name: "SatsimCLITests",
            // Every module the tests import, so that a change to one rebuilds them.
            dependencies: ["SatsimCLI", "SatsimScenario", "SatsimModel", "SatsimAnalysis", "SatsimMetrics", "SatsimReport", "SatsimSweep", "SatsimTestSupport"],
            exclude: ["Golden"]
        ),
    ]
)
