// SPDX-License-Identifier: Apache-2.0
import ControlProtocol
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
}
