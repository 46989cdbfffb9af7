// SPDX-License-Identifier: Apache-2.0
import CLinux
import ControlProtocol
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
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
    /// `deadline` (monotonic seconds; nil: as long as it takes). A daemon that never
    /// appears is a wait that timed out (exit 2), said as such.
    init(_ options: GlobalOptions, waitingUntil deadline: Double?, for purpose: String) throws {
        var told = false
        let started = Session.now()
        while true {
            do {
                client = try ControlClient(path: options.socketPath)
                return
            } catch {
                if let deadline, Session.now() >= deadline {
                    throw Output.fail("timed out after \(Int((Session.now() - started).rounded())) s waiting for \(purpose): deviceauthd never appeared at \(options.socketPath) (is it enabled? systemctl status deviceauthd)", code: 2)
                }
                if !told && !options.json {
                    Output.note("waiting for deviceauthd at \(options.socketPath)…")
                    told = true
                }
                usleep(100_000)
            }
        }
    }

    func call<Method>(_ request: ControlRequest<Method>, timeout: Double? = 60) throws -> ControlReply<Method.Result> {
        do { return try client.call(request, timeout: timeout) } catch { throw Output.fail("\(error)", code: 69) }
    }

    func receive<Method: ControlMethod>(_ method: Method.Type, timeout: Double?) throws -> ControlReply<Method.Result> {
        do { return try client.receive(method, timeout: timeout) } catch { throw Output.fail("\(error)", code: 69) }
    }

    static func now() -> Double { deviceauth_clock_seconds(CLOCK_MONOTONIC) }
}
