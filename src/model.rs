//! Output model: the JSON contract `tls-lens/1` (docs/contract.md). Serde types only.

use serde::Serialize;
use crate::code::{AlertDescription, CipherSuite, ContentType, ExtensionType, HandshakeType, NamedGroup, SignatureScheme};

pub const SCHEMA: &str = "tls-lens/1";

/// Built without the `full` feature (the page's first core): the analyses since the last call
/// met something only the full core explains (a key log, QUIC, a compressed certificate), so
/// their answer is not the one to show. Reading it resets it. Always false in a full build.
pub fn needs_full_core() -> bool {
    #[cfg(not(feature = "full"))]
    return lite::NEEDS_FULL.with(|f| f.replace(false));
    #[cfg(feature = "full")]
    false
}

#[cfg(not(feature = "full"))]
mod lite {
    thread_local! {
        pub(crate) static NEEDS_FULL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Note that this input needs the full core.
    pub(crate) fn want_full() {
        NEEDS_FULL.with(|f| f.set(true));
    }
}
#[cfg(not(feature = "full"))]
pub(crate) use lite::want_full;

/// A byte range in the connection's `stream` bytes (what the hex view shows).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
}

impl Span {
    pub fn new(offset: usize, len: usize) -> Self {
        Span { offset, len }
    }
    pub fn end(&self) -> usize {
        self.offset + self.len
    }
    /// Smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        if self.len == 0 {
            return other;
        }
        if other.len == 0 {
            return self;
        }
        let start = self.offset.min(other.offset);
        let end = self.end().max(other.end());
        Span::new(start, end - start)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Dir {
    #[serde(rename = "c2s")]
    C2S,
    #[serde(rename = "s2c")]
    S2C,
}

impl Dir {
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::C2S => "c2s",
            Dir::S2C => "s2c",
        }
    }
    pub fn other(self) -> Dir {
        match self {
            Dir::C2S => Dir::S2C,
            Dir::S2C => Dir::C2S,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A problem with the input: where (absolute byte offset into the stream bytes, or into the
/// input text for text errors with line/column) and what was expected.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub offset: usize,
    /// What kind of problem this is: its text key without the "diag." prefix
    /// ("record.truncated", "hex.not_hex"). Stable for scripts; code decides on this, never
    /// on the wording.
    pub kind: String,
    /// The problem in the output language (filled by `explain::diagnostics`).
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The connection (index into `connections`) whose stream `offset` refers to, for
    /// multi-connection inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection: Option<usize>,
    /// The text and its values, rendered into `message` per language.
    #[serde(skip)]
    pub text: TextRef,
}

impl Diagnostic {
    fn new(severity: Severity, offset: usize, text: TextRef) -> Self {
        let kind = text.key.strip_prefix("diag.").unwrap_or(&text.key).to_string();
        Diagnostic { severity, offset, kind, message: String::new(), line: None, column: None, connection: None, text }
    }
    /// `text`: a text under diag, with its values.
    pub fn error(offset: usize, text: TextRef) -> Self {
        Diagnostic::new(Severity::Error, offset, text)
    }
    pub fn warning(offset: usize, text: TextRef) -> Self {
        Diagnostic::new(Severity::Warning, offset, text)
    }
    /// For text input: the 1-based line and column the problem is at.
    pub fn at_line(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
    pub fn is(&self, kind: &str) -> bool {
        self.kind == kind
    }
}

/// Key of an explanation text plus the values for its `{placeholders}`; resolved per language
/// by `explain`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextRef {
    pub key: String,
    pub args: Vec<(&'static str, String)>,
}

impl TextRef {
    pub fn new(key: impl Into<String>) -> Self {
        TextRef { key: key.into(), args: Vec::new() }
    }
    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }
    /// The value given for `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.args.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }
    /// Put the sentence `inner` in place of `{name}` (its values join these; their names must
    /// not clash).
    pub fn with(mut self, name: &'static str, inner: TextRef) -> Self {
        self.args.push((name, format!("@{}", inner.key)));
        self.args.extend(inner.args);
        self
    }
}

/// One node of a message's field tree.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub span: Span,
    pub note: Option<String>,
    pub children: Vec<Field>,
    #[serde(skip)]
    pub note_ref: Option<TextRef>,
    /// A value in words ("empty (asks for a new ticket)"), written into `value` per language.
    #[serde(skip)]
    pub value_ref: Option<TextRef>,
}

/// A field's value as a parser gives it: words that read the same in every language (numbers,
/// names, hex, the peer's strings), or a text of the tables, written in the output language.
#[derive(Clone, Debug)]
pub enum Value {
    Plain(String),
    Says(TextRef),
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Plain(s)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Plain(s.to_string())
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::Plain(s.clone())
    }
}

impl From<TextRef> for Value {
    fn from(r: TextRef) -> Self {
        Value::Says(r)
    }
}

impl Field {
    pub fn new(name: impl Into<String>, value: impl Into<Value>, span: Span) -> Self {
        match value.into() {
            Value::Plain(value) => Field { name: name.into(), value, span, ..Default::default() },
            Value::Says(r) => Field::says(name, r, span),
        }
    }
    pub fn note(mut self, key: impl Into<String>) -> Self {
        self.note_ref = Some(TextRef::new(key));
        self
    }
    pub fn note_ref(mut self, r: TextRef) -> Self {
        self.note_ref = Some(r);
        self
    }
    /// A field whose value is words: `value` is written from `r` in the output language.
    pub fn says(name: impl Into<String>, r: TextRef, span: Span) -> Self {
        Field { name: name.into(), span, value_ref: Some(r), ..Default::default() }
    }
    pub fn with_children(mut self, children: impl Into<Vec<Field>>) -> Self {
        self.children = children.into();
        self
    }
}

/// Where a parser puts the fields it reads. A lean one (`Options::summary_only`, for `scan`)
/// never builds them: the facts are read on the same walk, and building field trees (names,
/// formatted values, notes) is most of the time a handshake takes to parse.
#[derive(Debug, Default)]
pub struct Fields {
    list: Vec<Field>,
    lean: bool,
}

impl Fields {
    pub fn new(lean: bool) -> Self {
        Fields { list: Vec::new(), lean }
    }
    /// An empty sink as lean as this one, for a field's children.
    pub fn sub(&self) -> Fields {
        Fields::new(self.lean)
    }
    /// Add the field `f` builds, unless lean.
    pub fn add(&mut self, f: impl FnOnce() -> Field) {
        if !self.lean {
            self.list.push(f());
        }
    }
    pub fn len(&self) -> usize {
        self.list.len()
    }
    /// Give field `i` (an index from `len()` before it was added) the note `key`, once a later
    /// part of the message has shown which note fits. Nothing happens when lean.
    pub fn renote(&mut self, i: usize, key: &str) {
        self.renote_ref(i, TextRef::new(key));
    }
    /// `renote` with a note that has arguments.
    pub fn renote_ref(&mut self, i: usize, note: TextRef) {
        if let Some(f) = self.list.get_mut(i) {
            f.note_ref = Some(note);
        }
    }
    /// Whether fields are dropped (a lean parse: facts only).
    pub fn is_lean(&self) -> bool {
        self.lean
    }
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
    pub fn into_vec(self) -> Vec<Field> {
        self.list
    }
}

impl From<Fields> for Vec<Field> {
    fn from(f: Fields) -> Vec<Field> {
        f.list
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Analysis {
    pub schema: &'static str,
    pub lang: &'static str,
    pub input: InputInfo,
    pub connections: Vec<Connection>,
    /// Flows in a capture that are not TLS over TCP: UDP flows (QUIC and DTLS are not
    /// explained yet) and TCP connections without TLS records.
    pub other_flows: Vec<OtherFlow>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A flow of a capture that is listed but not explained.
#[derive(Clone, Debug, Serialize)]
pub struct OtherFlow {
    /// "tcp" or "udp".
    pub transport: &'static str,
    /// Wireshark's `tcp.stream` or `udp.stream` number.
    pub stream: usize,
    /// "ip:port" of the side that opened it (the SYN or first datagram sender) and its peer.
    pub client: String,
    pub server: String,
    pub first_frame: u32,
    pub packets: u64,
    /// Payload bytes, both ways.
    pub bytes: u64,
    /// What the payload looks like, when it is recognisable: "QUIC", "DTLS", "DNS", "HTTP",
    /// "SSH"... or null.
    pub looks_like: Option<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct InputInfo {
    /// What the input was detected as: "hex", "binary", "empty", "pcap", "pcapng".
    pub kind: String,
    /// Size of the input as given (text length for text inputs).
    pub bytes: usize,
    /// "marked" (C:/S: or >/< markers), "inferred" (one blob, directions guessed) or "none".
    pub directions: &'static str,
    /// Key material found in the input (SSLKEYLOGFILE lines pasted with the data, pcapng
    /// Decryption Secrets Blocks); null when there is none. The secrets themselves are never
    /// part of the output.
    pub keylog: Option<KeylogInfo>,
}

#[derive(Clone, Debug, Serialize)]
pub struct KeylogInfo {
    /// Key log lines read.
    pub entries: usize,
    /// Distinct client randoms they are for.
    pub client_randoms: usize,
    /// How many of those belong to a connection of this input.
    pub matched: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Connection {
    pub id: usize,
    /// For captures: Wireshark's `tcp.stream` number of this connection.
    pub tcp_stream: Option<usize>,
    pub client: Option<String>,
    pub server: Option<String>,
    pub summary: Summary,
    /// What kind of handshake this was, derived once from its messages (see `handshake`).
    pub handshake: Handshake,
    pub stream: StreamView,
    pub records: Vec<Record>,
    pub messages: Vec<Message>,
    pub certificates: Vec<Certificate>,
    pub alerts: Vec<Alert>,
    pub notes: Vec<Note>,
    /// Labels of the key log entries for this connection's client random (e.g.
    /// "CLIENT_HANDSHAKE_TRAFFIC_SECRET"), in key log order.
    pub keylog: Vec<&'static str>,
    /// With a key log: each generation of traffic keys, how it was derived and what it opened.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub key_schedule: Vec<KeyGen>,
    /// For QUIC connections: Wireshark's `udp.stream` number and what the packets said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub udp_stream: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quic: Option<QuicSummary>,
    /// A DTLS connection (its number is `udp_stream`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dtls: bool,
    /// When its first packet was captured (ISO 8601 UTC), for pcap and pcapng input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<String>,
    /// The same, in microseconds since 1970 (for writing a capture back out; not in the JSON).
    #[serde(skip)]
    pub captured_us: Option<i64>,
}

/// One generation of keys: the secret it comes from (a key log entry, or derived from one),
/// the keys derived from it, and what they opened.
#[derive(Clone, Debug, Default, Serialize)]
pub struct KeyGen {
    /// "client_early_traffic", "client_handshake_traffic", "server_handshake_traffic",
    /// "client_application_traffic_N", "server_application_traffic_N" (TLS 1.3);
    /// "master_secret", "client_write", "server_write" (TLS 1.0–1.2).
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<Dir>,
    /// The key log label the secret came from, or how it was derived.
    pub source: String,
    pub values: Vec<KeyValue>,
    /// What these keys opened: handshake message names, "Alert", "ApplicationData ×N".
    pub protects: Vec<String>,
    /// Records opened with these keys.
    pub records: usize,
    /// What this generation is for, in the chosen language.
    pub text: String,
    #[serde(skip)]
    pub text_ref: TextRef,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct KeyValue {
    pub name: String,
    pub hex: String,
    /// How it is computed (RFC notation).
    pub formula: String,
    /// An OpenSSL 3 command that computes it again from the values shown (it prints the same
    /// bytes as hex: upper- or lower-case, with or without colons); none for a value the key
    /// log gives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// `name` and `formula` as texts when they hold words ("nonce, record 3"): written in the
    /// output language.
    #[serde(skip)]
    pub name_ref: Option<TextRef>,
    #[serde(skip)]
    pub formula_ref: Option<TextRef>,
}

/// A QUIC connection (RFC 9000) at a glance: its version, connection IDs and packet counts.
#[derive(Clone, Debug, Default, Serialize)]
pub struct QuicSummary {
    pub version: u32,
    pub version_name: String,
    /// The Destination Connection ID of the client's first Initial packet, from which the
    /// Initial keys are derived (hex).
    pub original_dcid: String,
    pub client_scid: Option<String>,
    pub server_scid: Option<String>,
    /// Packets by type ("initial", "0rtt", "handshake", "retry", "version_negotiation",
    /// "1rtt"), both directions.
    pub packets: std::collections::BTreeMap<&'static str, u64>,
    /// Packets whose payload was opened (Initial keys, or key log secrets).
    pub decrypted: u64,
    /// Datagrams of the flow not kept for analysis (later 1-RTT traffic), per direction.
    pub datagrams_not_kept: [u64; 2],
}

/// One QUIC packet shown as a step: its header in plain words.
#[derive(Clone, Debug, Default, Serialize)]
pub struct QuicPacket {
    /// "initial", "0rtt", "handshake", "retry", "version_negotiation" or "1rtt".
    pub packet_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    pub dcid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub packet_number: Option<u64>,
    /// Frame type names in order (runs of PADDING shown once).
    pub frames: Vec<String>,
    /// Which keys opened it: "initial" (derived from the DCID) or the key log label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keys: Option<String>,
    /// The capture frame of the datagram that carried it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame: Option<u32>,
}

/// The bytes every `span` of this connection points into, and which direction each chunk went.
#[derive(Clone, Debug, Serialize)]
pub struct StreamView {
    pub hex: String,
    pub chunks: Vec<Chunk>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Chunk {
    pub dir: Option<Dir>,
    pub offset: usize,
    pub len: usize,
    /// Capture frame number (pcap/pcapng input).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame: Option<u32>,
    /// Bytes that are not TLS records: "quic-packet" (a QUIC packet as it travelled, header
    /// and protected payload) or "quic-frames" (its decrypted payload).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<&'static str>,
    /// Bytes that did not travel as they are: records rebuilt from plaintext a key log opened
    /// (or a tool log printed), or from certificates decompressed (RFC 8879), placed after the
    /// record that carried them.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub rebuilt: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Record {
    pub index: usize,
    pub dir: Option<Dir>,
    pub content_type: ContentType,
    pub content_type_name: &'static str,
    pub version: u16,
    pub length: usize,
    pub span: Span,
    pub encrypted: bool,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Message {
    pub step: usize,
    pub dir: Option<Dir>,
    pub dir_inferred: bool,
    pub content_type: ContentType,
    #[serde(rename = "type")]
    pub msg_type: Option<HandshakeType>,
    pub name: String,
    pub encrypted: bool,
    pub decrypted: bool,
    pub span: Span,
    /// The discontiguous pieces of the message's bytes when it spans several records.
    pub pieces: Vec<Span>,
    /// Indexes into `records` of the records that carry this message.
    pub records: Vec<usize>,
    pub title: String,
    pub explanation: String,
    pub fields: Vec<Field>,
    /// Index into the connection's `alerts` for Alert messages.
    #[serde(skip)]
    pub alert: Option<usize>,
    /// For QUIC packets (content_type 0): the packet header in plain words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quic: Option<QuicPacket>,
    /// Captures: when the packet that brought the message's last byte was captured, in
    /// microseconds after the connection's first packet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_us: Option<i64>,
    /// DTLS: the handshake message's message_seq (RFC 6347 §4.2.2), which the Finished
    /// transcript holds.
    #[serde(skip)]
    pub dtls_seq: Option<u16>,
}

impl Message {
    /// The message's bytes, its pieces joined, from `data` (the connection's bytes).
    pub fn bytes(&self, data: &[u8]) -> Vec<u8> {
        self.pieces.iter().flat_map(|p| data.get(p.offset..p.end()).unwrap_or_default().iter().copied()).collect()
    }
    /// A message called `name` whose bytes are `span` (one piece); the later stages fill the rest.
    pub fn at(dir: Option<Dir>, content_type: ContentType, msg_type: Option<HandshakeType>, name: impl Into<String>, span: Span) -> Message {
        Message { dir, content_type, msg_type, name: name.into(), span, pieces: vec![span], ..Default::default() }
    }
}

/// How long the handshake took, in microseconds after the (first) ClientHello was captured:
/// until the server's first answer (ServerHello or HelloRetryRequest: one round trip plus the
/// server's own time), and until the last Finished (the handshake done). Each is there when both
/// messages are.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Timing {
    pub server_hello_us: Option<i64>,
    pub finished_us: Option<i64>,
}

/// Microseconds as milliseconds with three decimals ("2.508"), as the texts show times.
pub fn millis(us: i64) -> String {
    format!("{}{}.{:03}", if us < 0 { "-" } else { "" }, us.unsigned_abs() / 1000, us.unsigned_abs() % 1000)
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub version: Option<u16>,
    pub version_name: Option<String>,
    pub cipher_suite: Option<CipherSuite>,
    pub cipher_suite_name: Option<String>,
    /// The cipher suite spelled out: key exchange, authentication, cipher, mode, MAC/PRF hash.
    pub cipher_suite_parts: Option<SuiteParts>,
    pub key_exchange: Option<String>,
    pub group: Option<NamedGroup>,
    pub group_name: Option<String>,
    pub sni: Option<String>,
    pub alpn_offered: Vec<String>,
    pub alpn: Option<String>,
    pub supported_versions_offered: Vec<u16>,
    pub cipher_suites_offered: Vec<CipherSuite>,
    pub groups_offered: Vec<NamedGroup>,
    pub key_share_groups: Vec<NamedGroup>,
    pub signature_algorithms: Vec<SignatureScheme>,
    pub extensions_offered: Vec<ExtensionType>,
    pub hello_retry: bool,
    /// Captures: how long the handshake took, from the capture's times.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
    /// The group a HelloRetryRequest asked for.
    pub hrr_group: Option<NamedGroup>,
    pub resumed: bool,
    pub client_auth: bool,
    pub ja3: Option<String>,
    pub ja3_string: Option<String>,
    pub ja3s: Option<String>,
    pub ja3s_string: Option<String>,
    pub ja4: Option<String>,
    /// JA4 raw (sorted lists, unhashed), and the original-order forms.
    pub ja4_r: Option<String>,
    pub ja4_o: Option<String>,
    pub ja4_ro: Option<String>,
    /// JA4 taken apart, for showing each piece beside the field it comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ja4_parts: Option<Ja4Parts>,
    /// The JA3 string's five lists (decimal values joined by "-").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ja3_parts: Option<Ja3Parts>,
}

/// The pieces of JA4 = a_b_c (FoxIO JA4.md).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Ja4Parts {
    /// "t" (TCP), "q" (QUIC) or "d" (DTLS).
    pub transport: String,
    /// "13", "12", ...: the highest supported_versions entry, else legacy_version.
    pub version: String,
    /// Which ClientHello field `version` comes from: "supported_versions" or "legacy_version".
    pub version_from: String,
    /// "d" with server_name, "i" without.
    pub sni: String,
    /// Cipher and extension counts (GREASE left out, at most 99), two digits each.
    pub ciphers: String,
    pub extensions: String,
    /// First and last character of the first ALPN value, "00" without.
    pub alpn: String,
    /// b: the sorted cipher list and the first 12 hex digits of its SHA-256.
    pub cipher_list: String,
    pub cipher_hash: String,
    /// c: the sorted extensions (without SNI and ALPN), "_", the signature algorithms, and
    /// the first 12 hex digits of its SHA-256.
    pub extension_list: String,
    pub extension_hash: String,
}

/// The five comma-separated lists of a JA3 string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Ja3Parts {
    pub version: String,
    pub ciphers: String,
    pub extensions: String,
    pub groups: String,
    pub point_formats: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct SuiteParts {
    pub key_exchange: String,
    pub authentication: String,
    pub cipher: String,
    pub mode: String,
    pub key_bits: u16,
    pub mac: String,
    pub prf: String,
    /// IANA's "Recommended" column says Y.
    pub iana_recommended: bool,
    /// IANA marks it "D" (discouraged) for its key exchange since RFC 10015: finite-field DHE,
    /// RSA key transport, static DH or static ECDH.
    pub iana_discouraged: bool,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Certificate {
    pub index: usize,
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    pub san: Vec<String>,
    pub public_key: String,
    pub signature_algorithm: String,
    pub fingerprint_sha256: String,
    pub self_signed: bool,
    pub is_ca: bool,
    pub span: Span,
    /// Where the DER's bytes are, in order: one piece, or several when the Certificate message
    /// spans records (the record headers, or for decrypted records the ciphertext, lie between).
    pub pieces: Vec<Span>,
    /// The subject public key's algorithm, from its OID (what the display text `public_key`
    /// says in words).
    #[serde(skip)]
    pub key: KeyKind,
    /// The key's size in bits (an RSA modulus, an EC curve's order), when the parser knows it.
    #[serde(skip)]
    pub key_bits: Option<usize>,
    /// Signed with MD2, MD5 or SHA-1 (by the signature algorithm's OID).
    #[serde(skip)]
    pub weak_signature_hash: bool,
}

/// A certificate's key type, as far as the handshake's choices depend on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeyKind {
    /// rsaEncryption (RFC 8017).
    Rsa,
    /// id-ecPublicKey (RFC 5480).
    Ec,
    /// Anything else, or unknown (a log without the certificate).
    #[default]
    Other,
}

#[derive(Clone, Debug, Serialize)]
pub struct Alert {
    pub dir: Option<Dir>,
    pub level: Option<u8>,
    pub description: Option<AlertDescription>,
    pub name: String,
    pub encrypted: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteSeverity {
    Info,
    Warning,
    Danger,
}

#[derive(Clone, Debug, Serialize)]
pub struct Note {
    pub severity: NoteSeverity,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    #[serde(skip)]
    pub text_ref: TextRef,
}

/// The handshake of one connection as a whole: what kind it was and what was negotiated,
/// derived once from its messages (src/handshake.rs). Every explanation and note is written
/// from this and the message's own values. `null` means the input cannot show it (a log
/// without extensions, an encrypted message without a key log).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Handshake {
    /// The negotiated version (ServerHello), or null before one.
    pub version: Option<u16>,
    /// "full", "psk_dhe" / "psk_ke" (TLS 1.3 resumption or external PSK, with or without a
    /// fresh (EC)DHE), "ticket" / "session_id" (TLS 1.0-1.2 abbreviated handshake), or
    /// "incomplete" (no ServerHello).
    pub mode: &'static str,
    /// A HelloRetryRequest: the group it asked for and whether it carried a cookie.
    pub hello_retry: Option<Retry>,
    /// 0-RTT: "none", "offered" (outcome not visible), "accepted" or "rejected".
    pub early_data: &'static str,
    /// "ecdhe", "dhe", "rsa", "psk", "psk_ecdhe", "psk_dhe" or "other"; null before the
    /// ServerHello and in a TLS 1.0-1.2 abbreviated handshake (none took place).
    pub key_exchange: Option<&'static str>,
    /// The (EC)DHE group, when the messages name it.
    pub group: Option<NamedGroup>,
    /// TLS 1.0-1.2: extended_master_secret (RFC 7627), encrypt_then_mac (RFC 7366) and
    /// renegotiation_info (RFC 5746) negotiated; null for TLS 1.3 or when not visible.
    pub extended_master_secret: Option<bool>,
    pub encrypt_then_mac: Option<bool>,
    pub renegotiation_info: Option<bool>,
    /// The connection renegotiated: a HelloRequest, or a ClientHello after a finished handshake.
    pub renegotiation: bool,
    /// The server asked for a client certificate (CertificateRequest).
    pub client_auth_requested: bool,
    /// Certificates the client sent (0: an empty Certificate), null if it sent none visible.
    pub client_certificates: Option<usize>,
    /// The client offered TLS 1.3 (supported_versions).
    pub offered_tls13: bool,
    /// The ServerHello random ends with the TLS 1.3 downgrade sentinel ("TLS 1.2" / "TLS 1.1
    /// or below").
    pub downgrade_sentinel: Option<&'static str>,
    /// TLS 1.3 PSKs offered in the (last) ClientHello: identities, modes, and the identity
    /// the server selected.
    pub psk_identities: usize,
    pub psk_modes: Vec<&'static str>,
    pub psk_selected_identity: Option<u16>,
    /// TLS 1.0-1.2: the ClientHello presented a session ticket (its length) or a session id
    /// to resume.
    pub ticket_presented: Option<usize>,
    pub session_id_presented: bool,
    /// How the server proved it holds its certificate's key: "certificate_verify",
    /// "server_key_exchange", "rsa_key_transport" (implicitly, by decrypting the premaster
    /// secret) or null (no certificate: resumption or PSK).
    pub server_proof: Option<&'static str>,
    /// The input has no bytes (a log like curl -v): extensions and field values are unknown.
    pub from_log: bool,
    /// The handshake failed: a fatal alert came before both sides had sent Finished.
    pub failure: Option<Failure>,
}

/// A handshake a fatal alert ended (RFC 8446 §6.2, RFC 5246 §7.2.2): who sent which alert,
/// right after which handshake message.
#[derive(Clone, Debug, Serialize)]
pub struct Failure {
    /// Index into the connection's `alerts`.
    pub alert: usize,
    pub description: Option<AlertDescription>,
    pub by: Option<Dir>,
    /// The last plaintext handshake message before the alert, and who sent it; null when the
    /// alert came first.
    pub after: Option<HandshakeType>,
    pub after_dir: Option<Dir>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Retry {
    pub group: Option<NamedGroup>,
    pub cookie: bool,
}
