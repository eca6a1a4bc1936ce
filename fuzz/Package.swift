// swift-tools-version: 6.2
import Foundation
import PackageDescription

// The parent directory's package; a path dependency's identity is its directory's name.
let parent = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "hyperforge-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "hyperforge-fuzz",
            dependencies: [.product(name: "HyperforgeCore", package: parent.lastPathComponent.lowercased())],
            swiftSettings: [.swiftLanguageMode(.v6)],
            linkerSettings: [.unsafeFlags(["-use-ld=lld"])]
        ),
    ]
)
