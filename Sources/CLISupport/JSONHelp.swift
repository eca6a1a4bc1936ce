/// What the man pages say about `--json` output: the one style (each
/// tool's page) and each command's document (its own page). The shapes are
/// kept stable: keys are added, never renamed or removed.
public enum JSONHelp {
    public static let style = """
        JSON output (--json; 'git realm check --format json'): one document on stdout, keys \
        in snake_case and sorted, times as RFC 3339 UTC strings (2026-01-24T10:00:00Z), values \
        as JSON values (numbers, booleans, arrays, objects; never TOML or shell text), control \
        characters escaped. When the command fails as a whole, the document is \
        {"error": {"message": TEXT, "hint": TEXT or null, "exit_status": N}} with the same exit \
        status, plus "file" and "line", "pointer", "forge", "remote", "scope" when the error \
        names them; the message and hint also go to stderr. A usage error (64) with --json is \
        such a document too. Shapes are stable: keys may be added, none is renamed or removed.
        """

    public static func shape(_ text: String) -> String { "JSON (--json): " + text }

    public static let hforgeStatus = shape("""
        {"repository", "branch" (null when detached), "head", "config_files": [path], "forges": \
        [{"forge", "kind", "states": ["in-sync" | "missing" | "wrong-url" | "wrong-key"], "wanted_url", \
        "actual_url", "push_url", "wanted_key", "actual_key", "ahead", "behind", "tracking_ref", "remote"}], \
        "extra_remotes": [{"remote", "url"}], "warnings": [text], "in_sync": bool}; ahead, behind \
        and tracking_ref are null when the forge's branch was never fetched; remote is null without \
        --remote, else {"exists", "visibility", "visibility_matches", "default_branch", "problem"} \
        (exists null and problem set when the forge could not be asked). With --exit-code, \
        drift (5) still prints this document.
        """)
    public static let hforgeConfig = shape("""
        {"files": [path], "values": [{"key", "value", "source"}]}: value is the effective value as \
        JSON (a string, a number for ssh_port, an array for forges); source is {"file", "line"}, \
        {"flag"} or {"default": why}.
        """)
    public static let realmStatus = shape("""
        {"realm", "url", "repo", "commit", "fetched_at" (null when no fetch was recorded), "registered", "domains": [{"name", "role", "members": \
        [{"name", "registered"}], "contracts": [{"name", "version", "owner"}], "imports": \
        [{"contract", "requirement", "version", "satisfied", "resolved_version", "stale"}]}], \
        "stale_bindings": [{"domain", "repo", "contract", "resolved_version", "current_version", \
        "satisfied"}], "changes" (null without an earlier look), "sessions": [{"id", "repo", "active_rfc", "client_id", "pid"}], "notifications", \
        "approvals" (null when the coordinator could not be asked)}.
        """)
    public static let realmCheck = """
        JSON (--format json, or --json): {"realm", "repo", "commit", "contracts_checked", "cache_hits", \
        "errors", "warnings", "findings": [{"severity": "error" | "warning" | "ok", "mode", "domain", \
        "contract", "file", "pointer", "message", "details": [text], "explanation": [text] (the rules \
        behind a compatible verdict), "witness": null or {"value" (the value itself), "valid_under", \
        "invalid_under", "pointer", "reason", "breaks"} (the value that shows a change breaks)}]}; errors (1) and warnings \
        only (2) are outcomes and print this document; a failure of the command as a whole \
        prints {"error": ...}.
        """
    public static let cacheStats = shape("""
        {"path", "exports", "contracts", "validations", "hits", "misses", "hit_rate" (null before any lookup)}.
        """)
    public static let coordinatorStatus = shape("""
        {"running": false, "socket"} when none runs; else {"running": true, "status", "pid", \
        "version", "started_at", "sessions", "idle_timeout", "socket", ...} as the coordinator's \
        /health answers, and "background_fetch": {"background_fetch_age" (null when off), \
        "check_interval", "passes", "members": [{"realm", "path", "fetched_at", \
        "last_attempt_at", "last_outcome", "last_error", "failures", "next_attempt_at", \
        "fetching"}]} as its /members does.
        """)
    public static let sessionList = shape("""
        [{"id", "repo", "realm", "client_id", "started_at", "last_activity", "active_rfc", \
        "active_domains", "exports_modified", "imports_watching", "pid", "path"}].
        """)
    public static let sessionStart = shape("the session created, as in 'git realm session list --json'.")
    public static let scopeGrants = shape(#"[{"scope", "granted_at", "how"}]."#)
    public static let scopePending = shape(#"[{"id", "scope", "requested_at", "requester", "status"}]; approve with 'git scope approve ID'."#)
    public static let scopeList = shape(#"[{"provider", "type", "names": [scope], "rejected": [{"scope", "rejected_at", "host"}]}] (names only, never values)."#)
    public static let scopeProviders = shape(#"[{"name", "type", "is_default", "routes": [pattern], "origin"}]."#)
    public static let scopeWhich = shape(#"{"scope", "provider", "type", "pattern", "policy", "policy_pattern"} (pattern and policy_pattern null when a default applies)."#)
}
