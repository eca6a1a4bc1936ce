import ArgumentParser
import HyperforgeRealm

// The realm's closed sets of values, as option values: ArgumentParser checks
// them and --help lists them. (The core does not depend on ArgumentParser.)

extension RealmManifest.Admission: ExpressibleByArgument {}
extension RealmManifest.TrustMode: ExpressibleByArgument {}
extension Finding.Mode: ExpressibleByArgument {}
extension Realm.CheckFormat: ExpressibleByArgument {}
