//! Hello extensions (RFC 8446 §4.2 and the RFCs named in the registry): each decoded into a
//! field tree with spans, and the facts the summary needs collected on the way.
//!
//! ```text
//! struct { ExtensionType extension_type; opaque extension_data<0..2^16-1>; } Extension;
//! ```

use crate::model::{Field, Fields, Span, TextRef, Value as FieldValue};
use crate::reader::{ReadError, ReadResult, Reader};
use crate::registry::{self, ext, is_grease};
use crate::code::{ExtensionType, NamedGroup, SignatureScheme};

use super::{empty_or_hex, hexs, len_field, nbytes, Vector};

/// Which message the extensions are in: some extensions have a different body per message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtCtx {
    ClientHello,
    ServerHello,
    HelloRetryRequest,
    Other,
}

#[derive(Clone, Debug, Default)]
pub struct ExtFacts {
    /// The ClientHello's length with its 4-byte handshake header (set before its extensions
    /// are read; what the padding extension is measured against, RFC 7685 §4).
    pub hello_len: usize,
    /// A NewSessionTicket's early_data: the 0-RTT bytes the ticket allows (RFC 8446 §4.2.10).
    pub max_early_data: Option<u32>,
    pub types: Vec<ExtensionType>,
    pub sni: Option<String>,
    pub alpn: Vec<String>,
    /// The first ALPN protocol's bytes as sent (JA4 looks at its first and last byte).
    pub alpn_first: Option<Vec<u8>>,
    pub groups: Vec<NamedGroup>,
    pub ec_point_formats: Vec<u8>,
    pub signature_algorithms: Vec<SignatureScheme>,
    pub supported_versions: Vec<u16>,
    pub key_share_groups: Vec<NamedGroup>,
    pub session_ticket_len: Option<usize>,
    pub psk: bool,
    /// pre_shared_key in a ClientHello: how many identities were offered.
    pub psk_identities: usize,
    /// pre_shared_key in a ServerHello: the identity the server chose.
    pub psk_selected_identity: Option<u16>,
    /// psk_key_exchange_modes: 0 psk_ke, 1 psk_dhe_ke (RFC 8446 §4.2.9).
    pub psk_modes: Vec<u8>,
    /// cookie (RFC 8446 §4.2.2): its length.
    pub cookie_len: Option<usize>,
    /// renegotiation_info: the length of renegotiated_connection.
    pub reneg_info_len: Option<usize>,
}

/// Parse `extensions<..>` (2-byte length prefix) into one field with a child per extension.
pub fn parse_list(r: &mut Reader, out: &mut Fields, ctx: ExtCtx, facts: &mut ExtFacts, note: &str) -> ReadResult<()> {
    let start = r.pos();
    let (mut body, lspan) = r.vec(2, "extensions")?;
    let span = Span::new(start, r.pos() - start);
    let mut kids = out.sub();
    kids.add(|| len_field(lspan, body.remaining()));
    let mut n = 0;
    let res = (|| {
        while !body.is_empty() {
            extension(&mut body, ctx, facts, &mut kids)?;
            n += 1;
        }
        Ok(())
    })();
    out.add(|| Field::new("extensions", TextRef::new("word.value.extensions").arg("n", n.to_string()), span).note(note).with_children(kids));
    res
}

/// An extension's one-line value, built only when fields are (not in lean parses).
struct Value {
    shown: FieldValue,
    lean: bool,
}

impl Value {
    /// The value: plain words, or a text of the tables (its key starts with word.value).
    fn set<V: Into<FieldValue>>(&mut self, f: impl FnOnce() -> V) {
        if !self.lean {
            self.shown = f().into();
        }
    }
}

fn ext_label(t: u16) -> String {
    if is_grease(t) {
        format!("GREASE (0x{t:04x})")
    } else {
        registry::extension_name(t)
    }
}

fn extension(r: &mut Reader, ctx: ExtCtx, facts: &mut ExtFacts, list: &mut Fields) -> ReadResult<()> {
    let start = r.pos();
    let (code, tspan) = r.u16("extension_type")?;
    let t = ExtensionType(code);
    let (mut body, lspan) = r.vec(2, "extension_data")?;
    facts.types.push(t);
    let span = Span::new(start, r.pos() - start);
    let len = body.remaining();
    let mut kids = list.sub();
    kids.add(|| Field::new("extension_type", format!("0x{code:04x} ({})", ext_label(code)), tspan).note(type_note(code)));
    kids.add(|| len_field(lspan, len));
    let mut value = Value { shown: FieldValue::Plain(String::new()), lean: kids.is_lean() };
    let res = decode(t, &mut body, ctx, facts, &mut kids, &mut value);
    if res.is_ok() && !body.is_empty() {
        let (rest, s) = body.rest();
        kids.add(|| Field::new("trailing bytes", hexs(rest), s).note("field.ext.trailing"));
    }
    // A broken extension body is reported but does not stop the list: its length was valid.
    if let Err(e) = res {
        value.set(|| TextRef::new("word.value.malformed").with("why", e.describe()));
    }
    list.add(|| {
        let key = match (t, ctx) {
            (ext::ALPN, ExtCtx::ServerHello | ExtCtx::Other) => "ext.application_layer_protocol_negotiation.server".to_string(),
            // What this session_ticket says (RFC 5077 §3.2): ask for a ticket, present one, or
            // (from the server) promise a NewSessionTicket.
            (ext::SESSION_TICKET, ExtCtx::ClientHello) if len == 0 => "ext.session_ticket.request".to_string(),
            (ext::SESSION_TICKET, ExtCtx::ClientHello) => "ext.session_ticket.present".to_string(),
            (ext::SESSION_TICKET, _) => "ext.session_ticket.server".to_string(),
            (ext::ENCRYPT_THEN_MAC, ExtCtx::ServerHello) => "ext.encrypt_then_mac.server".to_string(),
            (ext::EXTENDED_MASTER_SECRET, ExtCtx::ServerHello) => "ext.extended_master_secret.server".to_string(),
            (ext::PRE_SHARED_KEY, ExtCtx::ServerHello) => "ext.pre_shared_key.server".to_string(),
            // In a NewSessionTicket it carries max_early_data_size (4 bytes); in EncryptedExtensions it is empty.
            (ext::EARLY_DATA, ExtCtx::Other) if len == 4 => "ext.early_data.ticket".to_string(),
            (ext::EARLY_DATA, ExtCtx::Other) => "ext.early_data.server".to_string(),
            // Outside a ClientHello only a CertificateRequest carries it (RFC 8446 §4.2).
            (ext::CERTIFICATE_AUTHORITIES, ExtCtx::Other) => "ext.certificate_authorities.cr".to_string(),
            (ext::COOKIE, ExtCtx::HelloRetryRequest) => "ext.cookie.hrr".to_string(),
            (ext::KEY_SHARE, ExtCtx::HelloRetryRequest) => "ext.key_share.hrr".to_string(),
            (ext::KEY_SHARE, ExtCtx::ServerHello) => "ext.key_share.server".to_string(),
            _ => ext_note_key(code),
        };
        Field::new(ext_label(code), value.shown, span).note(key).with_children(kids)
    });
    Ok(())
}

fn type_note(t: u16) -> &'static str {
    if is_grease(t) {
        "ext.grease"
    } else {
        "field.extension_type"
    }
}

/// Explanation key for an extension.
fn ext_note_key(t: u16) -> String {
    match t {
        0 | 1 | 5 | 10 | 11 | 13 | 14 | 15 | 16 | 19 | 20 | 21 | 22 | 23 | 27 | 28 | 35 | 41 | 42 | 43 | 44 | 45 | 47 | 48 | 49 | 50 | 51 | 54 | 0xff01 | 18 | 0xfe0d | 0x4469 | 0x44cd | 57 | 0x3374 | 0x7550 => {
            format!("ext.{}", registry::extension_name(t).split(' ').next().unwrap_or_default())
        }
        t if is_grease(t) => "ext.grease".into(),
        t if registry::extension_rfc(t).is_some() => "ext.other".into(),
        _ => "ext.unknown".into(),
    }
}

#[allow(clippy::too_many_arguments)]
fn u16_list(
    body: &mut Reader,
    width: usize,
    what: &'static str,
    item: &'static str,
    name: fn(u16) -> String,
    note: &'static str,
    item_note: fn(u16) -> &'static str,
    kids: &mut Fields,
) -> ReadResult<Vec<u16>> {
    let start = body.pos();
    let (mut list, lspan) = body.vec(width, what)?;
    let mut items = kids.sub();
    let n = list.remaining();
    items.add(|| len_field(lspan, n).note_ref(TextRef::new("field.vector_length.u16").arg("items", (n / 2).to_string())));
    let mut vals = Vec::new();
    if list.remaining() % 2 != 0 {
        return Err(ReadError::Malformed { at: list.pos(), why: TextRef::new("diag.read.odd_list").arg("list", what).arg("len", list.remaining().to_string()) });
    }
    while !list.is_empty() {
        let (v, s) = list.u16(item)?;
        vals.push(v);
        items.add(|| {
            let label = if is_grease(v) { "GREASE (RFC 8701)".to_string() } else { name(v) };
            Field::new(item, format!("0x{v:04x} {label}"), s).note(if is_grease(v) { "value.grease" } else { item_note(v) })
        });
    }
    kids.add(|| Field::new(what, entries(vals.len()), Span::new(start, body.pos() - start)).note(note).with_children(items));
    Ok(vals)
}

/// A `uint8 list<1..2^8-1>` of named one-byte values; `value` becomes their names.
#[allow(clippy::too_many_arguments)]
fn u8_list(
    body: &mut Reader,
    what: &'static str,
    item: &'static str,
    name: fn(u8) -> &'static str,
    note: &'static str,
    item_note: &'static str,
    kids: &mut Fields,
    value: &mut Value,
) -> ReadResult<Vec<u8>> {
    let start = body.pos();
    let (mut list, lspan) = body.vec(1, what)?;
    let mut items = kids.sub();
    items.add(|| len_field(lspan, list.remaining()));
    let mut vals = Vec::new();
    while !list.is_empty() {
        let (v, s) = list.u8(item)?;
        vals.push(v);
        items.add(|| Field::new(item, format!("{v} ({})", name(v)), s).note(item_note));
    }
    value.set(|| vals.iter().map(|&v| name(v)).collect::<Vec<_>>().join(", "));
    let span = Span::new(start, body.pos() - start);
    kids.add(|| Field::new(what, value.shown.clone(), span).note(note).with_children(items));
    Ok(vals)
}

fn names(list: &[u16], name: fn(u16) -> String) -> String {
    let v: Vec<String> = list.iter().filter(|&&x| !is_grease(x)).map(|&x| name(x)).collect();
    v.join(", ")
}

fn decode(t: ExtensionType, body: &mut Reader, ctx: ExtCtx, facts: &mut ExtFacts, kids: &mut Fields, value: &mut Value) -> ReadResult<()> {
    match t {
        ext::SERVER_NAME if ctx == ExtCtx::ClientHello => server_name_list(body, facts, kids, value),
        ext::SERVER_NAME => {
            value.set(|| TextRef::new("word.value.sni_used"));
            Ok(())
        }
        ext::ALPN => {
            let (protos, first) = protocol_list(body, "protocol_name_list", "field.alpn.list", "field.alpn.protocol", kids, value)?;
            facts.alpn_first = first;
            facts.alpn = protos;
            Ok(())
        }
        ext::SUPPORTED_GROUPS => {
            let v = u16_list(body, 2, "named_group_list", "NamedGroup", registry::group_name, "field.groups.list", group_note, kids)?;
            value.set(|| names(&v, registry::group_name));
            facts.groups = v.into_iter().map(NamedGroup).collect();
            Ok(())
        }
        ext::EC_POINT_FORMATS => {
            let v = u8_list(body, "ec_point_format_list", "ECPointFormat", |f| match f {
                0 => "uncompressed",
                1 => "ansiX962_compressed_prime",
                2 => "ansiX962_compressed_char2",
                _ => "unknown",
            }, "field.ec_point_formats.list", "field.ec_point_formats.format", kids, value)?;
            facts.ec_point_formats = v;
            Ok(())
        }
        ext::SIGNATURE_ALGORITHMS | ext::SIGNATURE_ALGORITHMS_CERT => {
            let v = u16_list(body, 2, "supported_signature_algorithms", "SignatureScheme", registry::signature_scheme_name, "field.sigalgs.list", scheme_note, kids)?;
            value.set(|| TextRef::new("word.value.schemes").arg("n", v.len().to_string()));
            if t == ext::SIGNATURE_ALGORITHMS {
                facts.signature_algorithms = v.into_iter().map(SignatureScheme).collect();
            }
            Ok(())
        }
        ext::SUPPORTED_VERSIONS if ctx == ExtCtx::ClientHello => {
            let v = u16_list(body, 1, "versions", "ProtocolVersion", registry::version_name, "field.versions.list", |_| "field.versions.version", kids)?;
            value.set(|| names(&v, registry::version_name));
            facts.supported_versions = v;
            Ok(())
        }
        ext::SUPPORTED_VERSIONS => {
            let (v, s) = body.u16("selected_version")?;
            value.set(|| registry::version_name(v));
            facts.supported_versions = vec![v];
            kids.add(|| Field::new("selected_version", format!("0x{v:04x} ({})", registry::version_name(v)), s).note("field.versions.selected"));
            Ok(())
        }
        ext::KEY_SHARE => key_share(body, ctx, facts, kids, value),
        ext::SESSION_TICKET => session_ticket(body, facts, kids, value),
        ext::EXTENDED_MASTER_SECRET | ext::ENCRYPT_THEN_MAC | ext::POST_HANDSHAKE_AUTH => {
            value.set(|| TextRef::new("word.value.empty"));
            Ok(())
        }
        ext::MAX_FRAGMENT_LENGTH => max_fragment_length(body, kids, value),
        ext::CLIENT_CERTIFICATE_TYPE | ext::SERVER_CERTIFICATE_TYPE => certificate_types(body, ctx, kids, value),
        ext::USE_SRTP => {
            // use_srtp (RFC 5764 §4.1.1): protection profiles, then an MKI.
            let v = u16_list(body, 2, "SRTPProtectionProfiles", "SRTPProtectionProfile", srtp_profile_name, "field.use_srtp.profiles", |_| "field.use_srtp.profile", kids)?;
            let mki = Vector::read(body, 1, "srtp_mki")?;
            kids.add(|| mki.field("srtp_mki", empty_or_hex(mki.bytes)).note("field.use_srtp.mki"));
            value.set(|| names(&v, srtp_profile_name));
            Ok(())
        }
        ext::COOKIE => {
            // Cookie (RFC 8446 §4.2.2): opaque cookie<1..2^16-1>.
            let c = Vector::read(body, 2, "cookie")?;
            facts.cookie_len = Some(c.bytes.len());
            value.set(|| nbytes(c.bytes.len()));
            kids.add(|| c.field("cookie", super::hex_short(c.bytes)).note("field.cookie.value"));
            Ok(())
        }
        ext::CERTIFICATE_AUTHORITIES => {
            // certificate_authorities (RFC 8446 §4.2.4): DistinguishedName authorities<3..2^16-1>.
            let shown = |b: &[u8]| crate::x509::dn_string(b).map(FieldValue::from).unwrap_or_else(|| super::hex_short(b));
            let n = opaque_list(body, ("authorities", "field.certificate_authorities.list"), ("DistinguishedName", "field.certificate_authorities.name"), shown, kids)?;
            value.set(|| TextRef::new("word.value.ca_names").arg("n", n.to_string()));
            Ok(())
        }
        ext::DELEGATED_CREDENTIAL if ctx == ExtCtx::ClientHello => {
            // delegated_credential (RFC 9345 §4.1.1): the signature schemes accepted in a DC.
            let v = u16_list(body, 2, "supported_signature_algorithms", "SignatureScheme", registry::signature_scheme_name, "field.delegated_credential.list", scheme_note, kids)?;
            value.set(|| TextRef::new("word.value.schemes").arg("n", v.len().to_string()));
            Ok(())
        }
        ext::TICKET_REQUEST if ctx == ExtCtx::ClientHello => {
            // ticket_request (RFC 9149 §3): how many tickets the client would like.
            let (new, s1) = body.u8("new_session_count")?;
            let (res, s2) = body.u8("resumption_count")?;
            value.set(|| TextRef::new("word.value.ticket_count").arg("new", new.to_string()).arg("res", res.to_string()));
            kids.add(|| Field::new("new_session_count", new.to_string(), s1).note("field.ticket_request.new_session_count"));
            kids.add(|| Field::new("resumption_count", res.to_string(), s2).note("field.ticket_request.resumption_count"));
            Ok(())
        }
        ext::OID_FILTERS => oid_filters(body, kids, value),
        ext::CONNECTION_ID => {
            // connection_id (RFC 9146 §3): opaque cid<0..2^8-1>.
            let cid = Vector::read(body, 1, "cid")?;
            if cid.bytes.is_empty() {
                value.set(|| TextRef::new("word.value.no_cid"));
            } else {
                value.set(|| hexs(cid.bytes));
            }
            kids.add(|| cid.field("cid", empty_or_hex(cid.bytes)).note("field.connection_id.cid"));
            Ok(())
        }
        ext::SIGNED_CERTIFICATE_TIMESTAMP if body.remaining() > 0 => {
            // SignedCertificateTimestampList (RFC 6962 §3.3): SerializedSCT sct_list<1..2^16-1>,
            // each version(1) log_id(32) timestamp(8, ms) ...
            let shown = |b: &[u8]| match (b.first(), b.get(1..33), b.get(33..41)) {
                (Some(0), Some(id), Some(ts)) => {
                    let ms = u64::from_be_bytes([ts[0], ts[1], ts[2], ts[3], ts[4], ts[5], ts[6], ts[7]]);
                    FieldValue::from(format!("v1, log {}…, {}", hexs(&id[..8]), crate::x509::iso_time((ms / 1000) as i64)))
                }
                _ => super::hex_short(b),
            };
            let n = opaque_list(body, ("sct_list", "field.sct.list"), ("SignedCertificateTimestamp", "field.sct.entry"), shown, kids)?;
            value.set(|| TextRef::new("word.value.scts").arg("n", n.to_string()));
            Ok(())
        }
        ext::RENEGOTIATION_INFO => {
            let rc = Vector::read(body, 1, "renegotiated_connection")?;
            let b = rc.bytes;
            facts.reneg_info_len = Some(b.len());
            value.set(|| if b.is_empty() { TextRef::new("word.value.reneg_initial") } else { TextRef::new("word.value.reneg").arg("n", b.len().to_string()) });
            kids.add(|| rc.field("renegotiated_connection", empty_or_hex(b)).note("field.reneg.renegotiated_connection"));
            Ok(())
        }
        ext::STATUS_REQUEST if ctx == ExtCtx::ClientHello => status_request(body, kids, value),
        ext::STATUS_REQUEST => {
            value.set(|| TextRef::new("word.value.ocsp_promised"));
            Ok(())
        }
        ext::PSK_KEY_EXCHANGE_MODES => {
            facts.psk_modes = u8_list(body, "ke_modes", "PskKeyExchangeMode", registry::psk_mode_name, "field.psk_modes.list", "field.psk_modes.mode", kids, value)?;
            Ok(())
        }
        ext::PADDING => padding(body, facts, kids, value),
        ext::RECORD_SIZE_LIMIT => {
            let (v, s) = body.u16("RecordSizeLimit")?;
            value.set(|| nbytes(v as usize));
            kids.add(|| Field::new("RecordSizeLimit", v.to_string(), s).note("field.record_size_limit.value"));
            Ok(())
        }
        ext::COMPRESS_CERTIFICATE => {
            let v = u16_list(body, 1, "algorithms", "CertificateCompressionAlgorithm", |a| match a {
                1 => "zlib".into(),
                2 => "brotli".into(),
                3 => "zstd".into(),
                _ => "unknown".into(),
            }, "field.compress_certificate.list", |_| "field.compress_certificate.algorithm", kids)?;
            value.set(|| TextRef::new("word.value.algorithms").arg("n", v.len().to_string()));
            Ok(())
        }
        ext::PRE_SHARED_KEY => {
            facts.psk = true;
            pre_shared_key(body, ctx, facts, kids, value)
        }
        ext::HEARTBEAT => heartbeat_mode(body, kids, value),
        ext::EARLY_DATA if ctx == ExtCtx::Other && body.remaining() == 4 => max_early_data(body, facts, kids, value),
        // ALPS: ProtocolName supported_protocols<2..2^16-1> (draft-vvv-tls-alps §3).
        ext::ALPS_OLD | ext::ALPS if ctx == ExtCtx::ClientHello => protocol_list(body, "supported_protocols", "field.alps.list", "field.alps.protocol", kids, value).map(|_| ()),
        ext::ENCRYPTED_CLIENT_HELLO if ctx == ExtCtx::ClientHello => ech_client_hello(body, kids, value),
        ext::QUIC_TRANSPORT_PARAMETERS | ext::QUIC_TRANSPORT_PARAMETERS_DRAFT => transport_parameters(body, kids, value),
        _ => {
            let (b, s) = body.rest();
            value.set(|| if b.is_empty() { TextRef::new("word.value.empty").into() } else { nbytes(b.len()) });
            if !b.is_empty() {
                let note = if is_grease(t.0) {
                    "field.ext.grease_data"
                } else if registry::extension_rfc(t.0).is_some() {
                    "field.ext.data"
                } else {
                    "field.ext.unknown_data"
                };
                kids.add(|| Field::new("extension_data", super::hex_short(b), s).note(note));
            }
            Ok(())
        }
    }
}

/// server_name (RFC 6066 §3): the ClientHello's ServerNameList.
fn server_name_list(body: &mut Reader, facts: &mut ExtFacts, kids: &mut Fields, value: &mut Value) -> ReadResult<()> {
    let start = body.pos();
    let (mut list, lspan) = body.vec(2, "server_name_list")?;
    let mut items = kids.sub();
    items.add(|| len_field(lspan, list.remaining()));
    let mut res = Ok(());
    while !list.is_empty() {
        let s0 = list.pos();
        let (nt, nts) = list.u8("name_type")?;
        match list.vec(2, "host_name") {
            Ok((mut hn, hl)) => {
                let (name, hs) = hn.rest();
                let host = String::from_utf8_lossy(name).into_owned();
                if nt == 0 && facts.sni.is_none() {
                    facts.sni = Some(host.clone());
                }
                value.set(|| host.clone());
                items.add(|| 
                    Field::new("ServerName", host.clone(), Span::new(s0, list.pos() - s0)).note("field.sni.entry").with_children(vec![
                        Field::new("name_type", format!("{nt} ({})", if nt == 0 { "host_name" } else { "unknown" }), nts).note("field.sni.name_type"),
                        len_field(hl, name.len()),
                        Field::new("host_name", host, hs).note("field.sni.host_name"),
                    ]),
                );
            }
            Err(e) => {
                res = Err(e);
                break;
            }
        }
    }
    kids.add(|| Field::new("server_name_list", value.shown.clone(), Span::new(start, body.pos() - start)).note("field.sni.list").with_children(items));
    res
}

/// session_ticket (RFC 5077 §3.2): empty to ask for a ticket, or the ticket itself.
fn session_ticket(body: &mut Reader, facts: &mut ExtFacts, kids: &mut Fields, value: &mut Value) -> ReadResult<()> {
    let (b, s) = body.rest();
    facts.session_ticket_len = Some(b.len());
    if b.is_empty() {
        value.set(|| TextRef::new("word.value.ticket_request"));
    } else {
        value.set(|| TextRef::new("word.value.ticket").arg("n", b.len().to_string()));
        kids.add(|| Field::new("ticket", super::hex_short(b), s).note("field.session_ticket.ticket"));
    }
    Ok(())
}

/// max_fragment_length (RFC 6066 §4): 2^9 to 2^12 bytes.
fn max_fragment_length(body: &mut Reader, kids: &mut Fields, value: &mut Value) -> ReadResult<()> {
    // MaxFragmentLength (RFC 6066 §4): 1..4 = 2^9..2^12 bytes.
    let (v, s) = body.u8("MaxFragmentLength")?;
    let n: usize = 1 << (8 + v.clamp(1, 4));
    match v {
        1..=4 => {
            value.set(|| nbytes(n));
            kids.add(|| Field::new("MaxFragmentLength", TextRef::new("word.value.code_bytes").arg("v", v.to_string()).arg("n", n.to_string()), s).note("field.max_fragment_length.value"));
        }
        _ => {
            value.set(|| TextRef::new("word.value.invalid"));
            kids.add(|| Field::new("MaxFragmentLength", TextRef::new("word.value.code_invalid").arg("v", v.to_string()), s).note("field.max_fragment_length.value"));
        }
    }
    Ok(())
}

/// client_ and server_certificate_type (RFC 7250 §3): a list in the ClientHello, one type from the server.
fn certificate_types(body: &mut Reader, ctx: ExtCtx, kids: &mut Fields, value: &mut Value) -> ReadResult<()> {
    // RFC 7250 §3: a list in ClientHello, the chosen one in ServerHello/EncryptedExtensions.
    let name = |t: u8| match t {
        0 => "X509",
        1 => "OpenPGP",
        2 => "RawPublicKey",
        3 => "1609Dot2",
        _ => "unknown",
    };
    if ctx == ExtCtx::ClientHello {
        u8_list(body, "certificate_types", "CertificateType", name, "field.cert_type.list", "field.cert_type.type", kids, value)?;
    } else {
        let (t, s) = body.u8("certificate_type")?;
        value.set(|| name(t));
        kids.add(|| Field::new("certificate_type", format!("{t} ({})", name(t)), s).note("field.cert_type.selected"));
    }
    Ok(())
}

/// oid_filters (RFC 8446 §4.2.5): certificate extension OIDs and the values a client certificate must match.
fn oid_filters(body: &mut Reader, kids: &mut Fields, value: &mut Value) -> ReadResult<()> {
    // oid_filters (RFC 8446 §4.2.5): OIDFilter filters<0..2^16-1>, each an extension OID
    // and the DER values a client certificate's extension must hold.
    let start = body.pos();
    let (mut list, lspan) = body.vec(2, "filters")?;
    let mut items = kids.sub();
    items.add(|| len_field(lspan, list.remaining()));
    let mut n = 0;
    while !list.is_empty() {
        let s0 = list.pos();
        let (mut oid, ol) = list.vec(1, "certificate_extension_oid")?;
        let (o, os) = oid.rest();
        let (mut vals, vl) = list.vec(2, "certificate_extension_values")?;
        let (v, vs) = vals.rest();
        n += 1;
        items.add(|| {
            let name = crate::x509::oid_text(o);
            Field::new("OIDFilter", name.clone(), Span::new(s0, list.pos() - s0)).note("field.oid_filters.filter").with_children(vec![
                len_field(ol, o.len()),
                Field::new("certificate_extension_oid", name, os).note("field.oid_filters.oid"),
                len_field(vl, v.len()),
                Field::new("certificate_extension_values", if v.is_empty() { TextRef::new("word.value.empty").into() } else { super::hex_short(v) }, vs).note("field.oid_filters.values"),
            ])
        });
    }
    value.set(|| TextRef::new("word.value.filters").arg("n", n.to_string()));
    kids.add(|| Field::new("filters", value.shown.clone(), Span::new(start, body.pos() - start)).note("field.oid_filters.list").with_children(items));
    Ok(())
}

/// status_request (RFC 6066 §8): the ClientHello's CertificateStatusRequest.
fn status_request(body: &mut Reader, kids: &mut Fields, value: &mut Value) -> ReadResult<()> {
    let (st, s) = body.u8("status_type")?;
    kids.add(|| Field::new("status_type", format!("{st} ({})", if st == 1 { "ocsp" } else { "unknown" }), s).note("field.status_request.status_type"));
    let s0 = body.pos();
    let (mut ids, _) = body.vec(2, "responder_id_list")?;
    let (b, _) = ids.rest();
    kids.add(|| Field::says("responder_id_list", crate::reader::bytes_value(b.len()), Span::new(s0, body.pos() - s0)).note("field.status_request.responder_id_list"));
    let s0 = body.pos();
    let (mut exts, _) = body.vec(2, "request_extensions")?;
    let (b, _) = exts.rest();
    kids.add(|| Field::says("request_extensions", crate::reader::bytes_value(b.len()), Span::new(s0, body.pos() - s0)).note("field.status_request.request_extensions"));
    value.set(|| TextRef::new("word.value.ocsp_requested"));
    Ok(())
}

/// padding (RFC 7685 §3): zero bytes that pad the ClientHello to a length.
fn padding(body: &mut Reader, facts: &mut ExtFacts, kids: &mut Fields, value: &mut Value) -> ReadResult<()> {
    let (b, s) = body.rest();
    let zeros = b.iter().all(|&x| x == 0);
    value.set(|| TextRef::new(if zeros { "word.value.padding" } else { "word.value.padding_nonzero" }).arg("n", b.len().to_string()));
    // RFC 7685 §4: padding keeps a ClientHello (with its 4-byte header) out of 256..=511 bytes.
    let (total, before) = (facts.hello_len, facts.hello_len.saturating_sub(4 + b.len()));
    let note = match (zeros, total) {
        (false, _) => TextRef::new("field.padding.not_zero"),
        (true, 0) => TextRef::new("field.padding.zeros"),
        (true, _) => TextRef::new("field.padding.zeros.sized")
            .arg("total", total.to_string())
            .arg("before", before.to_string())
            .arg("s_why", if (256..512).contains(&before) && total >= 512 { "@field.padding.s.out_of_range" } else { "@field.padding.s.other" }),
    };
    kids.add(|| Field::says("padding", crate::reader::bytes_value(b.len()), s).note_ref(note));
    Ok(())
}

/// heartbeat (RFC 6520 §2): whether the peer may send HeartbeatRequests.
fn heartbeat_mode(body: &mut Reader, kids: &mut Fields, value: &mut Value) -> ReadResult<()> {
    // HeartbeatMode (RFC 6520 §2).
    let (m, s) = body.u8("mode")?;
    let name = match m {
        1 => "peer_allowed_to_send",
        2 => "peer_not_allowed_to_send",
        _ => "unknown",
    };
    value.set(|| name);
    kids.add(|| Field::new("mode", format!("{m} ({name})"), s).note("field.heartbeat.mode"));
    Ok(())
}

/// early_data in a NewSessionTicket (RFC 8446 §4.6.1): max_early_data_size.
fn max_early_data(body: &mut Reader, facts: &mut ExtFacts, kids: &mut Fields, value: &mut Value) -> ReadResult<()> {
    // In NewSessionTicket: uint32 max_early_data_size (RFC 8446 §4.2.10).
    let (n, s) = body.u32("max_early_data_size")?;
    facts.max_early_data = Some(n);
    value.set(|| TextRef::new("word.value.early_max").arg("n", n.to_string()));
    kids.add(|| Field::says("max_early_data_size", crate::reader::bytes_value(n as usize), s).note("field.early_data.max_early_data_size"));
    Ok(())
}

/// A group's note: IANA's Recommended ones say so.
fn group_note(v: u16) -> &'static str {
    if registry::group_recommended(NamedGroup(v)) {
        "field.groups.group.recommended"
    } else {
        "field.groups.group"
    }
}

/// A signature scheme's note: IANA's Recommended ones say so; TLS 1.2-only (hash, signature)
/// pairs say how their two bytes read.
pub(super) fn scheme_note(v: u16) -> &'static str {
    // RFC 8446 §4.2.3: rsa_pss_rsae_* (0x0804-0x0806) for keys in rsaEncryption certificates,
    // rsa_pss_pss_* (0x0809-0x080b) for keys in RSASSA-PSS certificates.
    if (0x0804..=0x0806).contains(&v) {
        "field.sigalgs.scheme.pss_rsae"
    } else if (0x0809..=0x080b).contains(&v) {
        "field.sigalgs.scheme.pss_pss"
    } else if registry::signature_scheme_recommended(SignatureScheme(v)) {
        "field.sigalgs.scheme.recommended"
    } else if registry::signature_scheme_tls12_only(SignatureScheme(v)) {
        // The second byte is the signature algorithm (RFC 5246 §7.4.1.4.1).
        match v & 0xff {
            2 => "field.sigalgs.scheme.pair.dsa",
            3 => "field.sigalgs.scheme.pair.ecdsa",
            _ => "field.sigalgs.scheme.pair",
        }
    } else {
        "field.sigalgs.scheme"
    }
}

/// A `<..2^16-1>` list of `opaque <..2^16-1>` entries, each shown by `shown`; the list field gets
/// the entry count as its value. Returns that count.
pub(super) fn opaque_list(body: &mut Reader, (what, note): (&'static str, &'static str), (item, item_note): (&'static str, &'static str), shown: impl Fn(&[u8]) -> FieldValue, kids: &mut Fields) -> ReadResult<usize> {
    let start = body.pos();
    let (mut list, lspan) = body.vec(2, what)?;
    let mut items = kids.sub();
    items.add(|| len_field(lspan, list.remaining()));
    let mut n = 0;
    while !list.is_empty() {
        let s0 = list.pos();
        let (mut entry, _) = list.vec(2, item)?;
        let (b, _) = entry.rest();
        n += 1;
        items.add(|| Field::new(item, shown(b), Span::new(s0, list.pos() - s0)).note(item_note));
    }
    kids.add(|| Field::new(what, entries(n), Span::new(start, body.pos() - start)).note(note).with_children(items));
    Ok(n)
}

/// "1 entry", "3 entries": a list field's value.
fn entries(n: usize) -> TextRef {
    if n == 1 { TextRef::new("word.value.entry") } else { TextRef::new("word.value.entries").arg("n", n.to_string()) }
}

/// SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2).
fn srtp_profile_name(v: u16) -> String {
    match v {
        0x0001 => "SRTP_AES128_CM_HMAC_SHA1_80",
        0x0002 => "SRTP_AES128_CM_HMAC_SHA1_32",
        0x0005 => "SRTP_NULL_HMAC_SHA1_80",
        0x0006 => "SRTP_NULL_HMAC_SHA1_32",
        0x0007 => "SRTP_AEAD_AES_128_GCM",
        0x0008 => "SRTP_AEAD_AES_256_GCM",
        _ => "unknown",
    }
    .into()
}

/// A `ProtocolName <2..2^16-1>` list (ALPN, RFC 7301 §3.1; ALPS): the names, and the first
/// one's bytes as sent (JA4 reads its first and last byte).
fn protocol_list(body: &mut Reader, what: &'static str, note: &'static str, item_note: &'static str, kids: &mut Fields, value: &mut Value) -> ReadResult<(Vec<String>, Option<Vec<u8>>)> {
    let start = body.pos();
    let (mut list, lspan) = body.vec(2, what)?;
    let mut items = kids.sub();
    items.add(|| len_field(lspan, list.remaining()));
    let mut protos = Vec::new();
    let mut first = None;
    while !list.is_empty() {
        let s0 = list.pos();
        let (mut p, _) = list.vec(1, "ProtocolName")?;
        let (b, _) = p.rest();
        first.get_or_insert_with(|| b.to_vec());
        let name = String::from_utf8_lossy(b).into_owned();
        items.add(|| Field::new("ProtocolName", name.clone(), Span::new(s0, list.pos() - s0)).note(if item_note == "field.alpn.protocol" { alpn_note(b) } else { item_note }));
        protos.push(name);
    }
    value.set(|| protos.join(", "));
    kids.add(|| Field::new(what, value.shown.clone(), Span::new(start, body.pos() - start)).note(note).with_children(items));
    Ok((protos, first))
}

/// What a registered ALPN protocol id names (IANA TLS ALPN Protocol IDs registry).
fn alpn_note(id: &[u8]) -> &'static str {
    match id {
        b"http/1.1" => "field.alpn.http11",
        registry::ALPN_H2 => "field.alpn.h2",
        b"h3" => "field.alpn.h3",
        _ if id.starts_with(b"h3-") => "field.alpn.h3_draft",
        b"acme-tls/1" => "field.alpn.acme",
        b"dot" => "field.alpn.dot",
        _ => "field.alpn.protocol",
    }
}

/// pre_shared_key (RFC 8446 §4.2.11). ClientHello: `PskIdentity identities<7..2^16-1>` (each
/// `opaque identity<1..2^16-1>; uint32 obfuscated_ticket_age`) then `PskBinderEntry
/// binders<33..2^16-1>` (each `opaque <32..255>`). ServerHello: `uint16 selected_identity`.
fn pre_shared_key(body: &mut Reader, ctx: ExtCtx, facts: &mut ExtFacts, kids: &mut Fields, value: &mut Value) -> ReadResult<()> {
    if ctx != ExtCtx::ClientHello {
        let (i, s) = body.u16("selected_identity")?;
        facts.psk_selected_identity = Some(i);
        value.set(|| TextRef::new("word.value.psk_selected").arg("i", i.to_string()));
        kids.add(|| Field::new("selected_identity", i.to_string(), s).note("field.pre_shared_key.selected_identity"));
        return Ok(());
    }
    let start = body.pos();
    let (mut ids, lspan) = body.vec(2, "identities")?;
    let mut items = kids.sub();
    items.add(|| len_field(lspan, ids.remaining()));
    let mut n = 0;
    while !ids.is_empty() {
        let s0 = ids.pos();
        let (mut id, il) = ids.vec(2, "identity")?;
        let (b, is) = id.rest();
        let (age, ages) = ids.u32("obfuscated_ticket_age")?;
        n += 1;
        facts.psk_identities = n;
        items.add(|| {
            Field::says("PskIdentity", TextRef::new("word.value.psk_identity").arg("n", b.len().to_string()), Span::new(s0, ids.pos() - s0)).note("field.pre_shared_key.identity_entry").with_children(vec![
                len_field(il, b.len()),
                // A ticket's age is obfuscated and not 0; an external PSK SHOULD send 0 (RFC 8446 §4.2.11).
                Field::new("identity", super::hex_short(b), is).note_ref(if age != 0 {
                    TextRef::new("field.pre_shared_key.identity.ticket").arg("n", b.len().to_string())
                } else {
                    TextRef::new("field.pre_shared_key.identity.age0").arg("n", b.len().to_string())
                }),
                Field::new("obfuscated_ticket_age", age.to_string(), ages).note("field.pre_shared_key.obfuscated_ticket_age"),
            ])
        });
    }
    kids.add(|| Field::new("identities", TextRef::new("word.value.identities").arg("n", n.to_string()), Span::new(start, body.pos() - start)).note("field.pre_shared_key.identities").with_children(items));
    let start = body.pos();
    let (mut bs, lspan) = body.vec(2, "binders")?;
    let mut items = kids.sub();
    items.add(|| len_field(lspan, bs.remaining()));
    let mut m = 0;
    while !bs.is_empty() {
        let s0 = bs.pos();
        let (mut b, bl) = bs.vec(1, "PskBinderEntry")?;
        let (v, vs) = b.rest();
        m += 1;
        items.add(|| {
            Field::new("PskBinderEntry", hexs(v), Span::new(s0, bs.pos() - s0))
                .note("field.pre_shared_key.binder")
                // The binder is an HMAC: its length is the PSK's hash's (RFC 8446 §4.2.11.2).
                .with_children(vec![
                    len_field(bl, v.len()).note_ref(TextRef::new("field.pre_shared_key.binder_length").arg("hash", match v.len() {
                        32 => "SHA-256",
                        48 => "SHA-384",
                        _ => "—",
                    })),
                    Field::new("binder", hexs(v), vs).note("field.pre_shared_key.binder_value"),
                ])
        });
    }
    kids.add(|| Field::new("binders", TextRef::new("word.value.binders").arg("n", m.to_string()), Span::new(start, body.pos() - start)).note("field.pre_shared_key.binders").with_children(items));
    value.set(|| TextRef::new("word.value.psk_offer").arg("n", n.to_string()).arg("m", m.to_string()));
    Ok(())
}

/// encrypted_client_hello in a ClientHello (RFC 9849 §5): `ECHClientHelloType type`; for
/// outer (0): `HpkeSymmetricCipherSuite cipher_suite` (kdf_id, aead_id), `uint8 config_id`,
/// `opaque enc<0..2^16-1>`, `opaque payload<1..2^16-1>`; inner (1) has nothing more.
fn ech_client_hello(body: &mut Reader, kids: &mut Fields, value: &mut Value) -> ReadResult<()> {
    let (t, ts) = body.u8("type")?;
    let tn = match t {
        0 => "outer",
        1 => "inner",
        _ => "unknown",
    };
    kids.add(|| Field::new("type", format!("{t} ({tn})"), ts).note("field.ech.type"));
    if t != 0 {
        value.set(|| format!("ECHClientHello {tn}"));
        return Ok(());
    }
    let (kdf, ks) = body.u16("kdf_id")?;
    let (aead, aspan) = body.u16("aead_id")?;
    let kdf_name = match kdf {
        1 => "HKDF-SHA256",
        2 => "HKDF-SHA384",
        3 => "HKDF-SHA512",
        _ => "unknown KDF",
    };
    let aead_name = match aead {
        1 => "AES-128-GCM",
        2 => "AES-256-GCM",
        3 => "ChaCha20Poly1305",
        0xffff => "export-only",
        _ => "unknown AEAD",
    };
    kids.add(|| Field::new("kdf_id", format!("0x{kdf:04x} {kdf_name}"), ks).note("field.ech.kdf_id"));
    kids.add(|| Field::new("aead_id", format!("0x{aead:04x} {aead_name}"), aspan).note("field.ech.aead_id"));
    let (cid, cs) = body.u8("config_id")?;
    kids.add(|| Field::new("config_id", cid.to_string(), cs).note("field.ech.config_id"));
    let enc = Vector::read(body, 2, "enc")?;
    kids.add(|| enc.field("enc", if enc.bytes.is_empty() { TextRef::new("word.value.empty").into() } else { super::hex_short(enc.bytes) }).note("field.ech.enc"));
    let payload = Vector::read(body, 2, "payload")?;
    kids.add(|| payload.field("payload", super::hex_short(payload.bytes)).note("field.ech.payload"));
    value.set(|| TextRef::new("word.value.ech_outer").arg("kdf", kdf_name.to_string()).arg("aead", aead_name.to_string()).arg("cid", cid.to_string()).arg("n", payload.bytes.len().to_string()));
    Ok(())
}

/// key_share (RFC 8446 §4.2.8): ClientHello `KeyShareEntry client_shares<0..2^16-1>`;
/// ServerHello one `KeyShareEntry server_share`; HelloRetryRequest `NamedGroup selected_group`.
fn key_share(body: &mut Reader, ctx: ExtCtx, facts: &mut ExtFacts, kids: &mut Fields, value: &mut Value) -> ReadResult<()> {
    match ctx {
        ExtCtx::HelloRetryRequest => {
            let (g, s) = body.u16("selected_group")?;
            value.set(|| TextRef::new("word.value.hrr_group").arg("group", registry::group_name(g)));
            facts.key_share_groups = vec![NamedGroup(g)];
            kids.add(|| Field::new("selected_group", format!("0x{g:04x} {}", registry::group_name(g)), s).note("field.key_share.selected_group"));
            Ok(())
        }
        ExtCtx::ClientHello => {
            let start = body.pos();
            let (mut list, lspan) = body.vec(2, "client_shares")?;
            let mut items = kids.sub();
            items.add(|| len_field(lspan, list.remaining()));
            let mut groups = Vec::new();
            let mut res = Ok(());
            while !list.is_empty() {
                match key_share_entry(&mut list, &mut items) {
                    Ok(g) => groups.push(g),
                    Err(e) => {
                        res = Err(e);
                        break;
                    }
                }
            }
            value.set(|| names(&groups, registry::group_name));
            facts.key_share_groups = groups.into_iter().map(NamedGroup).collect();
            kids.add(|| Field::new("client_shares", value.shown.clone(), Span::new(start, body.pos() - start)).note("field.key_share.client_shares").with_children(items));
            res
        }
        _ => {
            let g = key_share_entry(body, kids)?;
            value.set(|| registry::group_name(g));
            facts.key_share_groups = vec![NamedGroup(g)];
            Ok(())
        }
    }
}

fn key_share_entry(r: &mut Reader, out: &mut Fields) -> ReadResult<u16> {
    let s0 = r.pos();
    let (g, gs) = r.u16("group")?;
    let (mut ke, ls) = r.vec(2, "key_exchange")?;
    let (b, ks) = ke.rest();
    let span = Span::new(s0, r.pos() - s0);
    out.add(|| {
        let label = if is_grease(g) { "GREASE".to_string() } else { registry::group_name(g) };
        Field::says("KeyShareEntry", TextRef::new("word.value.key_share").arg("group", label.to_string()).arg("n", b.len().to_string()), span).note("field.key_share.entry").with_children(vec![
            Field::new("group", format!("0x{g:04x} {label}"), gs).note(if is_grease(g) { "value.grease" } else { "field.key_share.group" }),
            len_field(ls, b.len()),
            Field::new("key_exchange", super::hex_short(b), ks).note("field.key_share.key_exchange"),
        ])
    });
    Ok(g)
}

/// quic_transport_parameters (RFC 9001 §8.2, RFC 9000 §18): a sequence of (id, length, value),
/// ids and lengths as QUIC variable-length integers.
fn transport_parameters(body: &mut Reader, kids: &mut Fields, value: &mut Value) -> ReadResult<()> {
    use crate::reader::varint;
    let mut names = Vec::new();
    while !body.is_empty() {
        let s0 = body.pos();
        let (id, ids) = varint(body, "transport parameter id")?;
        let (len, ls) = varint(body, "transport parameter length")?;
        let (v, vs) = body.take(usize::try_from(len).unwrap_or(usize::MAX), "transport parameter value")?;
        let name = transport_parameter_name(id);
        let shown = match id {
            0x01 | 0x03..=0x0b | 0x0e | 0x20 => {
                let mut r = Reader::new(v);
                match varint(&mut r, "value") {
                    Ok((n, _)) if r.is_empty() => match id {
                        0x01 | 0x0b => format!("{n} ms").into(),
                        0x03 | 0x04..=0x07 | 0x20 => nbytes(usize::try_from(n).unwrap_or(usize::MAX)),
                        _ => n.to_string().into(),
                    },
                    _ => TextRef::new("word.value.malformed").arg("why", hexs(v)).into(),
                }
            }
            0x0c | 0x2ab2 if v.is_empty() => TextRef::new("word.value.present").into(),
            0x11 if v.len() >= 4 && v.len() % 4 == 0 => {
                let vs: Vec<String> = v.chunks(4).map(|c| crate::registry::quic_version_name(u32::from_be_bytes([c[0], c[1], c[2], c[3]]))).collect();
                TextRef::new("word.value.quic_versions").arg("chosen", vs[0].clone()).arg("available", vs[1..].join(", ")).into()
            }
            _ if v.is_empty() => TextRef::new("word.value.empty").into(),
            _ => super::hex_short(v),
        };
        names.push(name.clone());
        let note = if id % 31 == 27 { "field.quic_tp.grease".to_string() } else if transport_parameter_known(id) { format!("field.quic_tp.{name}") } else { "field.quic_tp.unknown".to_string() };
        kids.add(|| Field::new(name.clone(), shown, Span::new(s0, body.pos() - s0)).note(note).with_children(vec![
            Field::new("id", format!("0x{id:x}"), ids).note("field.quic_tp.id"),
            len_field(ls, len as usize),
            Field::new("value", hexs(&v[..v.len().min(64)]), vs).note("field.quic_tp.value"),
        ]));
    }
    value.set(|| TextRef::new("word.value.params").arg("n", names.len().to_string()));
    Ok(())
}

fn transport_parameter_known(id: u64) -> bool {
    matches!(id, 0x00..=0x11 | 0x20 | 0x2ab2)
}

/// Names from the IANA "QUIC Transport Parameters" registry (RFC 9000 §18.2, RFC 9221,
/// RFC 9287, RFC 9368); reserved ids 31 * N + 27 are GREASE (RFC 9000 §18.1).
fn transport_parameter_name(id: u64) -> String {
    let n = match id {
        0x00 => "original_destination_connection_id",
        0x01 => "max_idle_timeout",
        0x02 => "stateless_reset_token",
        0x03 => "max_udp_payload_size",
        0x04 => "initial_max_data",
        0x05 => "initial_max_stream_data_bidi_local",
        0x06 => "initial_max_stream_data_bidi_remote",
        0x07 => "initial_max_stream_data_uni",
        0x08 => "initial_max_streams_bidi",
        0x09 => "initial_max_streams_uni",
        0x0a => "ack_delay_exponent",
        0x0b => "max_ack_delay",
        0x0c => "disable_active_migration",
        0x0d => "preferred_address",
        0x0e => "active_connection_id_limit",
        0x0f => "initial_source_connection_id",
        0x10 => "retry_source_connection_id",
        0x11 => "version_information",
        0x20 => "max_datagram_frame_size",
        0x2ab2 => "grease_quic_bit",
        _ if id % 31 == 27 => return format!("GREASE (0x{id:x})"),
        _ => return format!("unknown (0x{id:x})"),
    };
    n.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(fields: &'a [Field], name: &str) -> Option<&'a Field> {
        fields.iter().find_map(|f| if f.name == name { Some(f) } else { find(&f.children, name) })
    }

    /// RFC 8446 §4.2.5: an oid_filters extension asking for extKeyUsage (2.5.29.37, RFC 5280
    /// §4.2.1.12) with serverAuth (1.3.6.1.5.5.7.3.1): filters<..> = one OIDFilter of a 3-byte OID
    /// and 12 bytes of DER values.
    #[test]
    fn oid_filters_are_decoded() {
        let bytes = [
            0x00, 0x18, // extensions length
            0x00, 0x30, 0x00, 0x14, // oid_filters, 20 bytes
            0x00, 0x12, // filters length
            0x03, 0x55, 0x1d, 0x25, // certificate_extension_oid
            0x00, 0x0c, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01,
        ];
        let mut out = Fields::new(false);
        let mut facts = ExtFacts::default();
        parse_list(&mut Reader::new(&bytes), &mut out, ExtCtx::Other, &mut facts, "field.ClientHello.extensions").unwrap();
        let fields = out.into_vec();
        let oid = find(&fields, "certificate_extension_oid").unwrap();
        assert!(oid.value.contains("2.5.29.37"), "{}", oid.value);
        assert_eq!(oid.span, Span::new(9, 3));
        assert_eq!(find(&fields, "certificate_extension_values").unwrap().value, "300a06082b06010505070301");
        let filters = find(&fields, "oid_filters").unwrap().value_ref.clone().unwrap();
        assert_eq!((filters.key.as_str(), filters.get("n")), ("word.value.filters", Some("1")));
    }
}
