import ArgumentParser
import HyperforgeCore

// The core's closed sets of values, as option values: ArgumentParser checks
// them and --help lists them. (The core does not depend on ArgumentParser.)

extension Visibility: ExpressibleByArgument {}
extension GitProtocol: ExpressibleByArgument {}
