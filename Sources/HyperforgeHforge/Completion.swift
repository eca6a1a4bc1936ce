import FoundationEssentials
import HyperforgeCore

extension Hforge {
    /// What the shells offer when the user presses TAB in `git hforge ...`
    /// (the executable is asked through ArgumentParser's `---completion`).
    /// Local files only, nothing written, and never an error: a file that
    /// cannot be read offers nothing from it.
    public enum Completion {
        /// Forge names for `--forges` and `--ssh`: the ones the repository's
        /// config chain lists (in its order), then the built-in forges and
        /// every custom forge that auth.toml, a defaults.toml or config.toml
        /// declares. `path` is `--path` as typed, else the working directory.
        public static func forgeNames(path: String?, context: Context) -> [String] {
            let start = context.resolve(path ?? ".")
            let root = FilePaths.enclosingGitEntry(from: start)?.root ?? start
            var names: [String] = []
            if let chain = try? ConfigLoader.layers(repoRoot: root, environment: context.environment) {
                if let listed = chain.layers.last(where: { $0.forges != nil })?.forges {
                    names = listed.value.map(\.value)
                }
                names += Forge.builtIn.map(\.name)
                names += ConfigLoader.mergedCustomForges(chain.layers).keys.sorted()
            } else {
                names = Forge.builtIn.map(\.name)
            }
            var seen = Set<String>()
            return names.filter { seen.insert($0).inserted }
        }

        /// `--ssh FORGE=KEY` pairs: each forge (as `forgeNames`) with each
        /// private key in `~/.ssh` (a file with a `.pub` beside it), written
        /// `~/.ssh/NAME` as the README does. Only the forge matching what is
        /// typed before `=` when there is one.
        public static func sshPairs(prefix: String, path: String?, context: Context) -> [String] {
            let home = context.paths.home
            let dir = FilePaths.join(home, ".ssh")
            let entries = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
            let keys = entries.filter { !$0.hasSuffix(".pub") && entries.contains($0 + ".pub") }
            var forges = forgeNames(path: path, context: context)
            if let eq = prefix.firstIndex(of: "=") {
                let forge = String(prefix[..<eq])
                forges = forges.filter { $0 == forge }
            }
            guard !keys.isEmpty else { return forges.map { $0 + "=" } }
            return forges.flatMap { forge in keys.map { "\(forge)=~/.ssh/\($0)" } }
        }
    }
}
