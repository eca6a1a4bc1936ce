import CYAML

/// Writes a YAML document with libyaml's emitter, which does the escaping
/// (double-quoted control characters, non-ASCII kept as UTF-8) and falls
/// back from plain to a quoted style where plain cannot express the text.
/// Settings as realm files have always been written: indent 2, no line
/// wrapping, Unicode kept, implicit document start and end.
enum YAMLEmitter {
    /// What to write: the fixed shapes of realm files.
    indirect enum Node {
        /// Plain (not double-quoted) is a request: libyaml quotes text that
        /// cannot be written plain.
        case scalar(String, doubleQuoted: Bool)
        case sequence([Node], flow: Bool)
        case mapping([(Node, Node)], flow: Bool)
    }

    /// The bytes written so far, reached from libyaml's output callback.
    private final class Output {
        var bytes: [UInt8] = []
    }

    static func document(_ node: Node) -> String {
        let emitter = UnsafeMutablePointer<yaml_emitter_t>.allocate(capacity: 1)
        defer { emitter.deallocate() }
        guard yaml_emitter_initialize(emitter) == 1 else { preconditionFailure("libyaml: out of memory") }
        defer { yaml_emitter_delete(emitter) }
        let output = Output()
        yaml_emitter_set_output(emitter, { data, buffer, size in
            guard let data, let buffer else { return 0 }
            Unmanaged<Output>.fromOpaque(data).takeUnretainedValue().bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
            return 1
        }, Unmanaged.passUnretained(output).toOpaque())
        yaml_emitter_set_encoding(emitter, YAML_UTF8_ENCODING)
        yaml_emitter_set_indent(emitter, 2)
        yaml_emitter_set_width(emitter, -1)
        yaml_emitter_set_unicode(emitter, 1)
        yaml_emitter_set_break(emitter, YAML_LN_BREAK)

        var event = yaml_event_t()
        yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING)
        emit(emitter, &event)
        yaml_document_start_event_initialize(&event, nil, nil, nil, 1)
        emit(emitter, &event)
        serialize(node, emitter)
        yaml_document_end_event_initialize(&event, 1)
        emit(emitter, &event)
        yaml_stream_end_event_initialize(&event)
        emit(emitter, &event)
        return withExtendedLifetime(output) { String(decoding: output.bytes, as: UTF8.self) }
    }

    private static func serialize(_ node: Node, _ emitter: UnsafeMutablePointer<yaml_emitter_t>) {
        var event = yaml_event_t()
        switch node {
        case .scalar(let text, let doubleQuoted):
            // libyaml copies the value (by length: a NUL inside is escaped);
            // the terminator gives even empty text an address.
            let bytes = Array(text.utf8) + [0]
            bytes.withUnsafeBufferPointer { b in
                _ = yaml_scalar_event_initialize(&event, nil, nil, b.baseAddress, Int32(b.count - 1), 1, 1,
                                                 doubleQuoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE)
            }
            emit(emitter, &event)
        case .sequence(let items, let flow):
            yaml_sequence_start_event_initialize(&event, nil, nil, 1, flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE)
            emit(emitter, &event)
            for item in items { serialize(item, emitter) }
            yaml_sequence_end_event_initialize(&event)
            emit(emitter, &event)
        case .mapping(let entries, let flow):
            yaml_mapping_start_event_initialize(&event, nil, nil, 1, flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE)
            emit(emitter, &event)
            for (k, v) in entries {
                serialize(k, emitter)
                serialize(v, emitter)
            }
            yaml_mapping_end_event_initialize(&event)
            emit(emitter, &event)
        }
    }

    /// Emitting a tree built here cannot fail (no anchors, no tags, UTF-8
    /// text); a failure is a bug.
    private static func emit(_ emitter: UnsafeMutablePointer<yaml_emitter_t>, _ event: inout yaml_event_t) {
        guard yaml_emitter_emit(emitter, &event) == 1 else {
            let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "unknown"
            preconditionFailure("libyaml could not emit YAML: \(problem)")
        }
    }
}
