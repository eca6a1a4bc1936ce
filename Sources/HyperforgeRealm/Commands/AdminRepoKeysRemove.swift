import HyperforgeCore

extension Realm {
    /// `git realm admin repo keys remove`: takes a signing key out of
    /// `repos/R.yaml` (by --key, --key-literal or --fingerprint; with
    /// --maintainer, only that maintainer's). Who may: as `keys add`.
    public static func adminRepoKeysRemove(_ options: RepoKeysOptions, context: Context) async throws -> ExitStatus {
        let wanted: String
        if let fp = options.fingerprint {
            guard options.keyFile == nil && options.keyLiteral == nil, fp.hasPrefix("SHA256:"), fp.count > 7, !fp.contains(" ") else {
                throw RealmError.invalidOption(flag: "--fingerprint", value: TerminalText.inline(fp), expected: "a SHA256:… fingerprint as 'ssh-keygen -lf KEY' prints it, without --key or --key-literal")
            }
            wanted = fp
        } else {
            wanted = try givenKey(options, context: context).fingerprint
        }
        // The fingerprints of the keys listed, worked out (by ssh-keygen) before the write.
        return try await editRepositoryFiles(options.target, repo: options.repo, dryRun: options.dryRun, context: context) { state, snapshot, repo in
            let file = "repos/\(repo).yaml"
            var record = snapshot.repos[repo]!
            var kept: [SigningKey] = [], removed: [String] = []
            for k in record.signingKeys {
                let fp = try SigningKeys.fingerprint(publicKey: k.key, context: context)
                if fp == wanted && (options.maintainer.map { $0.lowercased() == k.maintainer.lowercased() } ?? true) { removed.append(k.maintainer) } else { kept.append(k) }
            }
            guard !removed.isEmpty else {
                throw RealmError.invalidOption(flag: options.fingerprint != nil ? "--fingerprint" : "--key", value: wanted,
                                               expected: "a key \(file) lists" + (options.maintainer.map { " for \(TerminalText.inline($0))" } ?? "")
                                                   + " ('git realm admin repo keys list \(repo)' shows them)")
            }
            record.signingKeys = kept
            var change = PlannedChange(files: state.files, message: "\(repo): signing key \(wanted) of \(removed.joined(separator: ", ")) removed")
            change.write(file, record.yaml())
            return change
        }
    }
}
