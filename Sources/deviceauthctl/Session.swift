import ControlProtocol
#if canImport(Glibc)
import Glibc
#endif

/// A connection to the daemon, with the CLI's error handling.
struct Session {
    let client: ControlClient

    init(_ options: GlobalOptions) throws {
        do { client = try ControlClient(path: options.socketPath) } catch {
            throw Output.fail("\(error)", code: 69)
        }
    }

    /// Connects, waiting for the socket to appear (a daemon still starting) until
    /// `deadline` (monotonic seconds; nil: as long as it takes).
    init(_ options: GlobalOptions, waitingUntil deadline: Double?) throws {
        var told = false
        while true {
            do {
                client = try ControlClient(path: options.socketPath)
                return
            } catch {
                if let deadline, Session.now() >= deadline { throw Output.fail("\(error)", code: 69) }
                if !told && !options.json {
                    Output.note("waiting for deviceauthd at \(options.socketPath)…")
                    told = true
                }
                usleep(100_000)
            }
        }
    }

    func call(_ request: ControlRequest, timeout: Double? = 60) throws -> ControlReply {
        do { return try client.call(request, timeout: timeout) } catch { throw Output.fail("\(error)", code: 69) }
    }

    func receive(timeout: Double?) throws -> ControlReply {
        do { return try client.receive(timeout: timeout) } catch { throw Output.fail("\(error)", code: 69) }
    }

    static func now() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
