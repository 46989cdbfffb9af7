// SPDX-License-Identifier: Apache-2.0
/// Hands the provider client the endpoints to call, and hears when a call
/// failed in a way that may mean they moved.
///
/// Contract for implementers: `current()` returns within a bounded time; it
/// throws only `OAuthFailure` (`.network` or `.malformed` when endpoints cannot
/// be had now: transient, retried by the engine's backoff).
public protocol EndpointSource: Sendable {
    func current() async throws(OAuthFailure) -> ProviderEndpoints
    /// A call to one of the endpoints failed without an OAuth answer (no connection, a 404…).
    func callFailed() async
}

/// Endpoints fixed by the dialect (Frame.io's paths) or given in the config.
public struct FixedEndpoints: EndpointSource {
    public let endpoints: ProviderEndpoints
    public init(_ endpoints: ProviderEndpoints) { self.endpoints = endpoints }
    public func current() async throws(OAuthFailure) -> ProviderEndpoints { endpoints }
    public func callFailed() async {}
}
