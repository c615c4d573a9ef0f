//! Code points as types: a content type cannot be compared with a handshake type, and code
//! decides on these values (`ht::FINISHED`), never on a display name. Each type serialises as its
//! bare number, so the JSON contract is unchanged. Names and RFCs come from the IANA tables in
//! `registry` (`ContentType::name` and the like are implemented there).

use serde::Serialize;

macro_rules! code_point {
    ($(#[$doc:meta])* $name:ident($t:ty)) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub $t);

        impl std::fmt::Display for $name {
            /// The bare number, as the JSON has it.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::fmt::LowerHex for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::LowerHex::fmt(&self.0, f)
            }
        }
    };
}

code_point!(
    /// A record's ContentType (IANA TLS ContentType registry; RFC 8446 §5.1).
    ContentType(u8)
);
code_point!(
    /// A handshake message's HandshakeType (IANA TLS HandshakeType registry; RFC 8446 §4).
    HandshakeType(u8)
);
code_point!(
    /// An ExtensionType (IANA TLS ExtensionType Values; RFC 8446 §4.2).
    ExtensionType(u16)
);
code_point!(
    /// A cipher suite (IANA TLS Cipher Suites; RFC 8446 §B.4, RFC 5246 §A.5).
    CipherSuite(u16)
);
code_point!(
    /// A NamedGroup (IANA TLS Supported Groups; RFC 8446 §4.2.7, RFC 8422 §5.1.1).
    NamedGroup(u16)
);
code_point!(
    /// A SignatureScheme (IANA TLS SignatureScheme; RFC 8446 §4.2.3), or a TLS 1.2
    /// SignatureAndHashAlgorithm pair read as one 16-bit value (RFC 5246 §7.4.1.4.1).
    SignatureScheme(u16)
);
code_point!(
    /// An AlertDescription (IANA TLS Alerts; RFC 8446 §6, RFC 5246 §7.2).
    AlertDescription(u8)
);

/// Content types.
pub mod ct {
    use super::ContentType as T;
    /// Not a TLS content type (0 is reserved as invalid in the registry): the model gives it to
    /// the QUIC packets that are steps of their own.
    pub const QUIC_PACKET: T = T(0);
    pub const CHANGE_CIPHER_SPEC: T = T(20);
    pub const ALERT: T = T(21);
    pub const HANDSHAKE: T = T(22);
    pub const APPLICATION_DATA: T = T(23);
    pub const HEARTBEAT: T = T(24);
    /// Not a TLS content type: an SSL 2.0-format record (only the SSLv2-compatible ClientHello,
    /// RFC 5246 Appendix E.2), whose 2-byte header has no content type.
    pub const SSLV2: T = T(0x80);
}

/// Handshake message types.
pub mod ht {
    use super::HandshakeType as T;
    pub const HELLO_REQUEST: T = T(0);
    pub const CLIENT_HELLO: T = T(1);
    pub const SERVER_HELLO: T = T(2);
    pub const HELLO_VERIFY_REQUEST: T = T(3);
    pub const NEW_SESSION_TICKET: T = T(4);
    pub const END_OF_EARLY_DATA: T = T(5);
    pub const ENCRYPTED_EXTENSIONS: T = T(8);
    pub const CERTIFICATE: T = T(11);
    pub const SERVER_KEY_EXCHANGE: T = T(12);
    pub const CERTIFICATE_REQUEST: T = T(13);
    pub const SERVER_HELLO_DONE: T = T(14);
    pub const CERTIFICATE_VERIFY: T = T(15);
    pub const CLIENT_KEY_EXCHANGE: T = T(16);
    pub const FINISHED: T = T(20);
    pub const CERTIFICATE_URL: T = T(21);
    pub const CERTIFICATE_STATUS: T = T(22);
    pub const SUPPLEMENTAL_DATA: T = T(23);
    pub const KEY_UPDATE: T = T(24);
    pub const COMPRESSED_CERTIFICATE: T = T(25);
    /// RFC 8446 §4.4.1: stands in for ClientHello1 in the transcript after a HelloRetryRequest.
    pub const MESSAGE_HASH: T = T(254);
}

/// Extension types, with what defines each.
pub mod ext {
    use super::ExtensionType as T;
    pub const SERVER_NAME: T = T(0); // RFC 6066
    pub const MAX_FRAGMENT_LENGTH: T = T(1); // RFC 6066
    pub const STATUS_REQUEST: T = T(5); // RFC 6066
    pub const SUPPORTED_GROUPS: T = T(10); // RFC 8422, RFC 7919
    pub const EC_POINT_FORMATS: T = T(11); // RFC 8422
    pub const SIGNATURE_ALGORITHMS: T = T(13); // RFC 8446
    pub const USE_SRTP: T = T(14); // RFC 5764
    pub const HEARTBEAT: T = T(15); // RFC 6520
    pub const ALPN: T = T(16); // RFC 7301
    pub const SIGNED_CERTIFICATE_TIMESTAMP: T = T(18); // RFC 6962
    pub const CLIENT_CERTIFICATE_TYPE: T = T(19); // RFC 7250
    pub const SERVER_CERTIFICATE_TYPE: T = T(20); // RFC 7250
    pub const PADDING: T = T(21); // RFC 7685
    pub const ENCRYPT_THEN_MAC: T = T(22); // RFC 7366
    pub const EXTENDED_MASTER_SECRET: T = T(23); // RFC 7627
    pub const COMPRESS_CERTIFICATE: T = T(27); // RFC 8879
    pub const RECORD_SIZE_LIMIT: T = T(28); // RFC 8449
    pub const DELEGATED_CREDENTIAL: T = T(34); // RFC 9345
    pub const SESSION_TICKET: T = T(35); // RFC 5077, RFC 8447
    pub const PRE_SHARED_KEY: T = T(41); // RFC 8446
    pub const EARLY_DATA: T = T(42); // RFC 8446
    pub const SUPPORTED_VERSIONS: T = T(43); // RFC 8446
    pub const COOKIE: T = T(44); // RFC 8446
    pub const PSK_KEY_EXCHANGE_MODES: T = T(45); // RFC 8446
    pub const CERTIFICATE_AUTHORITIES: T = T(47); // RFC 8446
    pub const OID_FILTERS: T = T(48); // RFC 8446
    pub const POST_HANDSHAKE_AUTH: T = T(49); // RFC 8446
    pub const SIGNATURE_ALGORITHMS_CERT: T = T(50); // RFC 8446
    pub const KEY_SHARE: T = T(51); // RFC 8446
    pub const CONNECTION_ID: T = T(54); // RFC 9146
    pub const QUIC_TRANSPORT_PARAMETERS: T = T(57); // RFC 9001
    pub const TICKET_REQUEST: T = T(58); // RFC 9149
    pub const ALPS_OLD: T = T(0x4469); // Chromium ALPS, old code point (draft-vvv-tls-alps)
    pub const ALPS: T = T(0x44cd); // Chromium ALPS (draft-vvv-tls-alps)
    pub const ENCRYPTED_CLIENT_HELLO: T = T(0xfe0d); // draft-ietf-tls-esni
    pub const RENEGOTIATION_INFO: T = T(0xff01); // RFC 5746
    pub const QUIC_TRANSPORT_PARAMETERS_DRAFT: T = T(0xffa5); // QUIC drafts (before RFC 9001)
}

/// Alert descriptions (RFC 8446 §6, RFC 5246 §7.2, RFC 7301 §3.2, RFC 6066 §3).
pub mod alert {
    use super::AlertDescription as T;
    pub const CLOSE_NOTIFY: T = T(0);
    pub const BAD_RECORD_MAC: T = T(20);
    pub const HANDSHAKE_FAILURE: T = T(40);
    pub const BAD_CERTIFICATE: T = T(42);
    pub const UNSUPPORTED_CERTIFICATE: T = T(43);
    pub const CERTIFICATE_REVOKED: T = T(44);
    pub const CERTIFICATE_EXPIRED: T = T(45);
    pub const CERTIFICATE_UNKNOWN: T = T(46);
    pub const ILLEGAL_PARAMETER: T = T(47);
    pub const UNKNOWN_CA: T = T(48);
    pub const ACCESS_DENIED: T = T(49);
    pub const DECODE_ERROR: T = T(50);
    pub const DECRYPT_ERROR: T = T(51);
    pub const PROTOCOL_VERSION: T = T(70);
    pub const UNRECOGNIZED_NAME: T = T(112);
    pub const NO_APPLICATION_PROTOCOL: T = T(120);
}

/// Named groups the code decides on by value.
pub mod group {
    use super::NamedGroup as T;
    /// Hybrid post-quantum key exchanges (draft-ietf-tls-ecdhe-mlkem; the last one the
    /// pre-standard draft-tls-westerbaan-xyber768d00 that browsers sent first).
    pub const X25519_MLKEM768: T = T(0x11ec);
    pub const SECP256R1_MLKEM768: T = T(0x11eb);
    pub const SECP384R1_MLKEM1024: T = T(0x11ed);
    pub const X25519_KYBER768_DRAFT00: T = T(0x6399);
}

/// Cipher suites the code decides on by value.
pub mod suite {
    use super::CipherSuite as T;
    /// RFC 5746 §3.3: the renegotiation signalling cipher suite value.
    pub const EMPTY_RENEGOTIATION_INFO_SCSV: T = T(0x00ff);
    /// RFC 7507 §6: the client fell back to a lower version.
    pub const FALLBACK_SCSV: T = T(0x5600);
    /// The TLS 1.3 suites (RFC 8446 Appendix B.4).
    pub const TLS_AES_128_GCM_SHA256: T = T(0x1301);
    pub const TLS_AES_256_GCM_SHA384: T = T(0x1302);
    pub const TLS_CHACHA20_POLY1305_SHA256: T = T(0x1303);
    pub const TLS_AES_128_CCM_SHA256: T = T(0x1304);
    pub const TLS_AES_128_CCM_8_SHA256: T = T(0x1305);
}
