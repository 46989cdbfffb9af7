// SPDX-License-Identifier: Apache-2.0
import CCurl
import OAuthProvider
import Primitives

/// What kind of fault a transfer that got no answer met (`NetworkFault`), decided from
/// libcurl's code, the proxy's answer to CONNECT and OpenSSL's verify result: the one
/// place that reading is made, for requests and for the doctor's probes alike.
enum CurlFault {
    /// - Parameter detail: libcurl's error buffer (URLs carry no secrets here, so its
    ///   words, host and port, may be shown).
    /// - Parameter proxy: the proxy this transfer went through (nil: direct, `NoProxy=`
    ///   included: a refused connection is then the provider's, not the proxy's).
    static func of(_ easy: UnsafeMutableRawPointer, code: CURLcode, detail: String, proxy: String?) -> NetworkFault {
        if let proxy {
            var connectCode = 0
            _ = deviceauth_curl_connect_code(easy, &connectCode)
            if let words = describeProxy(code, connectCode: connectCode, proxy: proxy, detail: detail) {
                return NetworkFault(.proxy, words)
            }
        }
        var verifyResult = 0
        _ = deviceauth_curl_verify_result(easy, &verifyResult)
        return classify(code, verifyResult: verifyResult, detail: detail)
    }

    /// A failure that is the proxy's, said so: with a proxy, every connection is to the
    /// proxy, and its answer to CONNECT says whether it would (or could) reach the provider.
    /// nil when the failure came after the tunnel was up (the provider's, or TLS's).
    static func describeProxy(_ code: CURLcode, connectCode: Int, proxy: String, detail: String) -> String? {
        switch (code, connectCode) {
        case (CURLE_COULDNT_RESOLVE_PROXY, _): return "the proxy \(proxy) cannot be resolved (\(detail.prefix(120)))"
        case (CURLE_COULDNT_CONNECT, _): return "the proxy \(proxy) is not answering (\(detail.prefix(120)))"
        case (_, 407): return "the proxy \(proxy) wants credentials, or refused them (407): check ProxyCredentialsFile="
        case (_, 403): return "the proxy \(proxy) refused to connect to the provider (403): ask its administrator to allow the provider's host"
        case (_, 500...599): return "the proxy \(proxy) could not reach the provider (\(connectCode))"
        case (_, 1...199), (_, 201...499): return "the proxy \(proxy) refused the connection (\(connectCode))"
        default: return nil
        }
    }

    /// `verifyResult` is OpenSSL's X509_V_ERR_* for a certificate that failed.
    static func classify(_ code: CURLcode, verifyResult: Int, detail: String) -> NetworkFault {
        let words = String((detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail).prefix(160))
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST: return NetworkFault(.dns, words)
        case CURLE_COULDNT_CONNECT: return NetworkFault(.connection, words)
        case CURLE_OPERATION_TIMEDOUT: return NetworkFault(.connection, "timed out")
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_SEND_ERROR:
            return NetworkFault(.other, "connection closed before the answer")
        case CURLE_PEER_FAILED_VERIFICATION:
            // libcurl checks the name itself (OpenSSL's chain verdict is then still "ok"):
            // its words are the only sign ("no alternative certificate subject name matches…").
            if words.includes("subject name") || words.includes("host name") { return NetworkFault(.tlsName, words) }
            switch verifyResult {
            // X509_V_ERR_CERT_NOT_YET_VALID, _CERT_HAS_EXPIRED (and their CRL twins): a date, which a clock can explain.
            case 9, 10, 11, 12: return NetworkFault(.tlsDates, words)
            // X509_V_ERR_HOSTNAME_MISMATCH, _IP_ADDRESS_MISMATCH.
            case 62, 64: return NetworkFault(.tlsName, words)
            default: return NetworkFault(.tlsUntrusted, words)
            }
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE:
            return NetworkFault(.tls, words)
        default: return NetworkFault(.other, words)
        }
    }
}
