//! What the record and message walk learns about a connection, for the later stages (the
//! handshake model, decryption, explanations): what each hello offered and chose, and the
//! connection's messages, records, certificates and alerts.

use super::ExtFacts;
use crate::model::{Alert, Certificate, Diagnostic, Dir, Message, Record};
use crate::registry::{self, KeyExchange};
use crate::code::{CipherSuite, ExtensionType, NamedGroup, SignatureScheme};

/// What a ClientHello offered.
#[derive(Clone, Debug, Default)]
pub struct ClientHelloInfo {
    /// Sent in the SSL 2.0-compatible format (RFC 5246 Appendix E.2): no extensions.
    pub sslv2: bool,
    pub legacy_version: u16,
    /// The 32-byte client random (what key logs are keyed by).
    pub random: Vec<u8>,
    pub session_id: Vec<u8>,
    pub cipher_suites: Vec<CipherSuite>,
    pub compression: Vec<u8>,
    /// Everything its extensions say (types in order, SNI, ALPN, groups, ...).
    pub ext: ExtFacts,
}

/// What a ServerHello (or HelloRetryRequest) chose.
#[derive(Clone, Debug, Default)]
pub struct ServerHelloInfo {
    pub legacy_version: u16,
    pub hrr: bool,
    /// The 32-byte server random (with the client random, the seed of the TLS 1.2 key block).
    pub random: Vec<u8>,
    pub session_id: Vec<u8>,
    pub cipher_suite: CipherSuite,
    pub extensions: Vec<ExtensionType>,
    pub selected_version: Option<u16>,
    pub alpn: Option<String>,
    pub key_share_group: Option<NamedGroup>,
    pub psk_selected: bool,
    /// pre_shared_key's selected_identity (RFC 8446 §4.2.11).
    pub psk_selected_identity: Option<u16>,
    /// A HelloRetryRequest's cookie length (RFC 8446 §4.2.2).
    pub cookie_len: Option<usize>,
    pub downgrade_sentinel: Option<&'static str>,
}

impl ServerHelloInfo {
    pub fn version(&self) -> u16 {
        self.selected_version.unwrap_or(self.legacy_version)
    }
}

#[derive(Clone, Debug, Default)]
pub struct SkeInfo {
    pub kx: Option<KeyExchange>,
    pub group: Option<NamedGroup>,
    pub dh_p_bits: Option<usize>,
    pub public_len: usize,
    pub sig_scheme: Option<SignatureScheme>,
}

/// What a TLS 1.0–1.2 CertificateRequest asks for (RFC 2246 / 4346 / 5246 §7.4.4). The TLS 1.3
/// request carries extensions instead and leaves this empty.
#[derive(Clone, Debug, Default)]
pub struct CertRequestInfo {
    /// ClientCertificateType code points, in the order sent.
    pub cert_types: Vec<u8>,
    /// supported_signature_algorithms (TLS 1.2 only; empty before).
    pub schemes: Vec<SignatureScheme>,
    /// How many certificate authority names the request lists (0: any CA).
    pub ca_names: usize,
    /// The first of them, as text (RFC 4514 style).
    pub first_ca: Option<String>,
}

/// Facts a parsed message contributes to the connection.
#[derive(Clone, Debug)]
pub enum MsgFacts {
    None,
    ClientHello(Box<ClientHelloInfo>),
    ServerHello(Box<ServerHelloInfo>),
    /// The certificates read, and whether certificate_list was empty (a client with none that
    /// fits sends an empty one, RFC 8446 §4.4.2, RFC 5246 §7.4.6).
    Certificates(Vec<Certificate>, bool),
    ServerKeyExchange(SkeInfo),
    CertificateRequest(CertRequestInfo),
    /// TLS 1.3 EncryptedExtensions (read when decrypted): where the chosen ALPN is.
    EncryptedExtensions(Box<ExtFacts>),
    /// CertificateVerify (TLS 1.2 and 1.3): its signature scheme.
    CertificateVerify(SignatureScheme),
    /// NewSessionTicket: the lifetime (hint, in TLS 1.2) in seconds, the ticket's length and
    /// (TLS 1.3) the 0-RTT bytes it allows.
    NewSessionTicket { lifetime: u32, len: Option<usize>, max_early_data: Option<u32> },
}

/// What the handshake negotiated, as far as the plaintext shows.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub client_hello: Option<ClientHelloInfo>,
    /// The second ClientHello, sent in answer to a HelloRetryRequest (RFC 8446 §4.1.4).
    pub client_hello2: Option<ClientHelloInfo>,
    pub server_hello: Option<ServerHelloInfo>,
    /// TLS 1.3 EncryptedExtensions, when decrypted.
    pub encrypted_extensions: Option<ExtFacts>,
    /// CertificateVerify signature schemes, by the side that sent them.
    pub cert_verify: Vec<(Option<Dir>, SignatureScheme)>,
    /// NewSessionTickets in order.
    pub tickets: Vec<Ticket>,
    pub hello_retry: bool,
    /// The HelloRetryRequest, if any (its `key_share_group` is the group it asks for).
    pub hrr: Option<ServerHelloInfo>,
    pub ske: Option<SkeInfo>,
    pub client_auth: bool,
    /// The client's Certificate was seen (in plaintext or decrypted): whether its
    /// certificate_list was empty.
    pub client_certificate_empty: Option<bool>,
    /// The TLS 1.0–1.2 CertificateRequest, as read (RFC 5246 §7.4.4).
    pub cert_request: Option<CertRequestInfo>,
    pub resumed: bool,
    /// The ALPN protocol chosen in (decrypted) EncryptedExtensions.
    pub ee_alpn: Option<String>,
    /// The handshake travelled in QUIC CRYPTO frames (RFC 9001), not in TLS records.
    pub quic: bool,
    /// DTLS (RFC 6347, 9147).
    pub dtls: bool,
    /// The random of the last ClientHello: a QUIC client that got a Retry may start over with
    /// a new ClientHello, and its key log entries name that one.
    pub last_client_random: Option<Vec<u8>>,
    /// A plaintext heartbeat claimed more payload than it carried (RFC 6520 §4).
    pub heartbleed: bool,
}

impl Facts {
    /// The ClientHello the ServerHello answers: the retried one after a HelloRetryRequest.
    pub fn answered_hello(&self) -> Option<&ClientHelloInfo> {
        self.client_hello2.as_ref().or(self.client_hello.as_ref())
    }

    pub fn version(&self) -> Option<u16> {
        self.server_hello.as_ref().map(|s| s.version())
    }
    /// TLS 1.3 (or a draft) was negotiated, or a HelloRetryRequest (which only TLS 1.3 has)
    /// was seen before the ServerHello.
    pub fn is_tls13(&self) -> bool {
        match self.version() {
            Some(v) => v == 0x0304 || v == 0xfefc || v >> 8 == 0x7f,
            None => self.hello_retry,
        }
    }
    pub fn suite(&self) -> Option<CipherSuite> {
        self.server_hello.as_ref().map(|s| s.cipher_suite)
    }
    pub fn key_exchange(&self) -> Option<KeyExchange> {
        if self.is_tls13() {
            return Some(KeyExchange::Tls13);
        }
        self.suite().and_then(registry::suite_key_exchange)
    }
}

/// The TLS-level view of one connection; explanations are added by `explain`.
#[derive(Clone, Debug, Default)]
pub struct TlsConnection {
    pub records: Vec<Record>,
    pub messages: Vec<Message>,
    pub certificates: Vec<Certificate>,
    pub alerts: Vec<Alert>,
    pub facts: Facts,
    pub dirs_inferred: bool,
    pub diagnostics: Vec<Diagnostic>,
    /// Read from a log that names the messages but has none of their bytes (curl -v): the
    /// extensions sent are unknown.
    pub from_log: bool,
    /// The log says the tool verified the certificate when the log was made.
    pub log_verified: bool,
    /// The log says the server agreed on no ALPN protocol.
    pub log_alpn_refused: bool,
    /// What the walk's later parts found (decryption, decompressed certificates), as notes.
    pub notes: Vec<(crate::model::NoteSeverity, crate::model::TextRef)>,
    /// Keys derived with a key log (decryption fills it).
    pub key_schedule: Vec<crate::model::KeyGen>,
    /// (record offset, plaintext length) of each application data record a key log opened:
    /// they are not shown as steps, but what they held explains them (decryption fills it).
    pub app_plain: Vec<(usize, usize)>,
    /// (record offset, plaintext length) of each protected TLS 1.3 record a key log opened that
    /// held handshake bytes: a record that starts no message holds more of one begun earlier.
    pub hs_plain: Vec<(usize, usize)>,
    /// QUIC: the connection at a glance (the QUIC stage's summary).
    pub quic: Option<crate::model::QuicSummary>,
}

/// What a NewSessionTicket says (RFC 5077 §3.3, RFC 8446 §4.6.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ticket {
    /// Seconds (a hint in TLS 1.2).
    pub lifetime: u32,
    pub len: Option<usize>,
    /// TLS 1.3: the early_data extension's max_early_data_size, when the ticket allows 0-RTT.
    pub max_early_data: Option<u32>,
}

/// Seconds as hours to a tenth, rounded, in integers (float formatting costs the page's wasm
/// 20 KB): 7200 -> "2.0".
pub fn hours(secs: u32) -> String {
    let t = (secs as u64 * 10 + 1800) / 3600;
    format!("{}.{}", t / 10, t % 10)
}
