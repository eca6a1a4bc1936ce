import Glibc

/// Named steps of our writes, where a test can stop a run to kill it
/// there (`kill -9`, SIGINT, SIGTERM) and check what it leaves.
///
/// Honoured only in debug builds (the ones `swift build` and `swift test`
/// make): a release build compiles `reach` to nothing. When
/// `HFORGE_TEST_PAUSE_AT` names the step (`atomic-write.renamed`) or the
/// step and its detail (`atomic-write.renamed:config.toml`), the process
/// writes its id to the file `HFORGE_TEST_PAUSE_READY` names (atomically:
/// the test polls for it) and then waits for a signal, for ever.
///
/// The steps: `atomic-write.created`, `.written`, `.renamed` (detail: the
/// file's name); `realm-intake.fetched` (the realm's tip in a temporary
/// ref); `realm-write.committed`, `.pushed`, `.recorded` (the commit made,
/// pushed, and the fetched ref moved to it); `realm-scratch.created`;
/// `publish.started`, `publish.ran` (detail: the release step, `bump` to
/// `push`: its start recorded in the journal; it ran, its end not yet recorded).
public enum FaultPoint {
    @inline(__always)
    public static func reach(_ step: StaticString, _ detail: String = "") {
        #if DEBUG
        pauseIfAsked(step, detail)
        #endif
    }

    #if DEBUG
    private static func pauseIfAsked(_ step: StaticString, _ detail: String) {
        guard let raw = getenv("HFORGE_TEST_PAUSE_AT") else { return }
        let wanted = String(cString: raw)
        let name = step.description
        guard wanted == name || wanted == name + ":" + detail else { return }
        if let ready = getenv("HFORGE_TEST_PAUSE_READY").map({ String(cString: $0) }), !ready.isEmpty {
            let temp = ready + ".\(getpid()).tmp"
            let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            if fd >= 0 {
                _ = writeAll(fd, Array("\(getpid())\n".utf8))
                close(fd)
                rename(temp, ready)
            }
        }
        while true { pause() }
    }
    #endif
}
