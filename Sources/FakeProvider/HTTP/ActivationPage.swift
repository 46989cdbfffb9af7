// SPDX-License-Identifier: Apache-2.0
import DisplayText
import Foundation

/// The HTML a person sees on their phone: enter the camera's code, then
/// approve or deny. Plain forms, no script, so it works in any browser.
enum ActivationPage {
    static func codeForm(message: String? = nil) -> String {
        page(title: "Connect a device", body: """
            <h1>Connect a device</h1>
            \(message.map { "<p class=\"error\">\(escape($0))</p>" } ?? "")
            <p>Enter the six-digit code shown on your camera.</p>
            <form method="get" action="/device">
              <input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" placeholder="123456" required autofocus>
              <button type="submit">Continue</button>
            </form>
            """)
    }

    static func confirmation(deviceName: String, projectName: String, userCode: String, expiresAt: Date) -> String {
        let code = escape(userCode)
        let expiry = ISO8601DateFormatter().string(from: expiresAt)
        return page(title: "Connect \(deviceName)?", body: """
            <h1>Connect device \(escape(deviceName)) to project \(escape(projectName))?</h1>
            <p>Code <strong>\(code)</strong>, valid until \(escape(expiry)).</p>
            <form method="post" action="/device/approve"><input type="hidden" name="code" value="\(code)">
              <button type="submit" class="approve">Approve</button></form>
            <form method="post" action="/device/deny"><input type="hidden" name="code" value="\(code)">
              <button type="submit" class="deny">Deny</button></form>
            """)
    }

    static func result(title: String, message: String) -> String {
        page(title: title, body: "<h1>\(escape(title))</h1>\n<p>\(escape(message))</p>")
    }

    static func escape(_ text: String) -> String { DisplayText.markupEscaped(text) }

    static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) · Fake Frame.io</title>
        <style>
          body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; color: #1a1a1a; }
          h1 { font-size: 1.4rem; } .error { color: #b00020; }
          input { font-size: 1.6rem; letter-spacing: .3rem; width: 9rem; padding: .3rem; }
          button { font-size: 1.1rem; padding: .5rem 1.2rem; margin: .5rem .5rem 0 0; border-radius: .4rem; border: 1px solid #888; }
          .approve { background: #5b53ff; color: white; border-color: #5b53ff; }
          form { display: inline-block; }
        </style></head>
        <body>
        \(body)
        </body></html>
        """
    }
}
