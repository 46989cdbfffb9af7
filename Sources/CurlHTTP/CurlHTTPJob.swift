// SPDX-License-Identifier: Apache-2.0
import CCurl
import OAuthProvider

/// An HTTP request as a libcurl transfer: the call set on the handle, the answer
/// collected under caps, a failure named as a `NetworkFault`.
/// Unchecked: the request and the response are touched by the exchange's thread only.
struct CurlHTTPJob: CurlJob, @unchecked Sendable {
    let request: CurlRequest
    let response: CurlResponse
    let limits: CurlTransport.Limits
    let network: CurlTransport.Network
    /// The URL asked (no secret in it), handed back with the answer.
    let url: String

    init(call: HTTPCall, limits: CurlTransport.Limits, network: CurlTransport.Network) {
        request = CurlRequest(call: call)
        response = CurlResponse(maxBodyBytes: limits.maxBodyBytes, maxHeaderBytes: limits.maxHeaderBytes)
        url = call.url
        self.limits = limits
        self.network = network
    }

    func configure(_ easy: UnsafeMutableRawPointer, errorBuffer: UnsafeMutablePointer<CChar>) -> Bool {
        request.configure(easy, limits: limits, network: network, response: response, errorBuffer: errorBuffer)
    }

    func finish(_ easy: UnsafeMutableRawPointer, code: CURLcode, detail: String) -> Result<HTTPAnswer, OAuthFailure> {
        if let overflow = response.overflow { return .failure(.malformed(overflow)) }
        guard code == CURLE_OK else { return .failure(.network(CurlFault.of(easy, code: code, detail: detail, proxy: network.proxy(forURL: url)))) }
        var status = 0
        _ = deviceauth_curl_response_code(easy, &status)
        return .success(HTTPAnswer(status: status, headers: response.headers, body: response.body, url: url))
    }

    func unfinished(_ why: String) -> Result<HTTPAnswer, OAuthFailure> { .failure(.network(NetworkFault(.other, why))) }

    func release() { request.release() }
}
