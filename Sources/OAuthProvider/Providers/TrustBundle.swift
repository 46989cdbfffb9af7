// SPDX-License-Identifier: Apache-2.0
import Primitives
import CCrypto
import EpochTime
import DisplayText
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `CAFile=`: a PEM bundle of the CAs the provider's certificates are checked
/// against instead of the system's store (a provider's private CA, a studio's
/// TLS-inspecting proxy). Read here, at start and by `--check-config`, so a wrong
/// file is a configuration error naming its line, not a TLS failure at every request.
public struct TrustBundle: Sendable, Equatable {
    public struct Certificate: Sendable, Equatable {
        public let subject: String
        public let notAfter: WallTime
    }

    public let path: String
    public let certificates: [Certificate]

    /// The bundle at `path`; an error says what is wrong with it, in words.
    public static func load(_ path: String) throws(FileError) -> TrustBundle {
        let text = try SystemFiles.readText(path, limit: 4 << 20)
        let blocks = text.occurrences(of: "-----BEGIN CERTIFICATE-----")
        guard blocks > 0 else { throw FileError(path, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)") }
        var certificates: [Certificate] = []
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return }
            defer { BIO_free(bio) }
            while let x509 = PEM_read_bio_X509(bio, nil, nil, nil) {
                defer { X509_free(x509) }
                certificates.append(Certificate(subject: subject(x509), notAfter: notAfter(x509)))
            }
            ERR_clear_error()
        }
        guard certificates.count == blocks else {
            throw FileError(path, "certificate \(certificates.count + 1) of \(blocks) is not a valid PEM certificate")
        }
        return TrustBundle(path: path, certificates: certificates)
    }

    public func expired(at now: WallTime) -> [Certificate] { certificates.filter { $0.notAfter < now } }

    static func subject(_ x509: OpaquePointer) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        X509_NAME_oneline(X509_get_subject_name(x509), &buffer, Int32(buffer.count))
        return DisplayText.line(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), maxBytes: 200)
    }

    /// The certificate's notAfter. The calendar fields OpenSSL reads are turned into
    /// seconds by our own arithmetic: `timegm` answers -1 for a date past 2038 where
    /// `time_t` is 32 bits wide, and a CA valid until 2050 would read as long expired.
    static func notAfter(_ x509: OpaquePointer) -> WallTime {
        var time = tm()
        guard let asn1 = X509_get0_notAfter(x509), ASN1_TIME_to_tm(asn1, &time) == 1 else { return WallTime(timeIntervalSince1970: 0) }
        return WallTime(timeIntervalSince1970: Double(seconds(of: time)))
    }

    static func seconds(of time: tm) -> Int64 {
        CivilTime(year: Int64(time.tm_year) + 1900, month: Int(time.tm_mon) + 1, day: Int(time.tm_mday),
                  hour: Int(time.tm_hour), minute: Int(time.tm_min), second: Int(time.tm_sec)).secondsSince1970
    }
}
