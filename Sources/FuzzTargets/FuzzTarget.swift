// SPDX-License-Identifier: Apache-2.0
import Control
import ControlProtocol
import JSONCoding

/// A parser of untrusted input, fuzzed by `Scripts/fuzz` (libFuzzer) and replayed
/// on its corpus by the test suite. Each calls the project's real code and checks
/// properties beyond "no crash"; a violated property is thrown, and the fuzzer
/// keeps the input.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case tokenAnswer = "token_answer"
    case deviceCodeAnswer = "device_code_answer"
    case errorAnswer = "error_answer"
    case discovery
    case controlStream = "control_stream"
    case config
    case sealedRow = "sealed_row"
    case redirectURL = "redirect_url"
    case formRoundTrip = "form_round_trip"
    case json
    case qrCode = "qr_code"
    case forwarderTarget = "forwarder_target"
    case forwarderHeaders = "forwarder_headers"

    public func run(_ bytes: [UInt8]) throws(PropertyViolation) {
        switch self {
        case .tokenAnswer: try ProviderAnswerTargets.token(bytes)
        case .deviceCodeAnswer: try ProviderAnswerTargets.deviceCode(bytes)
        case .errorAnswer: try ProviderAnswerTargets.error(bytes)
        case .discovery: try ProviderAnswerTargets.discovery(bytes)
        case .controlStream: try LocalInputTargets.controlStream(bytes)
        case .config: try LocalInputTargets.config(bytes)
        case .sealedRow: try LocalInputTargets.sealedRow(bytes)
        case .redirectURL: try LocalInputTargets.redirectURL(bytes)
        case .formRoundTrip: try LocalInputTargets.formRoundTrip(bytes)
        case .json: try LocalInputTargets.json(bytes)
        case .qrCode: try QRCodeTarget.qrCode(bytes)
        case .forwarderTarget: try LocalInputTargets.forwarderTarget(bytes)
        case .forwarderHeaders: try LocalInputTargets.forwarderHeaders(bytes)
        }
    }
}

/// A property of a parser that an input broke (it would be a bug in the daemon).
public struct PropertyViolation: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(PropertyViolation) {
    if !condition { throw PropertyViolation(message()) }
}

/// A token or code fit to store, log as a fingerprint and put in a header: not empty, no control characters.
func requireOpaque(_ value: String, _ what: String) throws(PropertyViolation) {
    try require(!value.isEmpty, "\(what) is empty")
    try require(!value.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(what) holds a control character")
}
