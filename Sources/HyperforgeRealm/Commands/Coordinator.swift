import HyperforgeCore

extension Realm {
    public struct CoordinatorOptions: Sendable {
        public var json = false
        public var lines = 50
        public var start = false
        public init() {}
    }
}
