// SPDX-License-Identifier: Apache-2.0
import Hummingbird

/// The activation page of `verification_uri` / `verification_uri_complete`.
extension FakeProvider {
    func addActivationRoutes(to router: Router<FakeRequestContext>) {
        let state = self.state
        let configuration = self.configuration
        router.get("/device") { request, _ in
            guard let typed = request.uri.queryParameters["code"].map(String.init) else {
                return Self.html(ActivationPage.codeForm())
            }
            guard let userCode = Self.normalizedUserCode(typed),
                  let code = await state.undecidedCode(userCode: userCode)
            else { return Self.html(ActivationPage.codeForm(message: Self.unknownCodeMessage), status: .notFound) }
            return Self.html(ActivationPage.confirmation(
                deviceName: configuration.deviceName, projectName: configuration.projectName,
                userCode: code.userCode, expiresAt: code.expiresAt))
        }
        for approve in [true, false] {
            router.post(approve ? "/device/approve" : "/device/deny") { request, _ in
                let body = try await request.body.collect(upTo: Self.maxFormBytes)
                let form = try? FormBody.parse(contentType: request.headers[.contentType], body: Array(buffer: body))
                guard let userCode = form?["code"].flatMap(Self.normalizedUserCode),
                      await state.decide(userCode: userCode, approve: approve) > 0
                else { return Self.html(ActivationPage.codeForm(message: Self.unknownCodeMessage), status: .notFound) }
                return Self.html(approve
                    ? ActivationPage.result(title: "Device connected",
                                            message: "\(configuration.deviceName) is now connected to \(configuration.projectName). You can close this page.")
                    : ActivationPage.result(title: "Device not connected",
                                            message: "You denied the request. The camera will not be connected."))
            }
        }
    }

    static let unknownCodeMessage = "That code is not valid or has expired. Check the code on the camera and try again."

    /// Six digits, allowing the spaces or dash a person may type ("123 456").
    /// A browser's GET form sends a space as "+", which the query decoder leaves alone.
    static func normalizedUserCode(_ typed: String) -> String? {
        let digits = typed.filter { $0 != " " && $0 != "-" && $0 != "+" }
        return digits.count == 6 && digits.allSatisfy(\.isASCIIDigit) ? digits : nil
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
