import HyperforgeCore

extension Realm {
    public struct CacheOptions: Sendable {
        public var target = Target()
        public var json = false
        public var dryRun = false
        public init() {}
    }
}
