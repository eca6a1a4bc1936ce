// swift-tools-version: 6.2
import Foundation
import PackageDescription

/// Linker scripts choosing the static libstdc++, SQLite and libyaml for the
/// multi-call executable (see Sources/hyperforge/static-link/README.md).
let staticLink = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Sources/hyperforge/static-link"

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    // Members come only from modules a file imports, so that Foundation proper (and
    // with it ICU) cannot leak in through a dependency that imports it (TOMLKit).
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "hyperforge",
    platforms: [.macOS(.v15)],
    products: [
        // One executable for the four tools and the coordinator: git-hforge,
        // git-realm, git-scope, git-credential-hforge and hyperforge-coordinator
        // are links to it (install.sh makes them), and it dispatches on the name
        // it was started by; `hyperforge TOOL ...` works too. (The coordinator
        // joined once its HTTP server was ours and Foundation-free: it adds no
        // start-up cost to the tools, see benchmarks/hforge.sh.)
        .executable(name: "hyperforge", targets: ["hyperforge"]),
        // The core library: one module per layer that needs its own system
        // libraries, so that an executable links only what it uses (the
        // credential helper must never load libgit2).
        .library(name: "HyperforgeCore", targets: ["HyperforgeCore", "HyperforgeSecrets", "HyperforgeRealm", "HyperforgeGit", "HyperforgeHforge", "HyperforgeCoordinator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // The MCP server only (hyperforge-mcp); pre-1.0, so minor versions may break.
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", .upToNextMinor(from: "0.12.1")),
    ],
    targets: [
        // System libraries, found through pkg-config.
        .systemLibrary(name: "CGit2", pkgConfig: "libgit2",
                       providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]),
        // SQLite and libyaml without pkg-config: its `-L/usr/lib/x86_64-linux-gnu`
        // would come before Sources/hyperforge/static-link on the search path
        // and pick the shared libraries (headers and libraries are in the
        // default paths on Debian: libsqlite3-dev, libyaml-dev).
        .systemLibrary(name: "CSQLite"),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]),
        // libyaml's event parser and emitter; the realm's node layer is ours
        // (HyperforgeRealm/YAML*.swift), so no Foundation or ICU comes with it.
        .systemLibrary(name: "CYAML"),

        // libgit2 is loaded at run time by CGit2Loader (dlopen), only by the
        // commands that open a repository. Linking it would cost every start
        // of every executable several milliseconds: libgit2 pulls in krb5,
        // OpenSSL and mbedTLS, and linking it (which pkg-config's flags do)
        // slows all dynamic symbol resolution. CGit2 above is what the tests
        // link, to check that the loaded library is the one the headers say.
        .target(
            name: "CGit2Loader",
            cSettings: [.unsafeFlags(["-I/opt/homebrew/include", "-I/usr/local/include"], .when(platforms: [.macOS]))]
        ),

        // HTTP through libcurl, loaded at run time like libgit2 (CCurl is what
        // the tests link to check the headers against the library).
        .target(name: "CCurlLoader"),

        // Core: context, errors, output, config, forges, SQLite, HTTP.
        .target(
            name: "HyperforgeCore",
            dependencies: [
                "CSQLite", "CCurlLoader",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        // Core: secret scopes, providers, routing, grants, git's credential protocol.
        .target(
            name: "HyperforgeSecrets",
            dependencies: [
                "HyperforgeCore",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strict
        ),
        // Core: realms (RFC 0001): the realm's files, versions, contracts.
        .target(
            name: "HyperforgeRealm",
            dependencies: ["CYAML", "HyperforgeCore", "HyperforgeGit", "HyperforgeSecrets", "HyperforgeHforge"],
            swiftSettings: strict
        ),
        // Core: the libgit2 layer.
        .target(
            name: "HyperforgeGit",
            dependencies: ["CGit2Loader", "HyperforgeCore"],
            swiftSettings: strict
        ),
        // Core: what `git hforge` does (init, sync, status, push, config, ssh).
        .target(
            name: "HyperforgeHforge",
            dependencies: ["HyperforgeCore", "HyperforgeGit", "HyperforgeSecrets"],
            swiftSettings: strict
        ),

        // Core: the coordinator (RFC "Daemon"): sessions, notifications, realms over HTTP on a Unix socket.
        // It reads a member's realm index through HyperforgeRealm, the index's one owner.
        .target(
            name: "HyperforgeCoordinator",
            dependencies: [
                "HyperforgeCore", "HyperforgeSecrets", "HyperforgeRealm",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strict
        ),

        // The tools' command lines (argument parsing and printing only), each a
        // library the multi-call executable links; one file per command, under
        // each tool's Commands/ folder, named after the command.
        // What they share: execute, RepositoryOptions, the comma-list parser,
        // the enums' ExpressibleByArgument conformances.
        .target(
            name: "CLISupport",
            dependencies: [
                "HyperforgeCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/CLISupport",
            swiftSettings: strict
        ),
        .target(
            name: "HforgeCLI",
            dependencies: [
                "CLISupport", "HyperforgeCore", "HyperforgeHforge",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/git-hforge",
            swiftSettings: strict
        ),
        .target(
            name: "RealmCLI",
            dependencies: [
                "CLISupport", "HyperforgeCore", "HyperforgeRealm",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/git-realm",
            swiftSettings: strict
        ),
        .target(
            name: "ScopeCLI",
            dependencies: [
                "CLISupport", "HyperforgeCore", "HyperforgeSecrets",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/git-scope",
            swiftSettings: strict
        ),
        .target(
            name: "CredentialCLI",
            dependencies: [
                "HyperforgeCore", "HyperforgeSecrets",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/git-credential-hforge",
            swiftSettings: strict
        ),
        // The multi-call executable.
        .executableTarget(
            name: "hyperforge",
            dependencies: [
                "CLISupport", "HyperforgeCore", "HforgeCLI", "RealmCLI", "ScopeCLI", "CredentialCLI", "HyperforgeCoordinator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["static-link"],
            swiftSettings: strict,
            // The Swift driver exports every symbol of the executable
            // (-export-dynamic); nothing loads it as a library, and each shared
            // library's symbol lookups at start-up then search 8,000 fewer
            // entries (measured with callgrind: 6% of `--version`).
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "--no-export-dynamic"]),
                // ...but this one: libgit2 binds to it (CGit2Loader/loader.c says why).
                .unsafeFlags(["-Xlinker", "--export-dynamic-symbol=mbedtls_x509_crt_parse_file"], .when(platforms: [.linux])),
                // Release builds only: a debug build links the Swift runtime
                // dynamically, and libswiftCore.so brings libstdc++.so.6 with it;
                // two libstdc++ copies in one process broke iostreams' number
                // parsing (TOMLKit read no float: "'0.5' could not be
                // interpreted as a value"). install.sh and the benchmarks build
                // with -c release --static-swift-stdlib, where there is one copy.
                .unsafeFlags(["-L", staticLink], .when(platforms: [.linux], configuration: .release)),
            ]
        ),

        // `git realm mcp`: the realm as Model Context Protocol tools, over stdio.
        // Its own executable, which `git realm mcp` execs in its place: the
        // SDK imports Foundation proper (its networking and ICU: tens of MB
        // and a libcurl load), which the multi-call executable must not link.
        .target(
            name: "HyperforgeMCP",
            dependencies: [
                "HyperforgeCore", "HyperforgeGit", "HyperforgeRealm",
                .product(name: "MCP", package: "swift-sdk"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "hyperforge-mcp",
            dependencies: ["HyperforgeCore", "HyperforgeMCP"],
            path: "Sources/hyperforge-mcp",
            swiftSettings: strict,
            // As the multi-call executable's (it loads libgit2 the same way).
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "--no-export-dynamic"]),
                .unsafeFlags(["-Xlinker", "--export-dynamic-symbol=mbedtls_x509_crt_parse_file"], .when(platforms: [.linux])),
                .unsafeFlags(["-L", staticLink], .when(platforms: [.linux], configuration: .release)),
            ]
        ),

        // Benchmark helper (not installed): validation throughput, for benchmarks/check.sh.
        .executableTarget(
            name: "schema-bench",
            dependencies: ["HyperforgeCore", "HyperforgeRealm"],
            path: "benchmarks/schema-bench",
            swiftSettings: strict
        ),
        // Benchmark helper (not installed): coordinator cold start, round trip, memory.
        .executableTarget(
            name: "coordinator-bench",
            dependencies: ["HyperforgeCore"],
            path: "benchmarks/coordinator-bench",
            swiftSettings: strict
        ),
        .testTarget(
            name: "HyperforgeTests",
            dependencies: ["HyperforgeCore", "HyperforgeSecrets", "HyperforgeRealm", "HyperforgeGit", "HyperforgeHforge", "HyperforgeCoordinator", "CGit2", "CGit2Loader", "CSQLite", "CCurl"],
            swiftSettings: strict
        ),
    ]
)
