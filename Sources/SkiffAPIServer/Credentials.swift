import Crypto
import Foundation
import SkiffAPI
import SwiftASN1
import X509

/// The master's own CA, serving certificate and bearer token, made on first start and kept in
/// the data directory (`ca.crt`, `ca.key`, `server.crt`, `server.key`, `token`), so kubeconfigs
/// stay valid across restarts.
public struct Credentials: Sendable {
    public var caPEM: String
    public var certificatePEM: String
    public var privateKeyPEM: String
    public var token: String

    public static func loadOrCreate(in directory: URL) throws -> Credentials {
        let files = ["ca.crt", "ca.key", "server.crt", "server.key", "token"].map {
            directory.appendingPathComponent($0)
        }
        if files.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) {
            let text = try files.map { try String(contentsOf: $0, encoding: .utf8) }
            return Credentials(
                caPEM: text[0], certificatePEM: text[2], privateKeyPEM: text[3],
                token: text[4].trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let made = try make()
        let caKey = made.caKeyPEM
        try write(made.credentials.caPEM, to: files[0], mode: 0o644)
        try write(caKey, to: files[1], mode: 0o600)
        try write(made.credentials.certificatePEM, to: files[2], mode: 0o644)
        try write(made.credentials.privateKeyPEM, to: files[3], mode: 0o600)
        try write(made.credentials.token + "\n", to: files[4], mode: 0o600)
        return made.credentials
    }

    private static func write(_ text: String, to url: URL, mode: Int) throws {
        // Create with the final mode so a key is never readable by others, even briefly.
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, mode_t(mode))
        guard fd >= 0 else { throw SkiffError.internalError("open(\(url.path)): errno \(errno)") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard Foundation.write(fd, bytes, bytes.count) == bytes.count else {
            throw SkiffError.internalError("write(\(url.path)): errno \(errno)")
        }
        fsync(fd)
    }

    /// A P-256 CA valid for 10 years and a serving certificate for 127.0.0.1 and localhost.
    static func make() throws -> (credentials: Credentials, caKeyPEM: String) {
        let now = Date()
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName {
            OrganizationName("skiff")
            CommonName("skiff-ca")
        }
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(10 * 365 * 86400),
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: Certificate.PublicKey(caKey.publicKey))
            },
            issuerPrivateKey: .init(caKey))
        let serverKey = P256.Signing.PrivateKey()
        let serverName = try DistinguishedName {
            OrganizationName("skiff")
            CommonName("skiff-apiserver")
        }
        let server = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(serverKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(5 * 365 * 86400),
            issuer: caName, subject: serverName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([
                    .dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                ])
            },
            issuerPrivateKey: .init(caKey))
        var tokenBytes = [UInt8](repeating: 0, count: 32)
        for i in tokenBytes.indices { tokenBytes[i] = UInt8.random(in: 0...255) }
        let token = tokenBytes.map { String(format: "%02x", $0) }.joined()
        let credentials = Credentials(
            caPEM: try ca.serializeAsPEM().pemString, certificatePEM: try server.serializeAsPEM().pemString,
            privateKeyPEM: serverKey.pemRepresentation, token: token)
        return (credentials, caKey.pemRepresentation)
    }

    /// A kubeconfig for kubectl and the Python client: HTTPS with the CA inline and the token.
    public func kubeconfig(port: Int) -> String {
        let ca = Data(caPEM.utf8).base64EncodedString()
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: skiff
              cluster:
                server: https://127.0.0.1:\(port)
                certificate-authority-data: \(ca)
            users:
            - name: skiff-admin
              user:
                token: \(token)
            contexts:
            - name: skiff
              context:
                cluster: skiff
                user: skiff-admin
                namespace: default
            current-context: skiff

            """
    }
}
