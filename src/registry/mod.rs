//! IANA code points as data tables: names, defining RFCs, GREASE (RFC 8701). Cipher suites come
//! from tls-parser's table, which is generated from the IANA registry.

pub use tls_parser::{TlsCipherEnc, TlsCipherEncMode, TlsCipherMac};
use tls_parser::{TlsCipherAu, TlsCipherKx, TlsCipherSuite, TlsPRF};

use crate::model::SuiteParts;

/// RFC 8701: 16-bit GREASE values are 0x?a?a with both bytes equal.
pub fn is_grease(v: u16) -> bool {
    (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff)
}

fn lookup(table: &[(u16, &'static str, &'static str)], v: u16) -> Option<(&'static str, &'static str)> {
    table.iter().find(|e| e.0 == v).map(|e| (e.1, e.2))
}

/// "name" for a code point, "GREASE" for RFC 8701 values, "unknown" otherwise.
fn name_or(table: &[(u16, &'static str, &'static str)], v: u16) -> String {
    static_name_or(table, v).to_string()
}

fn static_name_or(table: &[(u16, &'static str, &'static str)], v: u16) -> &'static str {
    match lookup(table, v) {
        Some((n, _)) => n,
        None if is_grease(v) => "GREASE",
        None => "unknown",
    }
}

/// The RFC that defines this connection's version, for the sections whose numbers RFC 2246,
/// RFC 4346 and RFC 5246 share (§6.2.3.2, §7.1, §7.3, §7.4.x, §8.1): a TLS 1.0 handshake is
/// cited by the TLS 1.0 text. SSL 3.0 (RFC 6101 numbers them differently) and unknown versions
/// keep RFC 5246.
pub fn spec_rfc(version: Option<u16>) -> &'static str {
    match version {
        Some(ver::TLS10) => "RFC 2246",
        Some(ver::TLS11) => "RFC 4346",
        _ => "RFC 5246",
    }
}

pub fn version_name(v: u16) -> String {
    match v {
        0x0002 => "SSL 2.0".into(),
        0x0300 => "SSL 3.0".into(),
        0x0301 => "TLS 1.0".into(),
        0x0302 => "TLS 1.1".into(),
        0x0303 => "TLS 1.2".into(),
        0x0304 => "TLS 1.3".into(),
        0xfeff => "DTLS 1.0".into(),
        0x0100 => "DTLS 1.0 (OpenSSL's pre-RFC 0x0100)".into(),
        0xfefd => "DTLS 1.2".into(),
        0xfefc => "DTLS 1.3".into(),
        v if v >> 8 == 0x7f => format!("TLS 1.3 draft {}", v & 0xff),
        v if is_grease(v) => "GREASE".into(),
        _ => "unknown".into(),
    }
}

const CONTENT_TYPES: &[(u16, &str, &str)] = &[
    (20, "change_cipher_spec", "RFC 5246"),
    (21, "alert", "RFC 8446"),
    (22, "handshake", "RFC 8446"),
    (23, "application_data", "RFC 8446"),
    (24, "heartbeat", "RFC 6520"),
    (25, "tls12_cid", "RFC 9146"),
    (26, "ack", "RFC 9147"),
];

pub fn content_type_name(v: u8) -> &'static str {
    static_name_or(CONTENT_TYPES, v as u16)
}

/// Handshake types: (code, message name as in the RFCs' prose, RFC).
const HANDSHAKE_TYPES: &[(u16, &str, &str)] = &[
    (0, "HelloRequest", "RFC 5246"),
    (1, "ClientHello", "RFC 8446"),
    (2, "ServerHello", "RFC 8446"),
    (3, "HelloVerifyRequest", "RFC 6347"),
    (4, "NewSessionTicket", "RFC 8446"),
    (5, "EndOfEarlyData", "RFC 8446"),
    (8, "EncryptedExtensions", "RFC 8446"),
    (9, "RequestConnectionId", "RFC 9147"),
    (10, "NewConnectionId", "RFC 9147"),
    (11, "Certificate", "RFC 8446"),
    (12, "ServerKeyExchange", "RFC 5246"),
    (13, "CertificateRequest", "RFC 8446"),
    (14, "ServerHelloDone", "RFC 5246"),
    (15, "CertificateVerify", "RFC 8446"),
    (16, "ClientKeyExchange", "RFC 5246"),
    (17, "ClientCertificateRequest", "RFC 9261"),
    (20, "Finished", "RFC 8446"),
    (21, "CertificateURL", "RFC 6066"),
    (22, "CertificateStatus", "RFC 6066"),
    (23, "SupplementalData", "RFC 4680"),
    (24, "KeyUpdate", "RFC 8446"),
    (25, "CompressedCertificate", "RFC 8879"),
    (26, "EktKey", "RFC 8870"),
    (254, "MessageHash", "RFC 8446"),
];

pub fn handshake_name(v: u8) -> String {
    match lookup(HANDSHAKE_TYPES, v as u16) {
        Some((n, _)) => n.to_string(),
        None => format!("Handshake({v})"),
    }
}

/// TLS ExtensionType registry: (code, name, RFC).
const EXTENSIONS: &[(u16, &str, &str)] = &[
    (0, "server_name", "RFC 6066"),
    (1, "max_fragment_length", "RFC 6066"),
    (2, "client_certificate_url", "RFC 6066"),
    (3, "trusted_ca_keys", "RFC 6066"),
    (4, "truncated_hmac", "RFC 6066"),
    (5, "status_request", "RFC 6066"),
    (6, "user_mapping", "RFC 4681"),
    (7, "client_authz", "RFC 5878"),
    (8, "server_authz", "RFC 5878"),
    (9, "cert_type", "RFC 6091"),
    (10, "supported_groups", "RFC 8422, RFC 7919"),
    (11, "ec_point_formats", "RFC 8422"),
    (12, "srp", "RFC 5054"),
    (13, "signature_algorithms", "RFC 8446"),
    (14, "use_srtp", "RFC 5764"),
    (15, "heartbeat", "RFC 6520"),
    (16, "application_layer_protocol_negotiation", "RFC 7301"),
    (17, "status_request_v2", "RFC 6961"),
    (18, "signed_certificate_timestamp", "RFC 6962"),
    (19, "client_certificate_type", "RFC 7250"),
    (20, "server_certificate_type", "RFC 7250"),
    (21, "padding", "RFC 7685"),
    (22, "encrypt_then_mac", "RFC 7366"),
    (23, "extended_master_secret", "RFC 7627"),
    (24, "token_binding", "RFC 8472"),
    (25, "cached_info", "RFC 7924"),
    (26, "tls_lts", "draft-gutmann-tls-lts"),
    (27, "compress_certificate", "RFC 8879"),
    (28, "record_size_limit", "RFC 8449"),
    (29, "pwd_protect", "RFC 8492"),
    (30, "pwd_clear", "RFC 8492"),
    (31, "password_salt", "RFC 8492"),
    (32, "ticket_pinning", "RFC 8672"),
    (33, "tls_cert_with_extern_psk", "RFC 8773"),
    (34, "delegated_credential", "RFC 9345"),
    (35, "session_ticket", "RFC 5077, RFC 8447"),
    (36, "TLMSP", "ETSI TS 103 523-2"),
    (37, "TLMSP_proxying", "ETSI TS 103 523-2"),
    (38, "TLMSP_delegate", "ETSI TS 103 523-2"),
    (39, "supported_ekt_ciphers", "RFC 8870"),
    (40, "reserved (key_share in TLS 1.3 drafts -22 and before)", "RFC 8446 §11"),
    (41, "pre_shared_key", "RFC 8446"),
    (42, "early_data", "RFC 8446"),
    (43, "supported_versions", "RFC 8446"),
    (44, "cookie", "RFC 8446"),
    (45, "psk_key_exchange_modes", "RFC 8446"),
    (46, "reserved (ticket_early_data_info in TLS 1.3 drafts)", "RFC 8446 §11"),
    (47, "certificate_authorities", "RFC 8446"),
    (48, "oid_filters", "RFC 8446"),
    (49, "post_handshake_auth", "RFC 8446"),
    (50, "signature_algorithms_cert", "RFC 8446"),
    (51, "key_share", "RFC 8446"),
    (52, "transparency_info", "RFC 9162"),
    (53, "connection_id (deprecated)", "RFC 9146"),
    (54, "connection_id", "RFC 9146"),
    (55, "external_id_hash", "RFC 8844"),
    (56, "external_session_id", "RFC 8844"),
    (57, "quic_transport_parameters", "RFC 9001"),
    (58, "ticket_request", "RFC 9149"),
    (59, "dnssec_chain", "RFC 9102"),
    (60, "sequence_number_encryption_algorithms", "draft-pismenny-tls-dtls-plaintext-sequence-number"),
    (61, "rrc", "draft-ietf-tls-dtls-rrc"),
    (62, "tls_flags", "draft-ietf-tls-tlsflags"),
    // Deployed but never registered with IANA.
    (0x3374, "next_protocol_negotiation", "draft-agl-tls-nextprotoneg (not in the IANA registry)"),
    (0x4469, "application_settings (old code point)", "draft-vvv-tls-alps"),
    (0x44cd, "application_settings", "draft-vvv-tls-alps"),
    (0x7550, "channel_id", "draft-balfanz-tls-channelid (not in the IANA registry)"),
    (0xfd00, "ech_outer_extensions", "RFC 9849"),
    (0xfe0d, "encrypted_client_hello", "RFC 9849"),
    (0xff01, "renegotiation_info", "RFC 5746"),
];

pub fn extension_name(v: u16) -> String {
    name_or(EXTENSIONS, v)
}

pub fn extension_rfc(v: u16) -> Option<&'static str> {
    lookup(EXTENSIONS, v).map(|e| e.1)
}

/// TLS Supported Groups registry (plus widely deployed pre-standard post-quantum code points).
const GROUPS: &[(u16, &str, &str)] = &[
    (1, "sect163k1", "RFC 8422"),
    (2, "sect163r1", "RFC 8422"),
    (3, "sect163r2", "RFC 8422"),
    (4, "sect193r1", "RFC 8422"),
    (5, "sect193r2", "RFC 8422"),
    (6, "sect233k1", "RFC 8422"),
    (7, "sect233r1", "RFC 8422"),
    (8, "sect239k1", "RFC 8422"),
    (9, "sect283k1", "RFC 8422"),
    (10, "sect283r1", "RFC 8422"),
    (11, "sect409k1", "RFC 8422"),
    (12, "sect409r1", "RFC 8422"),
    (13, "sect571k1", "RFC 8422"),
    (14, "sect571r1", "RFC 8422"),
    (15, "secp160k1", "RFC 8422"),
    (16, "secp160r1", "RFC 8422"),
    (17, "secp160r2", "RFC 8422"),
    (18, "secp192k1", "RFC 8422"),
    (19, "secp192r1", "RFC 8422"),
    (20, "secp224k1", "RFC 8422"),
    (21, "secp224r1", "RFC 8422"),
    (22, "secp256k1", "RFC 8422"),
    (23, "secp256r1", "RFC 8422"),
    (24, "secp384r1", "RFC 8422"),
    (25, "secp521r1", "RFC 8422"),
    (26, "brainpoolP256r1", "RFC 7027"),
    (27, "brainpoolP384r1", "RFC 7027"),
    (28, "brainpoolP512r1", "RFC 7027"),
    (29, "x25519", "RFC 8446, RFC 7748"),
    (30, "x448", "RFC 8446, RFC 7748"),
    (31, "brainpoolP256r1tls13", "RFC 8734"),
    (32, "brainpoolP384r1tls13", "RFC 8734"),
    (33, "brainpoolP512r1tls13", "RFC 8734"),
    (34, "GC256A", "RFC 9189"),
    (35, "GC256B", "RFC 9189"),
    (36, "GC256C", "RFC 9189"),
    (37, "GC256D", "RFC 9189"),
    (38, "GC512A", "RFC 9189"),
    (39, "GC512B", "RFC 9189"),
    (40, "GC512C", "RFC 9189"),
    (41, "curveSM2", "RFC 8998"),
    (256, "ffdhe2048", "RFC 7919"),
    (257, "ffdhe3072", "RFC 7919"),
    (258, "ffdhe4096", "RFC 7919"),
    (259, "ffdhe6144", "RFC 7919"),
    (260, "ffdhe8192", "RFC 7919"),
    (0x0200, "MLKEM512", "draft-ietf-tls-mlkem"),
    (0x0201, "MLKEM768", "draft-ietf-tls-mlkem"),
    (0x0202, "MLKEM1024", "draft-ietf-tls-mlkem"),
    (0x11eb, "SecP256r1MLKEM768", "draft-ietf-tls-ecdhe-mlkem"),
    (0x11ec, "X25519MLKEM768", "draft-ietf-tls-ecdhe-mlkem"),
    (0x11ed, "SecP384r1MLKEM1024", "draft-ietf-tls-ecdhe-mlkem"),
    (0x6399, "X25519Kyber768Draft00", "draft-tls-westerbaan-xyber768d00"),
    (0xff01, "arbitrary_explicit_prime_curves", "RFC 8422"),
    (0xff02, "arbitrary_explicit_char2_curves", "RFC 8422"),
];

pub fn group_name(v: u16) -> String {
    name_or(GROUPS, v)
}

/// Groups IANA's TLS Supported Groups registry marks "Recommended: Y" (tls-parameters-8.csv):
/// secp256r1, secp384r1, x25519, x448.
pub fn group_recommended(code: NamedGroup) -> bool {
    let v = code.0;
    matches!(v, 23 | 24 | 29 | 30)
}

/// Signature schemes IANA's TLS SignatureScheme registry marks "Recommended: Y"
/// (tls-signaturescheme.csv): RSA PKCS#1 v1.5 and ECDSA with SHA-2, RSA-PSS, EdDSA.
pub fn signature_scheme_recommended(code: SignatureScheme) -> bool {
    let v = code.0;
    matches!(v, 0x0401 | 0x0403 | 0x0501 | 0x0503 | 0x0601 | 0x0603 | 0x0804..=0x080b)
}

/// Codes that exist only as TLS 1.2 (hash, signature) pairs of RFC 5246 §7.4.1.4.1: the high
/// byte a HashAlgorithm (1 md5 … 6 sha512), the low byte a SignatureAlgorithm (1 rsa, 2 dsa,
/// 3 ecdsa), and not also a TLS 1.3 SignatureScheme (RFC 8446 §4.2.3 keeps 0x0201, 0x0203 and
/// the SHA-2 RSA/ECDSA codes).
pub fn signature_scheme_tls12_only(code: SignatureScheme) -> bool {
    let v = code.0;
    let (hash, sig) = (v >> 8, v & 0xff);
    (1..=6).contains(&hash) && (1..=3).contains(&sig) && !matches!(v, 0x0201 | 0x0203 | 0x0401 | 0x0403 | 0x0501 | 0x0503 | 0x0601 | 0x0603)
}

/// TLS SignatureScheme registry, plus the TLS 1.2 (hash, signature) pairs of RFC 5246 §7.4.1.4.1.
const SIGNATURE_SCHEMES: &[(u16, &str, &str)] = &[
    (0x0101, "rsa_pkcs1_md5 (TLS 1.2 pair)", "RFC 5246"),
    (0x0201, "rsa_pkcs1_sha1", "RFC 8446"),
    (0x0202, "dsa_sha1 (TLS 1.2 pair)", "RFC 5246"),
    (0x0203, "ecdsa_sha1", "RFC 8446"),
    (0x0301, "rsa_sha224 (TLS 1.2 pair)", "RFC 5246"),
    (0x0302, "dsa_sha224 (TLS 1.2 pair)", "RFC 5246"),
    (0x0303, "ecdsa_sha224 (TLS 1.2 pair)", "RFC 5246"),
    (0x0401, "rsa_pkcs1_sha256", "RFC 8446"),
    (0x0402, "dsa_sha256 (TLS 1.2 pair)", "RFC 5246"),
    (0x0403, "ecdsa_secp256r1_sha256", "RFC 8446"),
    (0x0420, "rsa_pkcs1_sha256_legacy", "draft-ietf-tls-tls13-pkcs1"),
    (0x0501, "rsa_pkcs1_sha384", "RFC 8446"),
    (0x0502, "dsa_sha384 (TLS 1.2 pair)", "RFC 5246"),
    (0x0503, "ecdsa_secp384r1_sha384", "RFC 8446"),
    (0x0520, "rsa_pkcs1_sha384_legacy", "draft-ietf-tls-tls13-pkcs1"),
    (0x0601, "rsa_pkcs1_sha512", "RFC 8446"),
    (0x0602, "dsa_sha512 (TLS 1.2 pair)", "RFC 5246"),
    (0x0603, "ecdsa_secp521r1_sha512", "RFC 8446"),
    (0x0620, "rsa_pkcs1_sha512_legacy", "draft-ietf-tls-tls13-pkcs1"),
    (0x0708, "sm2sig_sm3", "RFC 8998"),
    (0x0804, "rsa_pss_rsae_sha256", "RFC 8446"),
    (0x0805, "rsa_pss_rsae_sha384", "RFC 8446"),
    (0x0806, "rsa_pss_rsae_sha512", "RFC 8446"),
    (0x0807, "ed25519", "RFC 8446"),
    (0x0808, "ed448", "RFC 8446"),
    (0x0809, "rsa_pss_pss_sha256", "RFC 8446"),
    (0x080a, "rsa_pss_pss_sha384", "RFC 8446"),
    (0x080b, "rsa_pss_pss_sha512", "RFC 8446"),
    (0x081a, "ecdsa_brainpoolP256r1tls13_sha256", "RFC 8734"),
    (0x081b, "ecdsa_brainpoolP384r1tls13_sha384", "RFC 8734"),
    (0x081c, "ecdsa_brainpoolP512r1tls13_sha512", "RFC 8734"),
    (0x0904, "mldsa44", "draft-ietf-tls-mldsa"),
    (0x0905, "mldsa65", "draft-ietf-tls-mldsa"),
    (0x0906, "mldsa87", "draft-ietf-tls-mldsa"),
];

pub fn signature_scheme_name(v: u16) -> String {
    name_or(SIGNATURE_SCHEMES, v)
}

const ALERTS: &[(u16, &str, &str)] = &[
    (0, "close_notify", "RFC 8446"),
    (10, "unexpected_message", "RFC 8446"),
    (20, "bad_record_mac", "RFC 8446"),
    (21, "decryption_failed", "RFC 5246"),
    (22, "record_overflow", "RFC 8446"),
    (30, "decompression_failure", "RFC 5246"),
    (40, "handshake_failure", "RFC 8446"),
    (41, "no_certificate", "RFC 5246"),
    (42, "bad_certificate", "RFC 8446"),
    (43, "unsupported_certificate", "RFC 8446"),
    (44, "certificate_revoked", "RFC 8446"),
    (45, "certificate_expired", "RFC 8446"),
    (46, "certificate_unknown", "RFC 8446"),
    (47, "illegal_parameter", "RFC 8446"),
    (48, "unknown_ca", "RFC 8446"),
    (49, "access_denied", "RFC 8446"),
    (50, "decode_error", "RFC 8446"),
    (51, "decrypt_error", "RFC 8446"),
    (60, "export_restriction", "RFC 5246"),
    (70, "protocol_version", "RFC 8446"),
    (71, "insufficient_security", "RFC 8446"),
    (80, "internal_error", "RFC 8446"),
    (86, "inappropriate_fallback", "RFC 7507"),
    (90, "user_canceled", "RFC 8446"),
    (100, "no_renegotiation", "RFC 5246"),
    (109, "missing_extension", "RFC 8446"),
    (110, "unsupported_extension", "RFC 8446"),
    (111, "certificate_unobtainable", "RFC 6066"),
    (112, "unrecognized_name", "RFC 6066"),
    (113, "bad_certificate_status_response", "RFC 6066"),
    (114, "bad_certificate_hash_value", "RFC 6066"),
    (115, "unknown_psk_identity", "RFC 8446"),
    (116, "certificate_required", "RFC 8446"),
    (120, "no_application_protocol", "RFC 7301"),
    (121, "ech_required", "RFC 9849"),
];

pub fn alert_name(v: u8) -> String {
    name_or(ALERTS, v as u16)
}

pub fn alert_level_name(v: u8) -> &'static str {
    match v {
        1 => "warning",
        2 => "fatal",
        _ => "unknown",
    }
}

pub fn cipher_suite_name(v: u16) -> String {
    match TlsCipherSuite::from_id(v) {
        Some(cs) => cs.name.to_string(),
        None if is_grease(v) => "GREASE".into(),
        // In the IANA registry but not in tls-parser's table (draft-cragie-tls-ecjpake; Thread).
        None if v == 0xc0ff => "TLS_ECJPAKE_WITH_AES_128_CCM_8".into(),
        None => "unknown".into(),
    }
}

/// Key exchange of a TLS 1.0-1.2 suite as the message layer needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyExchange {
    Rsa,
    Dhe,
    Ecdhe,
    Psk,
    Other,
    /// TLS 1.3 suites do not name the key exchange.
    Tls13,
}

pub fn suite_key_exchange(code: CipherSuite) -> Option<KeyExchange> {
    let v = code.0;
    TlsCipherSuite::from_id(v).map(|cs| match cs.kx {
        TlsCipherKx::Rsa => KeyExchange::Rsa,
        TlsCipherKx::Dhe | TlsCipherKx::Dh => KeyExchange::Dhe,
        TlsCipherKx::Ecdhe | TlsCipherKx::Ecdh => KeyExchange::Ecdhe,
        TlsCipherKx::Psk => KeyExchange::Psk,
        TlsCipherKx::Tls13 => KeyExchange::Tls13,
        _ => KeyExchange::Other,
    })
}

/// The ALPN protocol ID of HTTP/2 over TLS (RFC 9113 §3.2; IANA ALPN Protocol IDs registry).
pub const ALPN_H2: &[u8] = b"h2";
/// HTTP/3's protocol ID (RFC 9114 §3.1), and its drafts' "h3-NN".
pub fn alpn_is_h3(id: &[u8]) -> bool {
    id == b"h3" || id.starts_with(b"h3-")
}

/// Why HTTP/2 prohibits a TLS 1.2 suite (RFC 9113 §9.2.2, Appendix A): the list holds every
/// suite without an ephemeral key exchange and every one with a null, stream or block cipher.
/// `None` when HTTP/2 allows it (or the suite is unknown).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum H2Prohibited {
    NotEphemeral,
    NotAead,
    Neither,
}

pub fn suite_h2_prohibited(code: CipherSuite) -> Option<H2Prohibited> {
    let v = code.0;
    let cs = TlsCipherSuite::from_id(v)?;
    if cs.kx == TlsCipherKx::Tls13 {
        return None;
    }
    let ephemeral = matches!(cs.kx, TlsCipherKx::Dhe | TlsCipherKx::Ecdhe);
    let aead = cs.mac == tls_parser::TlsCipherMac::Aead;
    match (ephemeral, aead) {
        (true, true) => None,
        (false, true) => Some(H2Prohibited::NotEphemeral),
        (true, false) => Some(H2Prohibited::NotAead),
        (false, false) => Some(H2Prohibited::Neither),
    }
}

/// The suite's record protection, for describing encrypted records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordProtection {
    /// AES-GCM / AES-CCM in TLS 1.2: 8-byte explicit nonce, 16-byte tag (8 for CCM_8).
    AeadExplicitNonce { tag: usize },
    /// ChaCha20-Poly1305 (RFC 7905) and all TLS 1.3 suites: no explicit nonce, 16-byte tag.
    AeadImplicitNonce { tag: usize },
    /// CBC with a per-record IV (TLS 1.1+) of `block` bytes and an HMAC of `mac` bytes.
    Cbc { block: usize, mac: usize },
    Other,
}

/// A suite whose records are CBC-encrypted (any version: TLS 1.0 and SSL 3.0 included).
pub fn suite_is_cbc(code: CipherSuite) -> bool {
    let v = code.0;
    TlsCipherSuite::from_id(v).is_some_and(|cs| cs.enc_mode == TlsCipherEncMode::Cbc)
}

pub fn suite_protection(code: CipherSuite, version: u16) -> RecordProtection {
    let v = code.0;
    // TLS_ECJPAKE_WITH_AES_128_CCM_8 (IANA: draft-cragie-tls-ecjpake), which tls-parser's table lacks: AES-CCM
    // with an 8-byte explicit nonce and an 8-byte tag (RFC 6655 §3).
    if v == 0xc0ff {
        return RecordProtection::AeadExplicitNonce { tag: 8 };
    }
    let Some(cs) = TlsCipherSuite::from_id(v) else { return RecordProtection::Other };
    let tag = suite_tag_len(code);
    match (cs.enc_mode, cs.enc) {
        _ if cs.kx == TlsCipherKx::Tls13 => RecordProtection::AeadImplicitNonce { tag },
        (_, TlsCipherEnc::Chacha20_Poly1305) => RecordProtection::AeadImplicitNonce { tag: 16 },
        (TlsCipherEncMode::Gcm | TlsCipherEncMode::Ccm, _) => RecordProtection::AeadExplicitNonce { tag },
        (TlsCipherEncMode::Cbc, enc) if version >= 0x0302 => {
            let block = if matches!(enc, TlsCipherEnc::Des | TlsCipherEnc::TripleDes | TlsCipherEnc::Idea | TlsCipherEnc::Rc2) { 8 } else { 16 };
            RecordProtection::Cbc { block, mac: (cs.mac_size / 8) as usize }
        }
        _ => RecordProtection::Other,
    }
}

/// Cipher suites the IANA TLS Cipher Suites registry marks "Recommended: Y" (RFC 8447 §8;
/// registry snapshot of tls-parameters-4.csv, less the finite-field DHE suites that RFC 10015
/// §3 and §7 moved to "D"): AEAD suites with an ephemeral elliptic-curve key exchange, and the
/// TLS 1.3 ones except CCM_8.
const RECOMMENDED_SUITES: [u16; 14] = [0x1301, 0x1302, 0x1303, 0x1304, 0xc02b, 0xc02c, 0xc02f, 0xc030, 0xcca8, 0xcca9, 0xccac, 0xd001, 0xd002, 0xd005];

/// Where a cipher suite is defined (the IANA TLS Cipher Suites registry's reference for it),
/// for the suites whose RFC has one section or table of them; None for the others.
pub fn suite_rfc(code: CipherSuite) -> Option<&'static str> {
    let v = code.0;
    Some(match v {
        0x1301..=0x1305 => "RFC 8446 Appendix B.4",
        0xcca8..=0xccae => "RFC 7905 §2",
        0xc09c..=0xc0a3 => "RFC 6655 §3",
        0xc0a4..=0xc0ab => "RFC 6655 §4",
        0xc0ac..=0xc0af => "RFC 7251 §2",
        0x009c..=0x00a7 => "RFC 5288 §3",
        0x00a8..=0x00b9 => "RFC 5487 §3",
        0xc023..=0xc02a => "RFC 5289 §3.1",
        0xc02b..=0xc032 => "RFC 5289 §3.2",
        0xc001..=0xc019 => "RFC 8422 §6",
        0xc035..=0xc03b => "RFC 5489 §2",
        0xd001..=0xd005 => "RFC 8442 §3",
        0x0000..=0x0002 | 0x0004 | 0x0005 | 0x000a | 0x000d | 0x0010 | 0x0013 | 0x0016 | 0x0018 | 0x001b | 0x002f..=0x0040 | 0x0067..=0x006d => "RFC 5246 Appendix A.5",
        _ => return None,
    })
}

/// The TLS 1.2 key exchanges RFC 10015 (2026) retires, whose suites IANA now marks "D"
/// (discouraged, §7): clients must not offer and servers must not select suites with
/// finite-field DHE (§3, the DHE_PSK ones too), RSA key transport (§4, RSA_PSK too) or static
/// finite-field DH (§2); static ECDH suites they should not (§2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KexDiscouraged {
    Dhe,
    Rsa,
    StaticDh,
    StaticEcdh,
}

impl KexDiscouraged {
    /// The word for its text keys.
    pub fn key(self) -> &'static str {
        match self {
            KexDiscouraged::Dhe => "dhe",
            KexDiscouraged::Rsa => "rsa",
            KexDiscouraged::StaticDh => "dh",
            KexDiscouraged::StaticEcdh => "ecdh",
        }
    }
}

/// The RFC 10015 rule that applies to a suite's key exchange in TLS 1.2, if any.
pub fn suite_kex_discouraged(code: CipherSuite) -> Option<KexDiscouraged> {
    let v = code.0;
    TlsCipherSuite::from_id(v).and_then(|cs| match cs.kx {
        TlsCipherKx::Dhe => Some(KexDiscouraged::Dhe),
        TlsCipherKx::Rsa => Some(KexDiscouraged::Rsa),
        TlsCipherKx::Dh => Some(KexDiscouraged::StaticDh),
        TlsCipherKx::Ecdh | TlsCipherKx::Aecdh => Some(KexDiscouraged::StaticEcdh),
        _ => None,
    })
}

pub fn suite_recommended(code: CipherSuite) -> bool {
    let v = code.0;
    RECOMMENDED_SUITES.contains(&v)
}

/// A cipher suite taken apart. Descriptions that need words are @word text keys, which
/// `explain` puts in the reader's language.
pub fn suite_parts(code: CipherSuite) -> Option<SuiteParts> {
    let v = code.0;
    let cs = TlsCipherSuite::from_id(v)?;
    let kx = match cs.kx {
        TlsCipherKx::Null => "@word.kx.none",
        TlsCipherKx::Psk => "PSK",
        TlsCipherKx::Krb5 => "Kerberos",
        TlsCipherKx::Srp => "SRP",
        TlsCipherKx::Rsa => "@word.kx.rsa",
        TlsCipherKx::Dh => "@word.kx.dh",
        TlsCipherKx::Dhe => "@word.kx.dhe",
        TlsCipherKx::Ecdh => "@word.kx.ecdh",
        TlsCipherKx::Ecdhe => "@word.kx.ecdhe",
        TlsCipherKx::Aecdh => "@word.kx.aecdh",
        TlsCipherKx::Eccpwd => "ECCPWD",
        TlsCipherKx::Tls13 => "@word.kx.tls13",
    };
    let au = match cs.au {
        TlsCipherAu::Null => "@word.kx.none",
        TlsCipherAu::Psk => "PSK",
        TlsCipherAu::Krb5 => "Kerberos",
        TlsCipherAu::Srp => "SRP",
        TlsCipherAu::Srp_Dss => "SRP + DSS",
        TlsCipherAu::Srp_Rsa => "SRP + RSA",
        TlsCipherAu::Dss => "DSS",
        TlsCipherAu::Rsa => "RSA",
        TlsCipherAu::Dhe => "DHE",
        TlsCipherAu::Ecdsa => "ECDSA",
        TlsCipherAu::Eccpwd => "ECCPWD",
        TlsCipherAu::Tls13 => "@word.au.tls13",
    };
    let enc = match cs.enc {
        TlsCipherEnc::Null => "@word.kx.none",
        TlsCipherEnc::Des => "DES",
        TlsCipherEnc::TripleDes => "3DES",
        TlsCipherEnc::Rc2 => "RC2",
        TlsCipherEnc::Rc4 => "RC4",
        TlsCipherEnc::Aria => "ARIA",
        TlsCipherEnc::Idea => "IDEA",
        TlsCipherEnc::Seed => "SEED",
        TlsCipherEnc::Aes => "AES",
        TlsCipherEnc::Camellia => "Camellia",
        TlsCipherEnc::Chacha20_Poly1305 => "ChaCha20-Poly1305",
        TlsCipherEnc::Sm4 => "SM4",
        TlsCipherEnc::Aegis => "AEGIS",
    };
    let mode = match cs.enc_mode {
        TlsCipherEncMode::Null if cs.enc == TlsCipherEnc::Chacha20_Poly1305 => "AEAD",
        TlsCipherEncMode::Null => "@word.mode.stream",
        TlsCipherEncMode::Cbc => "CBC",
        TlsCipherEncMode::Ccm => "CCM",
        TlsCipherEncMode::Gcm => "GCM",
    };
    let mac = match cs.mac {
        TlsCipherMac::Null => "@word.kx.none",
        TlsCipherMac::HmacMd5 => "HMAC-MD5",
        TlsCipherMac::HmacSha1 => "HMAC-SHA1",
        TlsCipherMac::HmacSha256 => "HMAC-SHA256",
        TlsCipherMac::HmacSha384 => "HMAC-SHA384",
        TlsCipherMac::HmacSha512 => "HMAC-SHA512",
        TlsCipherMac::Aead => "@word.mac.aead",
    };
    let prf = match cs.prf {
        TlsPRF::Default => "@word.prf.default",
        TlsPRF::Null => "@word.kx.none",
        TlsPRF::Md5AndSha1 => "MD5+SHA1",
        TlsPRF::Sha1 => "SHA-1",
        TlsPRF::Sha256 => "SHA-256",
        TlsPRF::Sha384 => "SHA-384",
        TlsPRF::Sha512 => "SHA-512",
        TlsPRF::Sm3 => "SM3",
    };
    Some(SuiteParts {
        key_exchange: kx.into(),
        authentication: au.into(),
        cipher: enc.into(),
        mode: mode.into(),
        // ChaCha20-Poly1305 takes a 256-bit key (RFC 8439 §2.8; RFC 7905 §2), whatever the table says.
        key_bits: if cs.enc == TlsCipherEnc::Chacha20_Poly1305 { 256 } else { cs.enc_size },
        mac: mac.into(),
        prf: prf.into(),
        iana_recommended: suite_recommended(code),
        iana_discouraged: suite_kex_discouraged(code).is_some(),
    })
}

/// A human name for a QUIC version number (RFC 9000 §15, RFC 9369; drafts as 0xff0000NN).
pub fn quic_version_name(number: u32) -> String {
    match number {
        0 => "Version Negotiation".into(),
        1 => "QUIC v1".into(),
        0x6b33_43cf => "QUIC v2".into(),
        0xff00_0000..=0xff00_00ff => format!("QUIC draft-{}", number & 0xff),
        n if n & 0x0f0f_0f0f == 0x0a0a_0a0a => format!("reserved for version negotiation (0x{n:08x})"),
        n => format!("unknown (0x{n:08x})"),
    }
}

/// QUIC versions whose Initial packets can be read (RFC 9001 §5.2, RFC 9369 §3.3.1: each has
/// its own salt): v1, v2 and the IETF drafts 23-32 that browsers shipped.
pub fn quic_version_known(number: u32) -> bool {
    matches!(number, 0x0000_0001 | 0x6b33_43cf | 0xff00_0017..=0xff00_0020)
}


#[cfg(test)]
mod tests {
    /// Named content types, handshake types and alerts are the IANA code points of those names.
    #[test]
    fn named_code_points_are_the_iana_ones() {
        use super::{alert, ct, ht};
        for (v, name) in [(ct::CHANGE_CIPHER_SPEC, "change_cipher_spec"), (ct::ALERT, "alert"), (ct::HANDSHAKE, "handshake"), (ct::APPLICATION_DATA, "application_data"), (ct::HEARTBEAT, "heartbeat")] {
            assert_eq!(v.name(), name);
        }
        for (v, name) in [(ht::CLIENT_HELLO, "ClientHello"), (ht::SERVER_HELLO_DONE, "ServerHelloDone"), (ht::CERTIFICATE_VERIFY, "CertificateVerify"), (ht::END_OF_EARLY_DATA, "EndOfEarlyData"), (ht::COMPRESSED_CERTIFICATE, "CompressedCertificate"), (ht::KEY_UPDATE, "KeyUpdate")] {
            assert_eq!(v.name(), name);
        }
        for (v, name) in [
            (alert::CLOSE_NOTIFY, "close_notify"), (alert::BAD_RECORD_MAC, "bad_record_mac"), (alert::HANDSHAKE_FAILURE, "handshake_failure"), (alert::BAD_CERTIFICATE, "bad_certificate"), (alert::UNSUPPORTED_CERTIFICATE, "unsupported_certificate"), (alert::CERTIFICATE_REVOKED, "certificate_revoked"), (alert::CERTIFICATE_EXPIRED, "certificate_expired"),
            (alert::CERTIFICATE_UNKNOWN, "certificate_unknown"), (alert::ILLEGAL_PARAMETER, "illegal_parameter"), (alert::UNKNOWN_CA, "unknown_ca"),
            (alert::ACCESS_DENIED, "access_denied"), (alert::DECODE_ERROR, "decode_error"), (alert::DECRYPT_ERROR, "decrypt_error"),
            (alert::PROTOCOL_VERSION, "protocol_version"), (alert::UNRECOGNIZED_NAME, "unrecognized_name"), (alert::NO_APPLICATION_PROTOCOL, "no_application_protocol"),
        ] {
            assert_eq!(v.name(), name);
        }
    }

    /// Each named extension type is the one the IANA registry table gives that name.
    #[test]
    fn extension_constants_are_the_iana_code_points() {
        use super::ext::*;
        for (v, name) in [
            (SERVER_NAME, "server_name"), (MAX_FRAGMENT_LENGTH, "max_fragment_length"), (STATUS_REQUEST, "status_request"),
            (SUPPORTED_GROUPS, "supported_groups"), (EC_POINT_FORMATS, "ec_point_formats"), (SIGNATURE_ALGORITHMS, "signature_algorithms"),
            (USE_SRTP, "use_srtp"), (HEARTBEAT, "heartbeat"), (ALPN, "application_layer_protocol_negotiation"),
            (SIGNED_CERTIFICATE_TIMESTAMP, "signed_certificate_timestamp"), (CLIENT_CERTIFICATE_TYPE, "client_certificate_type"),
            (SERVER_CERTIFICATE_TYPE, "server_certificate_type"), (PADDING, "padding"), (ENCRYPT_THEN_MAC, "encrypt_then_mac"),
            (EXTENDED_MASTER_SECRET, "extended_master_secret"), (COMPRESS_CERTIFICATE, "compress_certificate"),
            (RECORD_SIZE_LIMIT, "record_size_limit"), (DELEGATED_CREDENTIAL, "delegated_credential"), (SESSION_TICKET, "session_ticket"),
            (PRE_SHARED_KEY, "pre_shared_key"), (EARLY_DATA, "early_data"), (SUPPORTED_VERSIONS, "supported_versions"), (COOKIE, "cookie"),
            (PSK_KEY_EXCHANGE_MODES, "psk_key_exchange_modes"), (CERTIFICATE_AUTHORITIES, "certificate_authorities"), (OID_FILTERS, "oid_filters"),
            (POST_HANDSHAKE_AUTH, "post_handshake_auth"), (SIGNATURE_ALGORITHMS_CERT, "signature_algorithms_cert"), (KEY_SHARE, "key_share"),
            (CONNECTION_ID, "connection_id"), (QUIC_TRANSPORT_PARAMETERS, "quic_transport_parameters"), (TICKET_REQUEST, "ticket_request"),
            (ENCRYPTED_CLIENT_HELLO, "encrypted_client_hello"), (RENEGOTIATION_INFO, "renegotiation_info"),
        ] {
            assert_eq!(v.name(), name, "0x{:04x}", v.0);
        }
    }

    /// CBC suites by code point agree with the IANA names (which say "_CBC_"), across versions:
    /// SSL 3.0/TLS 1.0 suites (3DES, DES, AES) too, stream, AEAD and TLS 1.3 suites not.
    #[test]
    fn cbc_suites_by_code_point_match_their_iana_names() {
        for v in [0x000a, 0x0009, 0x002f, 0x0035, 0x003c, 0xc013, 0xc014, 0xc023, 0x0005, 0x0004, 0xc02f, 0xc030, 0xcca8, 0x009c, 0x1301, 0x1303, 0xc0ac] {
            let name = super::cipher_suite_name(v);
            assert_eq!(super::suite_is_cbc(crate::code::CipherSuite(v)), name.contains("_CBC_"), "0x{v:04x} {name}");
        }
        assert!(!super::suite_is_cbc(crate::code::CipherSuite(0xfafa)), "unknown");
    }


    /// RFC 10015's tables (§5.1 static DH, §5.2 static ECDH, §5.3 finite-field DHE, §5.4 RSA),
    /// one or two suites of each from the IANA registry, and suites it leaves alone.
    #[test]
    fn rfc10015_retires_these_key_exchanges_and_no_others() {
        use super::KexDiscouraged::*;
        for (suite, want) in [
            (0x0030, Some(StaticDh)),   // TLS_DH_DSS_WITH_AES_128_CBC_SHA
            (0x0034, Some(StaticDh)),   // TLS_DH_anon_WITH_AES_128_CBC_SHA
            (0xc004, Some(StaticEcdh)), // TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA
            (0xc018, Some(StaticEcdh)), // TLS_ECDH_anon_WITH_AES_128_CBC_SHA
            (0x009e, Some(Dhe)),        // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
            (0x00aa, Some(Dhe)),        // TLS_DHE_PSK_WITH_AES_128_GCM_SHA256
            (0xc09e, Some(Dhe)),        // TLS_DHE_RSA_WITH_AES_128_CCM
            (0x002f, Some(Rsa)),        // TLS_RSA_WITH_AES_128_CBC_SHA
            (0x00ac, Some(Rsa)),        // TLS_RSA_PSK_WITH_AES_128_GCM_SHA256
            (0xc02f, None),             // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
            (0x00a8, None),             // TLS_PSK_WITH_AES_128_GCM_SHA256
            (0xd001, None),             // TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256
            (0x1301, None),             // TLS_AES_128_GCM_SHA256
        ] {
            assert_eq!(super::suite_kex_discouraged(crate::code::CipherSuite(suite)), want, "0x{suite:04x}");
            assert!(!(want.is_some() && super::suite_recommended(crate::code::CipherSuite(suite))), "0x{suite:04x} is both Y and D");
        }
    }
    /// RFC 9113 Appendix A "includes those cipher suites that do not offer an ephemeral key
    /// exchange and those that are based on the TLS null, stream, or block cipher type": it lists
    /// TLS_RSA_WITH_AES_128_GCM_SHA256 (0x009c), TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA (0xc013),
    /// TLS_RSA_WITH_AES_128_CBC_SHA (0x002f) and TLS_PSK_WITH_AES_128_GCM_SHA256 (0x00a8), and
    /// not TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (0xc02f, the suite §9.2.2 makes mandatory).
    #[test]
    fn h2_prohibited_suites_follow_rfc_9113_appendix_a() {
        use H2Prohibited::*;
        assert_eq!(suite_h2_prohibited(crate::code::CipherSuite(0x009c)), Some(NotEphemeral));
        assert_eq!(suite_h2_prohibited(crate::code::CipherSuite(0x00a8)), Some(NotEphemeral));
        assert_eq!(suite_h2_prohibited(crate::code::CipherSuite(0xc013)), Some(NotAead));
        assert_eq!(suite_h2_prohibited(crate::code::CipherSuite(0x002f)), Some(Neither));
        for ok in [0xc02f, 0xc02b, 0xcca8, 0xc09e, 0x00aa, 0x1301] {
            assert_eq!(suite_h2_prohibited(crate::code::CipherSuite(ok)), None, "{ok:#06x}");
        }
    }

    /// The TLS 1.2-only rule picks exactly the codes the table marks "(TLS 1.2 pair)", and no
    /// code IANA's SignatureScheme registry lists for TLS 1.3.
    #[test]
    fn tls12_pairs_agree_with_the_table() {
        for &(v, name, _) in super::SIGNATURE_SCHEMES {
            assert_eq!(super::signature_scheme_tls12_only(crate::code::SignatureScheme(v)), name.ends_with("(TLS 1.2 pair)"), "0x{v:04x} {name}");
        }
        assert!(super::signature_scheme_tls12_only(crate::code::SignatureScheme(0x0303)));
        assert!(!super::signature_scheme_tls12_only(crate::code::SignatureScheme(0x0403)));
        assert!(!super::signature_scheme_tls12_only(crate::code::SignatureScheme(0x0807)));
    }

    /// The code-point rules agree with the IANA names over tls-parser's whole table: weak
    /// suites are the ones named RC4, DES, 3DES, NULL, EXPORT or anon; CCM_8 names an 8-byte tag.
    #[test]
    fn suite_rules_agree_with_the_names() {
        let mut n = 0;
        for v in 0..=0xffffu16 {
            let Some(cs) = TlsCipherSuite::from_id(v) else { continue };
            n += 1;
            // RFC 9150's integrity-only TLS 1.3 suites (TLS_SHA256_SHA256, TLS_SHA384_SHA384)
            // encrypt nothing either, though their names do not say NULL.
            let named = ["_RC4_", "_DES_", "_3DES_", "_NULL_", "EXPORT", "_anon_"].iter().any(|w| cs.name.contains(w)) || [0xc0b4, 0xc0b5].contains(&v);
            assert_eq!(suite_weak(crate::code::CipherSuite(v)), named, "{} (0x{v:04x})", cs.name);
            assert_eq!(suite_tag_len(crate::code::CipherSuite(v)) == 8, cs.name.contains("CCM_8"), "{}", cs.name);
        }
        assert!(n > 300, "{n} suites in the table");
    }

    use super::*;

    #[test]
    fn grease_values_per_rfc8701() {
        // RFC 8701 §2 lists 0x0A0A, 0x1A1A, ..., 0xFAFA.
        for hi in 0..16u16 {
            let v = (hi << 12) | 0x0a00 | (hi << 4) | 0x0a;
            assert!(is_grease(v), "{v:04x}");
        }
        assert!(!is_grease(0x0a1a));
        assert!(!is_grease(0x1301));
    }

    #[test]
    fn names_from_iana() {
        assert_eq!(cipher_suite_name(0xc02f), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assert_eq!(cipher_suite_name(0x1301), "TLS_AES_128_GCM_SHA256");
        assert_eq!(group_name(0x11ec), "X25519MLKEM768");
        assert_eq!(extension_name(0xff01), "renegotiation_info");
        assert_eq!(signature_scheme_name(0x0804), "rsa_pss_rsae_sha256");
        assert_eq!(version_name(0x7f1c), "TLS 1.3 draft 28");
        assert_eq!(suite_key_exchange(crate::code::CipherSuite(0x009c)), Some(KeyExchange::Rsa));
        assert_eq!(suite_protection(crate::code::CipherSuite(0xc02f), 0x0303), RecordProtection::AeadExplicitNonce { tag: 16 });
    }
}

/// The length of the suite's PRF / transcript hash (48 for SHA-384 suites, else 32).
pub fn suite_hash_len(code: CipherSuite) -> usize {
    let v = code.0;
    match TlsCipherSuite::from_id(v).map(|cs| cs.prf) {
        Some(TlsPRF::Sha384) => 48,
        _ => 32,
    }
}

/// AES-CCM suites with an 8-byte tag (RFC 6655, RFC 7251, RFC 8442, RFC 8446 §B.4): their IANA
/// names end in CCM_8. tls-parser's table does not record the tag length.
const CCM8_SUITES: [u16; 13] = [0x1305, 0xc0ff, 0xc0a0, 0xc0a1, 0xc0a2, 0xc0a3, 0xc0a8, 0xc0a9, 0xc0aa, 0xc0ab, 0xc0ae, 0xc0af, 0xd003];

/// The AEAD tag length of a suite (8 for the CCM_8 suites, else 16).
pub fn suite_tag_len(code: CipherSuite) -> usize {
    let v = code.0;
    if CCM8_SUITES.contains(&v) {
        8
    } else {
        16
    }
}

/// How a TLS 1.0-1.2 suite protects records, for decryption: cipher, key length, MAC, PRF hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SuiteCrypto {
    pub enc: TlsCipherEnc,
    pub mode: TlsCipherEncMode,
    /// Key length in bytes.
    pub key_len: usize,
    /// The HMAC of a CBC suite (None for AEAD).
    pub mac: TlsCipherMac,
    /// The PRF hash: SHA-384 when the suite says so, else SHA-256 (RFC 5246 §5).
    pub prf_sha384: bool,
    pub tag_len: usize,
}

pub fn suite_crypto(code: CipherSuite) -> Option<SuiteCrypto> {
    let v = code.0;
    // In the IANA registry, not in tls-parser's table (draft-cragie-tls-ecjpake; Thread).
    if v == 0xc0ff {
        return Some(SuiteCrypto { enc: TlsCipherEnc::Aes, mode: TlsCipherEncMode::Ccm, key_len: 16, mac: TlsCipherMac::Aead, prf_sha384: false, tag_len: 8 });
    }
    let cs = TlsCipherSuite::from_id(v)?;
    Some(SuiteCrypto { enc: cs.enc, mode: cs.enc_mode, key_len: cs.enc_size as usize / 8, mac: cs.mac, prf_sha384: cs.prf == TlsPRF::Sha384, tag_len: suite_tag_len(code) })
}

/// A CBC suite's HMAC length in bytes (0 for others).
pub fn suite_cbc_mac_len(code: CipherSuite) -> usize {
    let v = code.0;
    match TlsCipherSuite::from_id(v) {
        Some(cs) if cs.enc_mode == TlsCipherEncMode::Cbc => (cs.mac_size / 8) as usize,
        _ => 0,
    }
}

/// A suite this tool calls weak (a danger note): no encryption (NULL), RC4 (RFC 7465), single
/// or triple DES (RFC 8996 era; 3DES's 64-bit block, Sweet32), export strength (56 bits or
/// less), or anonymous key exchange (no authentication of the server).
pub fn suite_weak(code: CipherSuite) -> bool {
    let v = code.0;
    // Signalling values (RFC 5746 §3.3, RFC 7507), not suites a server can choose.
    let Some(cs) = TlsCipherSuite::from_id(v).filter(|_| !code.is_scsv()) else { return false };
    let anon = cs.au == TlsCipherAu::Null && !matches!(cs.kx, TlsCipherKx::Null | TlsCipherKx::Psk);
    matches!(cs.enc, TlsCipherEnc::Null | TlsCipherEnc::Rc4 | TlsCipherEnc::Des | TlsCipherEnc::TripleDes) || (cs.enc_size > 0 && cs.enc_size <= 56) || anon
}

/// PskKeyExchangeMode names (RFC 8446 §4.2.9).
pub fn psk_mode_name(m: u8) -> &'static str {
    match m {
        0 => "psk_ke",
        1 => "psk_dhe_ke",
        _ => "unknown",
    }
}

/// ClientCertificateType names (IANA TLS ClientCertificateType registry; RFC 5246 §7.4.4,
/// RFC 8422 §5.5).
pub fn client_cert_type_name(t: u8) -> &'static str {
    match t {
        1 => "rsa_sign",
        2 => "dss_sign",
        3 => "rsa_fixed_dh",
        4 => "dss_fixed_dh",
        64 => "ecdsa_sign",
        65 => "rsa_fixed_ecdh",
        66 => "ecdsa_fixed_ecdh",
        _ => "unknown",
    }
}

pub use crate::code::{alert, ct, ext, ht, suite};
use crate::code::{AlertDescription, CipherSuite, ContentType, ExtensionType, HandshakeType, NamedGroup, SignatureScheme};

impl ContentType {
    /// The registry's name ("handshake"), "unknown" when unassigned.
    pub fn name(self) -> &'static str {
        content_type_name(self.0)
    }
}

impl HandshakeType {
    /// The message's name as the RFCs write it ("ClientHello"), "Handshake(N)" when unassigned.
    pub fn name(self) -> String {
        handshake_name(self.0)
    }
}

impl SignatureScheme {
    pub fn is_grease(self) -> bool {
        is_grease(self.0)
    }
    /// Signs with SHA-1: the hash byte of the TLS 1.2 pair is sha1 (2) (RFC 5246 §7.4.1.4.1;
    /// rsa_pkcs1_sha1 0x0201 and ecdsa_sha1 0x0203 keep those codes in RFC 8446 §4.2.3).
    pub fn is_sha1(self) -> bool {
        self.0 >> 8 == 2
    }
}

impl ExtensionType {
    /// The registry's name ("server_name"), "GREASE" or "unknown".
    pub fn name(self) -> String {
        extension_name(self.0)
    }
}

impl CipherSuite {
    /// The IANA name ("TLS_AES_128_GCM_SHA256"), "GREASE" or "unknown".
    pub fn name(self) -> String {
        cipher_suite_name(self.0)
    }
    pub fn is_grease(self) -> bool {
        is_grease(self.0)
    }
    /// RFC 8446 §B.4: the TLS 1.3 suites are the 0x13XX code points.
    pub fn is_tls13(self) -> bool {
        self.0 >> 8 == 0x13
    }
    /// A signalling value (RFC 5746 §3.3, RFC 7507 §6), not a suite a server can choose.
    pub fn is_scsv(self) -> bool {
        matches!(self, suite::EMPTY_RENEGOTIATION_INFO_SCSV | suite::FALLBACK_SCSV)
    }
}

impl NamedGroup {
    /// The IANA name ("x25519"), "GREASE" or "unknown".
    pub fn name(self) -> String {
        group_name(self.0)
    }
    pub fn is_grease(self) -> bool {
        is_grease(self.0)
    }
    /// A finite-field Diffie-Hellman group (RFC 7919 §4: 0x0100-0x01FF), not an elliptic curve.
    pub fn is_ffdhe(self) -> bool {
        self.0 >> 8 == 0x01
    }
}

impl SignatureScheme {
    /// The IANA name ("ecdsa_secp256r1_sha256"), or the TLS 1.2 pair's.
    pub fn name(self) -> String {
        signature_scheme_name(self.0)
    }
}

impl AlertDescription {
    /// The registry's name ("handshake_failure").
    pub fn name(self) -> String {
        alert_name(self.0)
    }
}

/// Protocol versions.
pub mod ver {
    pub const TLS10: u16 = 0x0301;
    pub const TLS11: u16 = 0x0302;
    pub const TLS12: u16 = 0x0303;
    pub const TLS13: u16 = 0x0304;
    pub const DTLS12: u16 = 0xfefd;
}
