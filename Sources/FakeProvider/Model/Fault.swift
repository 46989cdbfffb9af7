// SPDX-License-Identifier: Apache-2.0
/// The API endpoints a fault can be aimed at (`endpoint` of `POST /_fake/faults`).
public enum FaultEndpoint: String, Codable, Sendable, CaseIterable {
    case token
    case deviceCode = "device_code"
    case revoke
    case devicesMe = "devices_me"
    case heartbeat
    /// The standard endpoints' metadata documents (RFC 8414, OpenID).
    case metadata
    /// `/v2/echo`, the API call the forwarder's tests make.
    case echo
}

/// How a faulted request fails (`mode` of `POST /_fake/faults`).
public enum FaultMode: String, Codable, Sendable, CaseIterable {
    /// Answer `status` without doing the work (429 carries `x-ratelimit-*`).
    case status
    /// Wait `delay_ms`, then do the work and answer normally.
    case delay
    /// Close the connection without doing the work or answering.
    case drop
    /// Do the work (e.g. rotate the refresh token), then close without answering:
    /// the response that was lost on the way back.
    case dropAfterCommit = "drop_after_commit"
    /// Do the work, then wait `delay_ms` before answering: an answer slow on its way back.
    case delayAfterCommit = "delay_after_commit"
    /// Neither do the work nor answer, until the client hangs up: a server gone silent.
    case hang
    /// Answer 200 with a body that is not JSON, without doing the work.
    case garbage
    /// Answer 200 with a 16 MiB body, without doing the work.
    case huge
    /// Answer as a venue's captive portal does, without doing the work: a 200 HTML login
    /// page, or with `status` 302 a redirect to the portal's host, or 511.
    case portal
}

/// One queued failure.
struct Fault: Sendable, Equatable {
    var mode: FaultMode
    var status: Int
    var delayMilliseconds: Int
    /// An OAuth `error` code for the `status` body, if the test asked for one.
    var error: String? = nil
    /// With `status`: a `Retry-After` header of this many seconds (RFC 9110 §10.2.3).
    var retryAfterSeconds: Int? = nil
}
