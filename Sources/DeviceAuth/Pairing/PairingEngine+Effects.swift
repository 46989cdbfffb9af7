import FoundationEssentials
import Logging

/// Carrying out what the state machine asks: provider calls off the loop
/// (their answers come back as events), store writes in order, timers, logs.
extension PairingEngine {

    func execute(_ effect: PairingEffect) {
        switch effect {
        case .requestDeviceCode:
            spawn { client, now in
                do throws(OAuthFailure) { return .deviceCodeIssued(try await client.requestDeviceCode(now: now)) } catch { return .deviceCodeFailed(error) }
            }
        case .poll(let session):
            spawn { client, now in
                do throws(OAuthFailure) { return .pollAnswered(deviceCode: session.deviceCode, .success(try await client.poll(session, now: now))) } catch {
                    return .pollAnswered(deviceCode: session.deviceCode, .failure(error))
                }
            }
        case .refresh(let grant):
            // Exactly one refresh at a time: a second request joins the one in flight.
            guard refreshTask == nil else { return }
            refreshTask = spawn { client, now in
                do throws(OAuthFailure) { return .refreshAnswered(refreshToken: grant.refreshToken, .success(try await client.refresh(grant, now: now))) } catch {
                    return .refreshAnswered(refreshToken: grant.refreshToken, .failure(error))
                }
            }
        case .revoke(let grant):
            revokeTask = Task { [client, logger] in
                do {
                    try await client.revoke(grant, clientID: nil)
                    logger.info("authorization revoked at the provider (access \(Fingerprint.of(grant.accessToken)))")
                    return .revoked
                } catch {
                    logger.warning("could not revoke the authorization at the provider: \(error)")
                    return .notRevoked("\(error)")
                }
            }
        case .fetchDeviceInfo(let grant):
            spawnOptional { client in
                do throws(OAuthFailure) {
                    guard let info = try await client.deviceInfo(grant) else { return nil }
                    return .deviceInfoAnswered(accessToken: grant.accessToken, .success(info))
                } catch {
                    return .deviceInfoAnswered(accessToken: grant.accessToken, .failure(error))
                }
            }
        case .sendHeartbeat(let grant):
            spawnOptional { client in
                do throws(OAuthFailure) { try await client.heartbeat(grant); return .heartbeatAnswered(accessToken: grant.accessToken, nil) } catch {
                    return .heartbeatAnswered(accessToken: grant.accessToken, error)
                }
            }
        case .persist(let grant):
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
        case .wipeStore:
            do { try store.wipe() } catch { logger.error("\(error)", metadata: ["state": "\(state.name)"]) }
        case .schedule(let timer, let seconds):
            let generation = (timerGenerations[timer] ?? 0) + 1
            timerGenerations[timer] = generation
            timers[timer]?.cancel()
            timers[timer] = Task { [continuation] in
                try? await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up))), clock: .continuous)
                if !Task.isCancelled { continuation.yield(.timer(timer, generation: generation)) }
            }
        case .cancel(let timer):
            timerGenerations[timer] = (timerGenerations[timer] ?? 0) + 1
            timers[timer]?.cancel()
            timers[timer] = nil
        case .log(let entry):
            var metadata: Logger.Metadata = ["state": "\(state.name)"]
            if let kind = entry.kind { metadata["message_id"] = "\(kind.messageID)" }
            let level: Logger.Level = switch entry.level {
            case .info: .info
            case .notice: .notice
            case .warning: .warning
            case .error: .error
            }
            logger.log(level: level, "\(entry.message)", metadata: metadata)
        }
    }

    /// Runs one provider call off the loop and feeds its answer back in.
    @discardableResult
    func spawn(_ call: @escaping @Sendable (any ProviderClient, Date) async -> PairingEvent) -> Task<PairingEvent, Never> {
        let startedAt = now()
        return Task { [client, continuation] in
            let event = await call(client, startedAt)
            continuation.yield(.event(event))
            return event
        }
    }

    func spawnOptional(_ call: @escaping @Sendable (any ProviderClient) async -> PairingEvent?) {
        Task { [client, continuation] in
            if let event = await call(client) { continuation.yield(.event(event)) }
        }
    }
}
