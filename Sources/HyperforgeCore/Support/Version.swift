/// The suite's version, shared by every executable (`--version`).
public enum HyperforgeVersion {
    public static let current = "0.1.0"
}
