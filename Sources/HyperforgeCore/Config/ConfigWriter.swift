
/// Writes a configuration layer as TOML text, in a fixed, readable order.
public enum ConfigWriter {
    public static func render(_ layer: ConfigLayer, header: String? = nil) -> String {
        var out = ""
        if let header { for line in header.split(separator: "\n") { out += "# \(line)\n" } }
        if let forges = layer.forges {
            out += "forges = [" + forges.value.map { quote($0.value) }.joined(separator: ", ") + "]\n"
        }
        if let v = layer.org { out += "org = \(quote(v.value))\n" }
        if let v = layer.repoName { out += "repo_name = \(quote(v.value))\n" }
        if let v = layer.visibility { out += "visibility = \(quote(v.value.rawValue))\n" }
        if let v = layer.gitProtocol { out += "protocol = \(quote(v.value.rawValue))\n" }
        if let v = layer.description { out += "description = \(quote(v.value))\n" }
        if !layer.ssh.isEmpty {
            out += "\n[ssh]\n"
            for (forge, key) in layer.ssh.sorted(by: { $0.key < $1.key }) {
                out += "\(bareOrQuoted(forge)) = \(quote(key.value))\n"
            }
        }
        for (name, f) in layer.customForges.sorted(by: { $0.key < $1.key }) {
            out += "\n[custom_forges.\(bareOrQuoted(name))]\n"
            if let v = f.kind { out += "kind = \(quote(v.value.rawValue))\n" }
            if let v = f.host { out += "host = \(quote(v.value))\n" }
            if let v = f.sshPort { out += "ssh_port = \(v.value)\n" }
            if let v = f.sshUser { out += "ssh_user = \(quote(v.value))\n" }
            if let v = f.webURL { out += "web_url = \(quote(v.value))\n" }
            if let v = f.apiURL { out += "api_url = \(quote(v.value))\n" }
        }
        return out
    }

    /// A TOML basic string.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u" + String.hex4(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func bareOrQuoted(_ key: String) -> String {
        let bare = !key.isEmpty && key.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "-" || $0 == "_"
        }
        return bare ? key : quote(key)
    }
}
