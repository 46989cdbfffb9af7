// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import NIOCore

/// The request context of the fake's router. It keeps the connection's
/// channel so a fault can close the connection without answering, which no
/// `Response` can express.
public struct FakeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
