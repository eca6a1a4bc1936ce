/// The implementation for each kind of forge.
extension ForgeClients {
    static func client(forge: Forge, tokens: any ForgeTokenSource, options: ForgeClientOptions) -> any ForgeClient {
        switch forge.kind {
        case .github: return GitHubClient(forge: forge, tokens: tokens, options: options)
        case .gitea, .forgejo: return GiteaClient(forge: forge, tokens: tokens, options: options)
        case .gitlab: return GitLabClient(forge: forge, tokens: tokens, options: options)
        }
    }
}
