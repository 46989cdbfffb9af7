// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A built product of this package run as a real subprocess, with its output
/// captured to files (pipes could fill up and block a chatty program).
public final class Subprocess: @unchecked Sendable {
    public let process = Process()
    public let outputURL: URL
    public let directory: URL

    /// The directory `swift build` puts the products in: the test bundle lives there too.
    public static var productsDirectory: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// Where a product is: the build's, except the daemon and the CLI when
    /// `DEVICEAUTH_TEST_BINARIES` names another build of them (Scripts/test runs the daemon's
    /// suites again with the daemon built on Swift's own executors).
    public static func binaryURL(_ product: String) -> URL {
        if ["deviceauthd", "deviceauthctl"].contains(product),
           let other = ProcessInfo.processInfo.environment["DEVICEAUTH_TEST_BINARIES"], !other.isEmpty {
            return URL(fileURLWithPath: other).appendingPathComponent(product)
        }
        return productsDirectory.appendingPathComponent(product)
    }

    /// The package's own directory (where Package.swift is), for tests that read its files.
    public static let packageDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Runs any program to completion (bounded), answering its status (nil if it
    /// had to be killed) and combined output. Async, and waiting with sleeps, on
    /// purpose: a test blocking one of the few cooperative threads starves the
    /// in-process fake provider that other tests' daemons are talking to.
    public static func run(_ executable: String, _ arguments: [String], seconds: Double = 30,
                           environment: [String: String] = [:]) async throws -> (status: Int32?, output: String) {
        let program = try Subprocess(executable, arguments, environment: environment)
        let status = await program.waitForExit(seconds: seconds)
        return (status, program.output)
    }

    /// - Parameter product: a product of this package, or an absolute path to any program.
    public init(_ product: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("deviceauth-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        outputURL = directory.appendingPathComponent("output.log")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputURL)
        process.executableURL = product.hasPrefix("/") ? URL(fileURLWithPath: product) : Self.binaryURL(product)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    public var output: String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }

    public func signal(_ signal: Int32) { if process.isRunning { kill(process.processIdentifier, signal) } }

    /// Waits at most `seconds` for the program to exit; kills it (and answers nil) if it does not.
    public func waitForExit(seconds: Double) async -> Int32? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard !process.isRunning else {
            killAndReap()
            return nil
        }
        return process.terminationStatus
    }

    /// Polls (bounded) until the program has printed `text`; false if it exits or the time runs out first.
    @discardableResult
    public func waitForOutput(_ text: String, seconds: Double = 5) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !output.contains(text) {
            guard process.isRunning, ContinuousClock.now < deadline else { return output.contains(text) }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// Polls (bounded) until the program has printed `text` `count` times; false if it exits or the time runs out first.
    public func waitForOutput(count: Int, of text: String, seconds: Double) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        func printed() -> Bool { output.components(separatedBy: text).count - 1 >= count }
        while !printed() {
            guard process.isRunning, ContinuousClock.now < deadline else { return printed() }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// Polls (bounded) until `path` holds a non-empty line, e.g. a port file.
    public func waitForFile(_ path: String, seconds: Double) async -> String? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        func written() -> String? {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8), text.hasSuffix("\n") else { return nil }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        while ContinuousClock.now < deadline && process.isRunning {
            if let text = written() { return text }
            try? await Task.sleep(for: .milliseconds(20))
        }
        // It may have written the file and exited since the last look.
        return written()
    }

    /// SIGKILL, then at most 5 s for Foundation to notice the exit. Not waitUntilExit():
    /// on a thread without a run loop it spins at full CPU until a SIGCHLD handler on
    /// another queue runs, and a test process whose cooperative threads are busy (two on
    /// this machine) once spun there for ten minutes, starving every other test.
    private func killAndReap() {
        kill(process.processIdentifier, SIGKILL)
        for _ in 0..<500 where process.isRunning { usleep(10_000) }
    }

    deinit {
        if process.isRunning { killAndReap() }
        try? FileManager.default.removeItem(at: directory)
    }
}
