// SPDX-License-Identifier: Apache-2.0
import ControlProtocol
import JSONCoding
import Testing

@Suite("Control messages")
struct ControlMessagesTests {
    @Test("A request printed by mistake names the secrets it carries, never their values")
    func requestDescription() {
        let login = ControlRequest(id: 7, method: "login_password", username: "camera@example.com", password: "FAKEPW_hunter2")
        let text = "\(login)"
        #expect(text == "ControlRequest(login_password id 7, with password redacted)")
        let imported = "\(ControlRequest(method: "login_import", refreshToken: "FAKERT_abc"))"
        #expect(!imported.contains("FAKERT_") && imported.contains("refresh_token redacted"))
        #expect("\(ControlRequest(method: "status"))" == "ControlRequest(status)")
    }

    @Test("The wire's times are 64-bit: 2040, 2106 and a wild clock's Int64.max go out and come back whole",
          arguments: [Int64(2_208_988_800), 4_294_967_296, Int64.max, -1])
    func times(seconds: Int64) throws {
        let reply = ControlReply(id: 1, ok: true,
                                 status: ControlStatus(state: "authorized", status: "authorized", codeExpiresAt: seconds, tokenExpiresAt: seconds),
                                 token: ControlToken(accessToken: "FAKEAT_x", tokenType: "Bearer", expiresAt: seconds, expiresIn: seconds))
        let line = ControlJSON.encode(reply)
        #expect(String(decoding: line, as: UTF8.self).contains("\"token_expires_at\":\(seconds)"))
        let back = try JSON.decode(ControlReply.self, from: Array(line.dropLast()))
        #expect(back.status?.tokenExpiresAt == seconds && back.status?.codeExpiresAt == seconds)
        #expect(back.token?.expiresAt == seconds && back.token?.expiresIn == seconds)
    }
}
