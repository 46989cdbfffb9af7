// SPDX-License-Identifier: Apache-2.0
/// A network that answers in the provider's place: a hotel's or a venue's login page.
/// A provider's API never answers a call with a web page, never redirects it to another
/// host, and never says 511 (RFC 6585 §6, Network Authentication Required): a portal does
/// all three. (A certificate for another name, the other sign of a portal on HTTPS, is
/// the transport's `tlsName`.)
public enum CaptivePortal {
    /// `webPageIsPortal`: a 2xx web page is a portal's only where the provider must answer
    /// with JSON; a revocation's 200 may carry any body (RFC 7009 §2.2).
    public static func recognize(_ answer: HTTPAnswer, webPageIsPortal: Bool = true) -> NetworkFault? {
        let bytes = answer.body.count
        if answer.status == 511 { return NetworkFault(.captivePortal, "the network answered 511 Network Authentication Required") }
        if (300..<400).contains(answer.status), let location = answer.header("location"),
           let target = URLOrigin(location)?.host, target != answer.url.flatMap(URLOrigin.init)?.host {
            return NetworkFault(.captivePortal, "the request was redirected to \(ServerError.printable(String(target.prefix(80))))")
        }
        if webPageIsPortal, (200..<300).contains(answer.status), isWebPage(answer) {
            return NetworkFault(.captivePortal, "a web page (\(bytes) bytes) came instead of the provider's answer")
        }
        return nil
    }

    static func isWebPage(_ answer: HTTPAnswer) -> Bool {
        if answer.header("content-type")?.lowercased().hasPrefix("text/html") == true { return true }
        let start = answer.body.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }.prefix(15)
        let text = String(decoding: start, as: UTF8.self).lowercased()
        return text.hasPrefix("<!doctype html") || text.hasPrefix("<html")
    }
}
