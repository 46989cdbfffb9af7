// SPDX-License-Identifier: Apache-2.0
import CLinux
import Foundation
@testable import Systemd
import Testing

/// What libsystemd did for the daemon, now done on the protocols and files
/// themselves: checked against libsystemd's own answers and a socket playing journald.
@Suite("systemd protocols without libsystemd")
struct SystemdProtocolTests {
    func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString.prefix(8))-\(name)").path
    }

    @Test("The app-specific id is libsystemd's: a known answer, and systemd-id128 on this machine")
    func machineID() throws {
        // Computed by systemd-id128 (libsystemd) for a machine with this id.
        let file = temporary("machine-id")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "3d1219c7c4c5404aaa1f6d2a48adfda4\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try MachineID.applicationSpecific(machineIDFile: file) == "f15b5c97377744bb845175ffa458bfa4")
        try "3d1219c7-c4c5-404a-aa1f-6d2a48adfda4\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try MachineID.applicationSpecific(machineIDFile: file) == "f15b5c97377744bb845175ffa458bfa4", "UUID form")

        let tool = Process()
        tool.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-id128")
        tool.arguments = ["machine-id", "--app-specific=6d2c1f8a934e4b17a50c3d72e1589b46"]
        let output = Pipe()
        tool.standardOutput = output
        tool.standardError = FileHandle.nullDevice
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-id128"), (try? tool.run()) != nil {
            tool.waitUntilExit()
            let theirs = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            if tool.terminationStatus == 0 { #expect(try MachineID.applicationSpecific() + "\n" == theirs) }
        }
    }

    @Test("A machine id that is missing, empty, uninitialized or garbage is an error that says which",
          arguments: [(nil, "missing"), ("", "empty"), ("uninitialized\n", "uninitialized"), ("not-an-id\n", "32 hexadecimal digits"),
                      ("00000000000000000000000000000000\n", "empty or uninitialized")])
    func badMachineID(_ content: String?, _ said: String) throws {
        let file = temporary("machine-id")
        defer { try? FileManager.default.removeItem(atPath: file) }
        if let content { try content.write(toFile: file, atomically: true, encoding: .utf8) }
        #expect { try MachineID.applicationSpecific(machineIDFile: file) } throws: { "\($0)".contains(said) }
    }

    @Test("The boot id is the kernel's, in libsystemd's form")
    func bootID() throws {
        let raw = try String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)
        #expect(SystemClock.readBootID() == raw.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "-", with: ""))
    }

    @Test("The watchdog interval is half of WATCHDOG_USEC, and none when WATCHDOG_PID names another process")
    func watchdog() {
        func interval(_ variables: [String: String]) -> Duration? {
            SystemdNotifier.watchdogInterval(environment: { variables[$0] }, pid: 42)
        }
        #expect(interval(["WATCHDOG_USEC": "30000000"]) == .seconds(15))
        #expect(interval(["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "42"]) == .seconds(15))
        #expect(interval(["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "43"]) == nil)
        #expect(interval(["WATCHDOG_USEC": "0"]) == nil)
        #expect(interval(["WATCHDOG_USEC": "soon"]) == nil)
        #expect(interval([:]) == nil)
    }

    @Test("LISTEN_PID and LISTEN_FDS: a count only when they name this process, and a clear word when garbled")
    func listenVariables() {
        func passed(_ pid: String?, _ fds: String?) -> (Int32, String?) {
            let (count, problem) = SocketActivation.passedCount(pid: pid, fds: fds, ourPID: 42)
            return (count, problem)
        }
        #expect(passed(nil, "1") == (0, nil), "not socket-activated")
        #expect(passed("43", "1") == (0, nil), "meant for another process")
        #expect(passed("42", "1") == (1, nil))
        #expect(passed("42", "0") == (0, nil))
        #expect(passed("forty-two", "1").1 == "LISTEN_PID is malformed (forty-two)")
        #expect(passed("42", "-1").1 == "LISTEN_FDS is malformed (-1)")
        #expect(passed("42", "99999").1 == "LISTEN_FDS is malformed (99999)")
        #expect(passed("42", nil).1 == "LISTEN_FDS is malformed (missing)")
    }

    @Test("LISTEN_FDNAMES: the socket named forwarder is the API forwarder's, any other the control socket; names that do not fit the count are ignored; a second of either is refused")
    func listenNames() {
        typealias Role = SocketActivation.Role
        #expect(SocketActivation.assign(count: 1, names: nil) == [.control])
        #expect(SocketActivation.assign(count: 1, names: "deviceauthd.socket") == [.control])
        #expect(SocketActivation.assign(count: 2, names: "deviceauthd.socket:forwarder") == [.control, .forwarder])
        #expect(SocketActivation.assign(count: 2, names: "forwarder:control") == [.forwarder, .control])
        #expect(SocketActivation.assign(count: 1, names: "forwarder") == [.forwarder], "the forwarder's socket unit alone")
        // Not one name per descriptor (an old systemd, a hand-made environment): all unnamed.
        #expect(SocketActivation.assign(count: 1, names: "forwarder:extra") == [.control])
        let twoControls = SocketActivation.assign(count: 2, names: nil)
        #expect(twoControls.first == .control)
        guard case .surplus(let why)? = twoControls.last else { Issue.record("two unnamed sockets were taken: \(twoControls)"); return }
        #expect(why.hasPrefix("systemd passed 2 sockets for the control socket;"), "\(why)")
        guard case .surplus(let forwarders)? = SocketActivation.assign(count: 3, names: "forwarder:a:forwarder").last else {
            Issue.record("two forwarder sockets were taken"); return
        }
        #expect(forwarders.hasPrefix("systemd passed 2 sockets named forwarder;") && forwarders.contains("FileDescriptorName=forwarder"), "\(forwarders)")
    }

    /// A datagram socket standing in for journald's.
    final class FakeJournal {
        let path: String
        let fd: Int32

        init(path: String) throws {
            self.path = path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard fd >= 0, bound == 0 else { throw POSIXError(.EADDRINUSE) }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        /// The next message's bytes, read from the memfd when one came instead.
        func receive() -> [UInt8]? {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var passed: Int32 = -1
            let count = buffer.withUnsafeMutableBytes { deviceauth_receive_fd(fd, $0.baseAddress, $0.count, &passed) }
            guard count >= 0 else { return nil }
            guard passed >= 0 else { return Array(buffer.prefix(count)) }
            defer { close(passed) }
            lseek(passed, 0, SEEK_SET)  // journald maps it; the writer's offset is at its end
            return FileHandle(fileDescriptor: passed, closeOnDealloc: false).readDataToEndOfFile().map { $0 }
        }

        deinit {
            close(fd)
            unlink(path)
        }
    }

    @Test("Journal fields go in journald's native format; a value with a newline in its binary form")
    func journalFields() throws {
        let journal = try FakeJournal(path: temporary("journal.sock"))
        #expect(JournalSocket.send([("MESSAGE", "paired"), ("PRIORITY", "6"), ("DEVICEAUTH_STATE", "two\nlines")], to: journal.path))
        let expected = Array("MESSAGE=paired\nPRIORITY=6\nDEVICEAUTH_STATE\n".utf8) + [9, 0, 0, 0, 0, 0, 0, 0] + Array("two\nlines\n".utf8)
        #expect(journal.receive() == expected)
    }

    @Test("A message too big for one datagram goes whole in a sealed memfd")
    func journalLargeMessage() throws {
        let journal = try FakeJournal(path: temporary("journal.sock"))
        let big = String(repeating: "x", count: 600_000)
        #expect(JournalSocket.send([("MESSAGE", big)], to: journal.path))
        let received = try #require(journal.receive())
        #expect(received.count == 600_000 + "MESSAGE=\n".utf8.count)
        #expect(received.prefix(8) == Array("MESSAGE=".utf8)[...])
    }

    @Test("No journal listening: the line is lost, nothing blocks or crashes")
    func journalAbsent() {
        #expect(!JournalSocket.send([("MESSAGE", "nobody hears this")], to: temporary("absent.sock")))
    }

    @Test("The wall-clock watch arms for a century ahead, never for a moment already past (time_t.max / 2 was 2004 where time_t is 32 bits)")
    func wallClockDeadlines() {
        let now: Int64 = 1_800_000_000
        #expect(Int64(Int32.max / 2) < now, "the former deadline, on a 32-bit time_t, was in the past")
        let deadlines = WallClockWatch.deadlines(now: now)
        #expect(deadlines.first == now + 100 * 365 * 86_400 && deadlines.allSatisfy { $0 > now })
        #expect(deadlines.last == Int64(Int32.max), "a 32-bit kernel interface's last second, while it is ahead")
        // Past 2038 the 32-bit fallback is gone, and a clock at the end of time arms nothing rather than the past.
        #expect(WallClockWatch.deadlines(now: 2_208_988_800) == [2_208_988_800 + 100 * 365 * 86_400])
        #expect(WallClockWatch.deadlines(now: .max).isEmpty)
        let century: Int64 = 100 * 365 * 86_400
        #expect(WallClockWatch.deadlines(now: -5) == [century, Int64(Int32.max)], "a clock before 1970 arms from 1970")
    }

    @Test("File status in 64-bit fields: a 5 GiB (sparse) file's size, its inode, and a descriptor's, as a 32-bit build must read them too")
    func wideFileStatus() throws {
        let path = "/tmp/da-wide-\(getpid())"
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        try #require(fd >= 0)
        defer { close(fd); unlink(path) }
        try #require(ftruncate(fd, 5 << 30) == 0)
        var byPath = deviceauth_file_status(), byDescriptor = deviceauth_file_status()
        #expect(deviceauth_status(path, 1, &byPath) == 0 && byPath.size == 5 << 30)
        #expect(deviceauth_fd_status(fd, &byDescriptor) == 0 && byDescriptor.inode == byPath.inode && byDescriptor.device == byPath.device)
        var classic = stat()
        #expect(fstat(fd, &classic) == 0 && UInt64(classic.st_dev) == byPath.device && UInt64(classic.st_ino) == byPath.inode,
                "the device is encoded as st_dev is, so JOURNAL_STREAM compares (statx used: \(deviceauth_status_uses_statx()))")
        #expect(deviceauth_status("/nonexistent/da", 1, &byPath) == -1 && errno == ENOENT)
    }
}
