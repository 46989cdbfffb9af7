// SPDX-License-Identifier: Apache-2.0
@testable import Control
import ControlProtocol
import JSONCoding
import Testing

@Suite("Control messages")
struct ControlMessagesTests {
    @Test("A request printed by mistake names the secrets it carries, never their values")
    func requestDescription() {
        let login = ControlRequest(LoginPasswordMethod.self, LoginPasswordParameters(username: "camera@example.com", password: "FAKEPW_hunter2"), id: 7)
        let text = "\(login)"
        #expect(text == "ControlRequest(login_password id 7, with password redacted)")
        let imported = "\(ControlRequest(LoginImportMethod.self, LoginImportParameters(refreshToken: "FAKERT_abc")))"
        #expect(!imported.contains("FAKERT_") && imported.contains("refresh_token redacted"))
        #expect("\(ControlRequest(StatusMethod.self))" == "ControlRequest(status)")
    }

    /// The typed messages write the lines the protocol document shows (and older clients send).
    @Test("Requests go out as one flat object: id, method and the method's parameters beside them")
    func requestLines() {
        func line<M>(_ request: ControlRequest<M>) -> String { String(decoding: ControlJSON.encode(request), as: UTF8.self) }
        #expect(line(ControlRequest(StatusMethod.self, id: 1)) == #"{"id":1,"method":"status"}"# + "\n")
        #expect(line(ControlRequest(TokenMethod.self, TokenParameters(minValidSeconds: 300), id: 2)) == #"{"id":2,"method":"token","min_valid_seconds":300}"# + "\n")
        #expect(line(ControlRequest(TokenMethod.self, TokenParameters())) == #"{"method":"token"}"# + "\n")
        #expect(line(ControlRequest(LoginStartMethod.self, LoginStartParameters(redirectURI: "http://127.0.0.1:8/cb")))
                == #"{"method":"login_start","redirect_uri":"http://127.0.0.1:8/cb"}"# + "\n")
        #expect(line(ControlRequest(LoginFinishMethod.self, LoginFinishParameters(state: "s", code: "FAKECODE_c")))
                == #"{"code":"FAKECODE_c","method":"login_finish","state":"s"}"# + "\n")
    }

    @Test("A reply is id, ok and the result's members beside them; an error reply has no result; each reads back by its method's type")
    func replyLines() throws {
        let status = ControlStatus(state: "unpaired", status: "unpaired: run deviceauthctl pair")
        let unpair = ControlReply(id: 3, result: UnpairResult(status: status, revoked: true, revocation: "revoked", message: "revoked at the provider"))
        let line = ControlJSON.encode(unpair)
        #expect(String(decoding: line, as: UTF8.self) == #"{"id":3,"message":"revoked at the provider","ok":true,"revocation":"revoked","revoked":true,"status":{"state":"unpaired","status":"unpaired: run deviceauthctl pair"}}"# + "\n")
        let back = try JSON.decode(ControlReply<UnpairResult>.self, from: Array(line.dropLast()))
        #expect(back.ok && back.id == 3 && back.result == unpair.result)
        let refused = ControlJSON.encode(ControlReply<NoResult>(id: 4, error: ControlError(.permissionDenied, "token needs the token reader role")))
        #expect(String(decoding: refused, as: UTF8.self) == #"{"error":{"code":"permission_denied","message":"token needs the token reader role"},"id":4,"ok":false}"# + "\n")
        // Read as the method that was asked: the error, no result.
        let asToken = try JSON.decode(ControlReply<TokenResult>.self, from: Array(refused.dropLast()))
        #expect(!asToken.ok && asToken.result == nil && asToken.error?.code == "permission_denied")
        // An ok reply without the method's result is not a reply of that method.
        #expect(throws: (any Error).self) { try JSON.decode(ControlReply<TokenResult>.self, from: Array(#"{"id":1,"ok":true}"#.utf8)) }
    }

    @Test("The wire's times are 64-bit: 2040, 2106 and a wild clock's Int64.max go out and come back whole",
          arguments: [Int64(2_208_988_800), 4_294_967_296, Int64.max, -1])
    func times(seconds: Int64) throws {
        let status = ControlReply(id: 1, result: StatusResult(status: ControlStatus(state: "authorized", status: "authorized", codeExpiresAt: seconds, tokenExpiresAt: seconds)))
        let token = ControlReply(id: 2, result: TokenResult(token: ControlToken(accessToken: "FAKEAT_x", tokenType: "Bearer", expiresAt: seconds, expiresIn: seconds)))
        let statusLine = ControlJSON.encode(status), tokenLine = ControlJSON.encode(token)
        #expect(String(decoding: statusLine, as: UTF8.self).contains("\"token_expires_at\":\(seconds)"))
        let backStatus = try JSON.decode(ControlReply<StatusResult>.self, from: Array(statusLine.dropLast())).result?.status
        #expect(backStatus?.tokenExpiresAt == seconds && backStatus?.codeExpiresAt == seconds)
        let backToken = try JSON.decode(ControlReply<TokenResult>.self, from: Array(tokenLine.dropLast())).result?.token
        #expect(backToken?.expiresAt == seconds && backToken?.expiresIn == seconds)
    }

    @Test("The server serves exactly the methods of ControlMethods.all, each with its descriptor's role")
    func servedTable() {
        #expect(ServedMethod.all.map(\.name) == ControlMethods.all.map { $0.name })
        for method in ControlMethods.all {
            #expect(ServedMethod.named(method.name)?.role == method.role, "\(method.name)")
        }
        #expect(Set(ControlMethods.all.map { $0.name }).count == ControlMethods.all.count)
    }
}
