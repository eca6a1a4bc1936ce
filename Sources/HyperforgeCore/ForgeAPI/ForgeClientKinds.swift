/// The implementation for each kind of forge.
extension ForgeClients {
    static func client(forge: Forge, tokens: any ForgeTokenSource, options: ForgeClientOptions) -> any ForgeClient {
        // Interface commit: the implementations (GitHubClient, GiteaClient, GitLabClient) follow.
        UntrustedForgeClient(forge: forge)
    }
}
