// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
import Primitives
import Logging

/// Carrying out what the state machine asks: provider calls as children of
/// `run()` (their answers come back as events), store writes in order, timers
/// on the injected clock, logs.
extension PairingEngine {

    func execute(_ effect: PairingEffect, at now: Moment) {
        switch effect {
        case .requestDeviceCode:
            // One at a time: a retry brought forward (the clock set) joins the one in flight.
            guard !codeRequestInFlight, !stopping else { return }
            codeRequestInFlight = true
            spawn(at: now) { client, now in
                do throws(OAuthFailure) { return .deviceCodeIssued(try await client.requestDeviceCode(now: now)) } catch { return .deviceCodeFailed(error) }
            }
        case .poll(let session):
            spawn(at: now) { client, now in
                do throws(OAuthFailure) { return .pollAnswered(deviceCode: session.deviceCode, .success(try await client.poll(session, now: now))) } catch {
                    return .pollAnswered(deviceCode: session.deviceCode, .failure(error))
                }
            }
        case .refresh(let grant):
            // Exactly one refresh at a time: a second request joins the one in flight.
            guard !refreshInFlight, !stopping else { return }
            refreshInFlight = true
            spawn(at: now) { client, now in
                do throws(OAuthFailure) { return .refreshAnswered(refreshToken: grant.refreshToken, .success(try await client.refresh(grant, now: now))) } catch {
                    return .refreshAnswered(refreshToken: grant.refreshToken, .failure(error))
                }
            }
        case .revoke(let grant):
            revokeStarted = true
            spawnRevoke(grant, clientID: nil, what: "the authorization") { [weak self] outcome in await self?.revokeFinished(outcome) }
        case .revokeDiscarded(let grant):
            spawnRevoke(grant, clientID: nil, what: "the discarded tokens")
        case .fetchDeviceInfo(let grant):
            spawn(at: now) { client, _ in
                do throws(OAuthFailure) {
                    guard let info = try await client.deviceInfo(grant) else { return nil }
                    return .deviceInfoAnswered(accessToken: grant.accessToken, .success(info))
                } catch {
                    return .deviceInfoAnswered(accessToken: grant.accessToken, .failure(error))
                }
            }
        case .sendHeartbeat(let grant):
            spawn(at: now) { client, _ in
                do throws(OAuthFailure) { try await client.heartbeat(grant); return .heartbeatAnswered(accessToken: grant.accessToken, nil) } catch {
                    return .heartbeatAnswered(accessToken: grant.accessToken, error)
                }
            }
        case .persist(let grant):
            persist(grant)
        case .wipeStore:
            do { try store.wipe() } catch { logger.error("\(error)", metadata: ["state": "\(state.name)"]) }
        case .schedule(let timer, let seconds):
            guard !stopping else { return }
            let generation = (timerGenerations[timer] ?? 0) + 1
            timerGenerations[timer] = generation
            timers[timer]?.cancel()
            // The deadline is fixed now, on the boot clock: suspend counts, wall-clock jumps do not.
            let deadline = now.boot.seconds + seconds
            timers[timer] = alarm(atBoot: deadline) { [continuation] in continuation.yield(.timer(timer, generation: generation)) }
        case .cancel(let timer):
            timerGenerations[timer] = (timerGenerations[timer] ?? 0) + 1
            timers[timer]?.cancel()
            timers[timer] = nil
        case .log(let entry):
            var metadata: Logger.Metadata = ["state": "\(state.name)"]
            if let id = entry.messageID { metadata["message_id"] = "\(id)" }
            let level: Logger.Level = switch entry.level {
            case .info: .info
            case .notice: .notice
            case .warning: .warning
            case .error: .error
            }
            logger.log(level: level, "\(entry.message)", metadata: metadata)
        }
    }

    private func persist(_ grant: Grant) {
        do {
            try store.save(grant)
            if persistFailing {
                persistFailing = false
                logger.notice("the tokens are saved again", metadata: ["state": "\(state.name)"])
            }
        } catch {
            persistFailing = true
            continuation.yield(.event(.persistFailed(error.description)))
        }
    }

    /// Runs `fire` once the boot clock reaches `deadline`, unless cancelled first. A task
    /// of its own (not a child of `run()`): a replaced timer must be cancelled alone.
    func alarm(atBoot deadline: Double, _ fire: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        Task { [clock] in
            guard (try? await clock.sleep(untilBoot: deadline)) != nil else { return }
            await fire()
        }
    }

    func cancelTimers() {
        for timer in timers.values { timer.cancel() }
        timers = [:]
    }

    /// Runs one provider call as a child of `run()` and feeds its answer back in.
    /// `now` is when the request goes out, for the lifetimes it brings back.
    func spawn(at now: Moment, _ call: @escaping @Sendable (any ProviderClient, Moment) async -> PairingEvent?) {
        guard !stopping else { return }
        continuation.yield(.spawn { [client, continuation] in
            guard let event = await call(client, now), !Task.isCancelled else { return }
            continuation.yield(.event(event))
        })
    }
}
