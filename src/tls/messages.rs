//! Handshake message bodies (RFC 8446 §4, RFC 5246 §7.4): a checked walk over the bytes that
//! builds the field tree (spans relative to the message start) and collects facts.

use super::extensions::{self, ExtCtx, ExtFacts};
use super::record::RawRecord;
use super::facts::CertRequestInfo;
use super::{empty_or_hex, hex_short, hexs, len_field, ClientHelloInfo, Ctx, MsgFacts, ParsedBody, ServerHelloInfo, SkeInfo, Vector};
use crate::code::{suite, CipherSuite, HandshakeType, NamedGroup, SignatureScheme};
use crate::model::{Certificate, Field, Fields, Span, TextRef, Value};
use crate::reader::{ReadError, ReadResult, Reader};
use crate::registry::{self, ht, is_grease, KeyExchange, RecordProtection};

/// RFC 8446 §4.1.3: a ServerHello with this random is a HelloRetryRequest
/// (SHA-256 of "HelloRetryRequest").
pub const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a,
    0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// RFC 8446 §4.1.3 downgrade sentinels in the last 8 bytes of ServerHello.random.
const DOWNGRADE_TLS12: [u8; 8] = *b"DOWNGRD\x01";
const DOWNGRADE_TLS11: [u8; 8] = *b"DOWNGRD\x00";

pub fn version_value(v: u16) -> String {
    format!("0x{v:04x} ({})", registry::version_name(v))
}

fn suite_value(v: u16) -> String {
    if is_grease(v) {
        format!("0x{v:04x} GREASE")
    } else {
        format!("0x{v:04x} {}", registry::cipher_suite_name(v))
    }
}

/// SSL 2.0 cipher kinds (draft-hickman-netscape-ssl-00); 0x00xxyy is TLS suite 0xxxyy.
fn sslv2_cipher_name(v: u32) -> String {
    match v {
        0x010080 => "SSL_CK_RC4_128_WITH_MD5".into(),
        0x020080 => "SSL_CK_RC4_128_EXPORT40_WITH_MD5".into(),
        0x030080 => "SSL_CK_RC2_128_CBC_WITH_MD5".into(),
        0x040080 => "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5".into(),
        0x050080 => "SSL_CK_IDEA_128_CBC_WITH_MD5".into(),
        0x060040 => "SSL_CK_DES_64_CBC_WITH_MD5".into(),
        0x0700c0 => "SSL_CK_DES_192_EDE3_CBC_WITH_MD5".into(),
        _ if v >> 16 == 0 => registry::cipher_suite_name(v as u16),
        _ => "unknown SSL 2.0 cipher kind".into(),
    }
}

/// The body of an SSL 2.0-format CLIENT-HELLO (after its 2-byte header), RFC 5246 Appendix
/// E.2: fields, the facts (random = the challenge, right-aligned in 32 bytes), and the error.
pub fn sslv2_client_hello(b: &[u8]) -> (Vec<Field>, ClientHelloInfo, Option<ReadError>) {
    let mut out = Fields::new(false);
    let mut info = ClientHelloInfo { sslv2: true, ..Default::default() };
    let mut r = Reader::new(b);
    let error = (|| -> ReadResult<()> {
        let (t, s) = r.u8("msg_type")?;
        out.add(|| Field::new("msg_type", format!("{t} (SSL 2.0 CLIENT-HELLO)"), s).note("field.sslv2.msg_type"));
        let (v, s) = r.u16("version")?;
        info.legacy_version = v;
        out.add(|| Field::new("version", version_value(v), s).note("field.sslv2.version"));
        let (cs, s1) = r.u16("cipher_spec_length")?;
        let (sid, s2) = r.u16("session_id_length")?;
        let (ch, s3) = r.u16("challenge_length")?;
        out.add(|| Field::says("cipher_spec_length", crate::reader::bytes_value(cs as usize), s1).note("field.vector_length"));
        out.add(|| Field::says("session_id_length", crate::reader::bytes_value(sid as usize), s2).note("field.vector_length"));
        out.add(|| Field::says("challenge_length", crate::reader::bytes_value(ch as usize), s3).note("field.vector_length"));
        let s0 = r.pos();
        let mut kids = out.sub();
        for _ in 0..cs / 3 {
            let (x, s) = r.take(3, "cipher_spec")?;
            let v = u32::from_be_bytes([0, x[0], x[1], x[2]]);
            if v >> 16 == 0 {
                info.cipher_suites.push(CipherSuite(v as u16));
            }
            kids.add(|| Field::new("cipher_spec", format!("0x{v:06x} {}", sslv2_cipher_name(v)), s).note(if v >> 16 == 0 { "field.sslv2.cipher_spec.tls" } else { "field.sslv2.cipher_spec.ssl2" }));
        }
        out.add(|| Field::new("cipher_specs", format!("{} specs", cs / 3), Span::new(s0, r.pos() - s0)).note("field.sslv2.cipher_specs").with_children(kids));
        let (id, s) = r.take(sid as usize, "session_id")?;
        info.session_id = id.to_vec();
        if !id.is_empty() {
            out.add(|| Field::new("session_id", hexs(id), s).note("field.sslv2.session_id"));
        }
        let (c, s) = r.take(ch as usize, "challenge")?;
        let mut random = vec![0u8; 32usize.saturating_sub(c.len())];
        random.extend_from_slice(&c[c.len().saturating_sub(32)..]);
        info.random = random;
        out.add(|| Field::new("challenge", hexs(c), s).note("field.sslv2.challenge"));
        Ok(())
    })()
    .err();
    (out.into_vec(), info, error)
}

/// Parse one complete (or, at the end of input, truncated) handshake message.
pub fn parse_handshake(bytes: &[u8], ctx: &Ctx) -> ParsedBody {
    let mut fields = Fields::new(ctx.lean);
    let mut facts = MsgFacts::None;
    let mut r = Reader::new(bytes);
    let error = (|| -> ReadResult<()> {
        let (code, ts) = r.u8("msg_type")?;
        let t = HandshakeType(code);
        fields.add(|| Field::new("msg_type", format!("{t} ({})", t.name()), ts).note("field.handshake.msg_type"));
        let (len, ls) = r.u24("length")?;
        fields.add(|| Field::says("length", crate::reader::bytes_value(len), ls).note("field.handshake.length"));
        let mut body = match r.sub(len, "handshake message body") {
            Ok(b) => b,
            Err(e) => {
                // Parse what is there, then report the truncation.
                let mut b = r.clone();
                let _ = body(t, &mut b, ctx, &mut fields, &mut facts);
                return Err(e);
            }
        };
        body_checked(t, &mut body, ctx, &mut fields, &mut facts)
    })()
    .err();
    ParsedBody { fields: fields.into_vec(), facts, error }
}

fn body_checked(t: HandshakeType, r: &mut Reader, ctx: &Ctx, out: &mut Fields, facts: &mut MsgFacts) -> ReadResult<()> {
    body(t, r, ctx, out, facts)?;
    if !r.is_empty() {
        let at = r.pos();
        let (rest, s) = r.rest();
        out.add(|| Field::new("trailing bytes", hex_short(rest), s).note("field.trailing"));
        return Err(ReadError::Malformed { at, why: TextRef::new("diag.read.trailing").arg("n", rest.len().to_string()) });
    }
    Ok(())
}

fn body(t: HandshakeType, r: &mut Reader, ctx: &Ctx, out: &mut Fields, facts: &mut MsgFacts) -> ReadResult<()> {
    match t {
        ht::CLIENT_HELLO => {
            let mut info = ClientHelloInfo::default();
            let res = client_hello(r, out, &mut info, ctx.dtls);
            *facts = MsgFacts::ClientHello(Box::new(info));
            res
        }
        ht::SERVER_HELLO => {
            let mut info = ServerHelloInfo::default();
            let res = server_hello(r, out, &mut info);
            *facts = MsgFacts::ServerHello(Box::new(info));
            res
        }
        ht::CERTIFICATE => {
            let (mut certs, mut empty) = (Vec::new(), false);
            let res = certificate(r, ctx, out, &mut certs, &mut empty);
            *facts = MsgFacts::Certificates(certs, empty);
            res
        }
        ht::SERVER_KEY_EXCHANGE => {
            let mut info = SkeInfo { kx: ctx.kx, ..Default::default() };
            let res = server_key_exchange(r, ctx, out, &mut info);
            *facts = MsgFacts::ServerKeyExchange(info);
            res
        }
        ht::CERTIFICATE_REQUEST => {
            let mut info = CertRequestInfo::default();
            let res = certificate_request(r, ctx, out, &mut info);
            *facts = MsgFacts::CertificateRequest(info);
            res
        }
        ht::SERVER_HELLO_DONE | ht::HELLO_REQUEST | ht::END_OF_EARLY_DATA => Ok(()),
        ht::CERTIFICATE_VERIFY => {
            // TLS 1.2 and 1.3 name the scheme first; TLS 1.0/1.1 and SSL 3.0 send only the
            // signature (RFC 2246 §7.4.8).
            if ctx.version.is_none_or(|v| v >= 0x0303) {
                let (a, s) = r.u16("algorithm")?;
                *facts = MsgFacts::CertificateVerify(SignatureScheme(a));
                out.add(|| Field::new("algorithm", format!("0x{a:04x} {}", registry::signature_scheme_name(a)), s).note("field.CertificateVerify.algorithm"));
            }
            let sig = Vector::read(r, 2, "signature")?;
            out.add(|| Field::new("signature", hex_short(sig.bytes), sig.span).note("field.CertificateVerify.signature"));
            Ok(())
        }
        ht::CLIENT_KEY_EXCHANGE => {
            client_key_exchange(r, ctx, out)
        }
        ht::NEW_SESSION_TICKET => new_session_ticket(r, ctx, out, facts),
        ht::ENCRYPTED_EXTENSIONS => {
            let mut ee = ExtFacts::default();
            let res = extensions::parse_list(r, out, ExtCtx::Other, &mut ee, "field.EncryptedExtensions.extensions");
            *facts = MsgFacts::EncryptedExtensions(Box::new(ee));
            res
        }
        ht::FINISHED => {
            let (b, s) = r.rest();
            out.add(|| Field::new("verify_data", hexs(b), s).note("field.Finished.verify_data"));
            Ok(())
        }
        ht::KEY_UPDATE => {
            let (v, s) = r.u8("request_update")?;
            let n = match v {
                0 => "update_not_requested",
                1 => "update_requested",
                _ => "unknown",
            };
            out.add(|| Field::new("request_update", format!("{v} ({n})"), s).note("field.KeyUpdate.request_update"));
            Ok(())
        }
        ht::HELLO_VERIFY_REQUEST if ctx.dtls => {
            // HelloVerifyRequest (RFC 6347 §4.2.1): the server's stateless cookie.
            let (v, s) = r.u16("server_version")?;
            out.add(|| Field::new("server_version", version_value(v), s).note("field.HelloVerifyRequest.server_version"));
            let c = Vector::read(r, 1, "cookie")?;
            out.add(|| c.field("cookie", hexs(c.bytes)).note("field.HelloVerifyRequest.cookie"));
            Ok(())
        }
        ht::COMPRESSED_CERTIFICATE => {
            let (a, s) = r.u16("algorithm")?;
            out.add(|| Field::new("algorithm", format!("{a} ({})", super::certcomp::algorithm_name(a)), s).note("field.CompressedCertificate.algorithm"));
            let (n, s) = r.u24("uncompressed_length")?;
            out.add(|| Field::says("uncompressed_length", crate::reader::bytes_value(n), s).note("field.CompressedCertificate.uncompressed_length"));
            let data = Vector::read(r, 3, "compressed_certificate_message")?;
            out.add(|| data.field("compressed_certificate_message", crate::reader::bytes_value(data.bytes.len())).note("field.CompressedCertificate.compressed"));
            Ok(())
        }
        ht::CERTIFICATE_STATUS => {
            let (st, s) = r.u8("status_type")?;
            out.add(|| Field::new("status_type", format!("{st} ({})", if st == 1 { "ocsp" } else { "unknown" }), s).note("field.CertificateStatus.status_type"));
            let resp = Vector::read(r, 3, "OCSPResponse")?;
            out.add(|| Field::says("OCSPResponse", crate::reader::bytes_value(resp.bytes.len()), resp.span).note("field.CertificateStatus.response"));
            Ok(())
        }
        _ => {
            let (b, s) = r.rest();
            if !b.is_empty() {
                out.add(|| Field::new("body", hex_short(b), s).note("field.handshake.body"));
            }
            Ok(())
        }
    }
}

/// RFC 8446 §4.1.2 / RFC 5246 §7.4.1.2.
fn client_hello(r: &mut Reader, out: &mut Fields, info: &mut ClientHelloInfo, dtls: bool) -> ReadResult<()> {
    info.ext.hello_len = 4 + r.remaining();
    let (v, s) = r.u16("legacy_version")?;
    info.legacy_version = v;
    out.add(|| Field::new("legacy_version", version_value(v), s).note("field.ClientHello.legacy_version"));
    let (rand, s) = r.take(32, "random")?;
    info.random = rand.to_vec();
    out.add(|| Field::new("random", hexs(rand), s).note("field.ClientHello.random"));
    let sid = Vector::read(r, 1, "legacy_session_id")?;
    let b = sid.bytes;
    info.session_id = b.to_vec();
    let sid_at = out.len();
    out.add(|| sid.field("legacy_session_id", empty_or_hex(b)).note(if b.is_empty() { "field.ClientHello.legacy_session_id.empty" } else { "field.ClientHello.legacy_session_id" }));
    if dtls {
        // DTLS: the cookie from a HelloVerifyRequest, empty in the first ClientHello (RFC 6347 §4.2.1).
        let c = Vector::read(r, 1, "cookie")?;
        out.add(|| c.field("cookie", empty_or_hex(c.bytes)).note(if c.bytes.is_empty() { "field.ClientHello.cookie.empty" } else { "field.ClientHello.cookie" }));
    }
    let s0 = r.pos();
    let (mut cs, ls) = r.vec(2, "cipher_suites")?;
    if cs.remaining() % 2 != 0 {
        return Err(ReadError::Malformed { at: ls.offset, why: TextRef::new("diag.read.odd_list").arg("list", "cipher_suites").arg("len", cs.remaining().to_string()) });
    }
    let mut kids = out.sub();
    kids.add(|| len_field(ls, cs.remaining()));
    while !cs.is_empty() {
        let (v, s) = cs.u16("CipherSuite")?;
        let code = CipherSuite(v);
        info.cipher_suites.push(code);
        kids.add(|| {
            let f = Field::new("CipherSuite", suite_value(v), s);
            match code {
                _ if code.is_grease() => f.note("value.grease"),
                suite::EMPTY_RENEGOTIATION_INFO_SCSV => f.note("field.ClientHello.scsv_reneg"),
                suite::FALLBACK_SCSV => f.note("field.ClientHello.scsv_fallback"),
                _ => f.note_ref(offered_suite_note(v)),
            }
        });
    }
    out.add(|| 
        Field::new("cipher_suites", TextRef::new("word.value.suites").arg("n", info.cipher_suites.len().to_string()), Span::new(s0, r.pos() - s0))
            .note("field.ClientHello.cipher_suites")
            .with_children(kids),
    );
    let s0 = r.pos();
    let (mut cm, ls) = r.vec(1, "legacy_compression_methods")?;
    let mut kids = out.sub();
    kids.add(|| len_field(ls, cm.remaining()));
    while !cm.is_empty() {
        let (m, s) = cm.u8("CompressionMethod")?;
        info.compression.push(m);
        kids.add(|| Field::new("CompressionMethod", format!("{m} ({})", if m == 0 { "null" } else if m == 1 { "DEFLATE" } else { "unknown" }), s).note(if m == 0 { "field.ClientHello.compression_null" } else { "field.ClientHello.compression_other" }));
    }
    out.add(|| 
        Field::new("legacy_compression_methods", format!("{:?}", info.compression), Span::new(s0, r.pos() - s0))
            .note("field.ClientHello.legacy_compression_methods")
            .with_children(kids),
    );
    if r.is_empty() {
        return Ok(());
    }
    let res = extensions::parse_list(r, out, ExtCtx::ClientHello, &mut info.ext, "field.ClientHello.extensions");
    // Offering TLS 1.3, a session id is either the compatibility-mode value or a TLS 1.2
    // session's (RFC 8446 §4.1.2, Appendix D.4).
    if !info.session_id.is_empty() && info.ext.supported_versions.contains(&0x0304) {
        out.renote(sid_at, "field.ClientHello.legacy_session_id.tls13");
    }
    res
}

/// One offered suite's note: what its name spells out depends on the version it is for
/// (RFC 8446 §4.1.2, §B.4 for TLS 1.3 suites; RFC 6655 §3 for CCM, whose names give no hash).
fn offered_suite_note(v: u16) -> TextRef {
    use tls_parser::{TlsCipherEncMode, TlsCipherMac};
    let code = CipherSuite(v);
    let kind = match registry::suite_crypto(code) {
        _ if code.is_tls13() => "field.cipher_suite.s.tls13",
        Some(c) if c.mode == TlsCipherEncMode::Ccm => "field.cipher_suite.s.ccm",
        // AEAD or SHA-2 HMAC suites came with TLS 1.2 (RFC 5246 Appendix A.5, RFC 5288 §4,
        // RFC 5289 §3).
        Some(c) if c.mac == TlsCipherMac::Aead => "field.cipher_suite.s.tls12.aead",
        Some(c) if matches!(c.mac, TlsCipherMac::HmacSha256 | TlsCipherMac::HmacSha384) => "field.cipher_suite.s.tls12.cbc",
        Some(_) => "field.cipher_suite.s.legacy",
        None => "field.cipher_suite.s.unknown",
    };
    let parts = registry::suite_parts(code).unwrap_or_default();
    let kx = parts.key_exchange.clone();
    let fs = match kx.as_str() {
        "@word.kx.dhe" | "@word.kx.ecdhe" => "@field.cipher_suite.s.fs",
        "@word.kx.rsa" | "@word.kx.dh" | "@word.kx.ecdh" => "@field.cipher_suite.s.no_fs",
        _ => "",
    };
    let discouraged = registry::suite_kex_discouraged(code);
    let key = match discouraged {
        _ if registry::suite_recommended(code) => "field.ClientHello.cipher_suite.recommended",
        Some(_) => "field.ClientHello.cipher_suite.discouraged",
        None => "field.ClientHello.cipher_suite",
    };
    // `code` and `s_conn` are for explain, which says what became of the suite in this
    // connection once the ServerHello is known.
    let suite_rfc = registry::suite_rfc(code).map_or_else(|| "@word.suite_rfc.registry".to_string(), str::to_string);
    let kind = TextRef::new(kind).arg("suite_rfc", suite_rfc.clone()).arg("kx", kx).arg("s_fs", fs).arg("au", parts.authentication).arg("cipher", parts.cipher).arg("bits", parts.key_bits.to_string()).arg("mode", parts.mode).arg("prf", parts.prf).arg("mac", parts.mac);
    // `hello_rfc` is the ClientHello's section; explain narrows it to the versions offered.
    TextRef::new(key).with("s_kind", kind).arg("code", format!("{v:04x}")).arg("s_conn", "").arg("suite_rfc", suite_rfc).arg("hello_rfc", "RFC 5246 §7.4.1.2, RFC 8446 §4.1.2").arg("s_rule", discouraged.map(|d| format!("@field.cipher_suite.s.rfc10015.{}", d.key())).unwrap_or_default())
}

/// RFC 8446 §4.1.3 / RFC 5246 §7.4.1.3 (HelloRetryRequest shares the ServerHello layout).
fn server_hello(r: &mut Reader, out: &mut Fields, info: &mut ServerHelloInfo) -> ReadResult<()> {
    let (v, s) = r.u16("legacy_version")?;
    info.legacy_version = v;
    out.add(|| Field::new("legacy_version", version_value(v), s).note("field.ServerHello.legacy_version"));
    let (rand, s) = r.take(32, "random")?;
    info.hrr = rand == HRR_RANDOM;
    info.random = rand.to_vec();
    let tail = &rand[24..];
    info.downgrade_sentinel = if tail == DOWNGRADE_TLS12 {
        Some("TLS 1.2")
    } else if tail == DOWNGRADE_TLS11 {
        Some("TLS 1.1 or below")
    } else {
        None
    };
    let note = if info.hrr {
        "field.ServerHello.random.hrr"
    } else if info.downgrade_sentinel.is_some() {
        "field.ServerHello.random.downgrade"
    } else {
        "field.ServerHello.random"
    };
    out.add(|| Field::new("random", hexs(rand), s).note(note));
    // TLS 1.3 drafts before -22 put the version here and had no session id and no
    // compression method.
    let draft = v >> 8 == 0x7f;
    let mut sid_at = None;
    if draft {
        info.selected_version = Some(v);
    } else {
        let sid = Vector::read(r, 1, "legacy_session_id_echo")?;
        info.session_id = sid.bytes.to_vec();
        sid_at = Some(out.len());
        out.add(|| sid.field("legacy_session_id_echo", empty_or_hex(sid.bytes)).note("field.ServerHello.legacy_session_id_echo"));
    }
    let (cs, s) = r.u16("cipher_suite")?;
    info.cipher_suite = CipherSuite(cs);
    out.add(|| Field::new("cipher_suite", suite_value(cs), s).note("field.ServerHello.cipher_suite"));
    if !draft {
        let (cm, s) = r.u8("legacy_compression_method")?;
        out.add(|| Field::new("legacy_compression_method", format!("{cm} ({})", if cm == 0 { "null" } else { "DEFLATE or unknown" }), s).note("field.ServerHello.legacy_compression_method"));
    }
    if r.is_empty() {
        return Ok(());
    }
    let mut ef = ExtFacts::default();
    let ctx = if info.hrr { ExtCtx::HelloRetryRequest } else { ExtCtx::ServerHello };
    let ext_at = out.len();
    let res = extensions::parse_list(r, out, ctx, &mut ef, "field.ServerHello.extensions");
    info.extensions = ef.types;
    info.selected_version = ef.supported_versions.first().copied().or(info.selected_version);
    info.alpn = ef.alpn.into_iter().next();
    info.key_share_group = ef.key_share_groups.first().copied();
    info.psk_selected = ef.psk;
    info.psk_selected_identity = ef.psk_selected_identity;
    info.cookie_len = ef.cookie_len;
    // TLS 1.3 (and HelloRetryRequest, which only TLS 1.3 sends) echoes the client's id as it
    // was (RFC 8446 §4.1.3).
    if let (Some(i), Some(0x0304)) = (sid_at, info.selected_version) {
        out.renote(i, if info.session_id.is_empty() { "field.ServerHello.legacy_session_id_echo.tls13.empty" } else { "field.ServerHello.legacy_session_id_echo.tls13" });
    }
    // Which extensions this hello may carry depends on what it is (RFC 8446 §4.1.3, §4.1.4,
    // §4.3.1; RFC 5246 §7.4.1.4).
    let names: Vec<String> = info.extensions.iter().map(|t| t.name()).collect();
    let key = match info.selected_version {
        _ if info.hrr => "field.ServerHello.extensions.hrr",
        // A PSK without a key share: psk_ke, no (EC)DHE (RFC 8446 §4.2.9).
        Some(0x0304) if info.psk_selected && info.key_share_group.is_none() => "field.ServerHello.extensions.tls13.psk_ke",
        Some(0x0304) => "field.ServerHello.extensions.tls13",
        _ => "field.ServerHello.extensions.tls12",
    };
    out.renote_ref(ext_at, TextRef::new(key).arg("names", if names.is_empty() { "—".into() } else { names.join(", ") }).arg("s_scsv", ""));
    res
}

/// Certificate: TLS 1.2 `ASN.1Cert certificate_list<0..2^24-1>` (RFC 5246 §7.4.2); TLS 1.3 adds
/// `certificate_request_context` and per-entry extensions (RFC 8446 §4.4.2).
fn certificate(r: &mut Reader, ctx: &Ctx, out: &mut Fields, certs: &mut Vec<Certificate>, empty: &mut bool) -> ReadResult<()> {
    if ctx.tls13 {
        let c = Vector::read(r, 1, "certificate_request_context")?;
        out.add(|| c.field("certificate_request_context", empty_or_hex(c.bytes)).note(if c.bytes.is_empty() { "field.Certificate.request_context.empty" } else { "field.Certificate.request_context" }));
    }
    let s0 = r.pos();
    let (mut list, ls) = r.vec(3, "certificate_list")?;
    *empty = list.is_empty();
    let mut kids = out.sub();
    kids.add(|| len_field(ls, list.remaining()));
    let res = (|| -> ReadResult<()> {
        while !list.is_empty() {
            let e0 = list.pos();
            let (mut der_r, dl) = list.vec(3, "ASN.1Cert")?;
            let der_at = der_r.pos();
            let (der, _) = der_r.rest();
            let idx = certs.len();
            let mut ckids = kids.sub();
            ckids.add(|| len_field(dl, der.len()));
            let role = match (idx, ctx.dir) {
                (0, Some(crate::model::Dir::C2S)) => crate::x509::Role::ClientLeaf,
                (0, _) => crate::x509::Role::ServerLeaf,
                _ => crate::x509::Role::Issuer,
            };
            let value = match crate::x509::summarize(der, None, ctx.lean, role) {
                Ok((mut c, fields)) => {
                    let v = c.subject.clone();
                    for f in fields {
                        ckids.add(|| Field { span: Span::new(f.span.offset + der_at, f.span.len), ..f });
                    }
                    c.span = Span::new(der_at, der.len());
                    c.pieces = vec![c.span];
                    certs.push(c);
                    v
                }
                Err(e) => format!("({e})"),
            };
            if ctx.tls13 {
                let x0 = list.pos();
                let (mut ex, xl) = list.vec(2, "extensions")?;
                let (b, _) = ex.rest();
                ckids.add(|| Field::says("extensions", crate::reader::bytes_value(b.len()), Span::new(x0, list.pos() - x0)).note("field.Certificate.entry_extensions").with_children(vec![len_field(xl, b.len())]));
            }
            let note = if idx == 0 { "field.Certificate.leaf" } else { "field.Certificate.chain" };
            kids.add(|| Field::new(format!("certificate[{idx}]"), value, Span::new(e0, list.pos() - e0)).note(note).with_children(ckids));
        }
        Ok(())
    })();
    out.add(|| Field::new("certificate_list", TextRef::new("word.value.certificates").arg("n", certs.len().to_string()), Span::new(s0, r.pos() - s0)).note("field.Certificate.certificate_list").with_children(kids));
    res
}

fn signature(r: &mut Reader, ctx: &Ctx, out: &mut Fields, info: &mut SkeInfo) -> ReadResult<()> {
    if r.is_empty() {
        return Ok(());
    }
    // TLS 1.2 (RFC 5246 §7.4.1.4.1) prefixes the signature with its algorithm; 1.0/1.1 do not.
    if ctx.version.is_none_or(|v| v >= 0x0303) {
        let (a, s) = r.u16("SignatureAndHashAlgorithm")?;
        info.sig_scheme = Some(SignatureScheme(a));
        out.add(|| Field::new("signature_algorithm", format!("0x{a:04x} {}", registry::signature_scheme_name(a)), s).note("field.ServerKeyExchange.signature_algorithm"));
    }
    let sig = Vector::read(r, 2, "signature")?;
    out.add(|| Field::new("signature", hex_short(sig.bytes), sig.span).note("field.ServerKeyExchange.signature"));
    Ok(())
}

/// ServerKeyExchange (RFC 8422 §5.4 for ECDHE, RFC 5246 §7.4.3 for DHE).
fn server_key_exchange(r: &mut Reader, ctx: &Ctx, out: &mut Fields, info: &mut SkeInfo) -> ReadResult<()> {
    let kx = ctx.kx.or_else(|| {
        // A suite whose key exchange is not known (EC J-PAKE, …): the parameters stay opaque.
        if ctx.suite.is_some() {
            return None;
        }
        // Without a ServerHello in the input, guess from the shape: ECParameters start with
        // curve_type named_curve (3).
        info.kx = Some(if r.clone().u8("curve_type").is_ok_and(|(v, _)| v == 3) { KeyExchange::Ecdhe } else { KeyExchange::Dhe });
        info.kx
    });
    match kx {
        Some(KeyExchange::Ecdhe) => {
            let (ct, s) = r.u8("curve_type")?;
            out.add(|| Field::new("curve_type", format!("{ct} ({})", if ct == 3 { "named_curve" } else { "other" }), s).note("field.ServerKeyExchange.curve_type"));
            if ct != 3 {
                return Err(ReadError::Malformed { at: s.offset, why: TextRef::new("diag.read.curve_type").arg("ct", ct.to_string()) });
            }
            let (g, s) = r.u16("namedcurve")?;
            info.group = Some(NamedGroup(g));
            out.add(|| Field::new("named_curve", format!("0x{g:04x} {}", registry::group_name(g)), s).note("field.ServerKeyExchange.named_curve"));
            let p = Vector::read(r, 1, "public")?;
            info.public_len = p.bytes.len();
            out.add(|| p.field("public", hex_short(p.bytes)).note("field.ServerKeyExchange.public"));
            signature(r, ctx, out, info)
        }
        Some(KeyExchange::Dhe) => {
            // ServerDHParams (RFC 5246 §7.4.3): dh_p, dh_g, dh_Ys in this order.
            for (i, (name, note)) in [("dh_p", "field.ServerKeyExchange.dh_p"), ("dh_g", "field.ServerKeyExchange.dh_g"), ("dh_Ys", "field.ServerKeyExchange.dh_Ys")].into_iter().enumerate() {
                let s0 = r.pos();
                let (mut v, ls) = r.vec(2, "DH parameter")?;
                let (b, _) = v.rest();
                if i == 0 {
                    let lead = b.iter().take_while(|&&x| x == 0).count();
                    let bits = b.get(lead).map(|&x| (b.len() - lead) * 8 - x.leading_zeros() as usize).unwrap_or(0);
                    info.dh_p_bits = Some(bits);
                }
                if i == 2 {
                    info.public_len = b.len();
                }
                out.add(|| Field::new(name, hex_short(b), Span::new(s0, r.pos() - s0)).note(note).with_children(vec![len_field(ls, b.len())]));
            }
            signature(r, ctx, out, info)
        }
        _ => {
            let (b, s) = r.rest();
            out.add(|| Field::new("params", hex_short(b), s).note("field.handshake.body"));
            Ok(())
        }
    }
}

/// ClientKeyExchange (RFC 5246 §7.4.7, RFC 8422 §5.7).
fn client_key_exchange(r: &mut Reader, ctx: &Ctx, out: &mut Fields) -> ReadResult<()> {
    let kx = ctx.kx.or_else(|| {
        // Without a ServerHello: a 1-byte length equal to the rest means an EC point.
        let rem = r.remaining();
        if r.clone().u8("len").is_ok_and(|(v, _)| v as usize + 1 == rem) { Some(KeyExchange::Ecdhe) } else { None }
    });
    let (width, name, note) = match kx {
        // SSL 3.0, and OpenSSL's pre-RFC DTLS (0x0100) which kept its format: no length prefix.
        Some(KeyExchange::Rsa) if ctx.version == Some(0x0300) || ctx.version == Some(0x0100) => {
            let (b, s) = r.rest();
            out.add(|| Field::new("EncryptedPreMasterSecret", hex_short(b), s).note("field.ClientKeyExchange.rsa"));
            return Ok(());
        }
        Some(KeyExchange::Rsa) => (2, "EncryptedPreMasterSecret", "field.ClientKeyExchange.rsa"),
        Some(KeyExchange::Ecdhe) => (1, "ecdh_Yc", "field.ClientKeyExchange.ecdhe"),
        Some(KeyExchange::Dhe) => (2, "dh_Yc", "field.ClientKeyExchange.dhe"),
        _ => {
            let (b, s) = r.rest();
            out.add(|| Field::new("exchange_keys", hex_short(b), s).note("field.handshake.body"));
            return Ok(());
        }
    };
    let v = Vector::read(r, width, "exchange_keys")?;
    out.add(|| v.field(name, hex_short(v.bytes)).note(note));
    Ok(())
}

fn certificate_request(r: &mut Reader, ctx: &Ctx, out: &mut Fields, info: &mut CertRequestInfo) -> ReadResult<()> {
    if ctx.tls13 {
        let c = Vector::read(r, 1, "certificate_request_context")?;
        out.add(|| c.field("certificate_request_context", hexs(c.bytes)).note("field.CertificateRequest.context"));
        let (at, mut ef) = (out.len(), ExtFacts::default());
        let res = extensions::parse_list(r, out, ExtCtx::Other, &mut ef, "field.CertificateRequest.extensions");
        let names: Vec<String> = ef.types.iter().map(|t| t.name()).collect();
        out.renote_ref(at, TextRef::new("field.CertificateRequest.extensions").arg("names", if names.is_empty() { "—".into() } else { names.join(", ") }));
        return res;
    }
    let s0 = r.pos();
    let (mut types, ls) = r.vec(1, "certificate_types")?;
    let mut kids = out.sub();
    kids.add(|| len_field(ls, types.remaining()));
    while !types.is_empty() {
        let (t, s) = types.u8("ClientCertificateType")?;
        info.cert_types.push(t);
        kids.add(|| {
            Field::new("ClientCertificateType", format!("{t} ({})", registry::client_cert_type_name(t)), s)
                .note_ref(TextRef::new("field.CertificateRequest.certificate_type").arg("s_type", format!("@field.CertificateRequest.type.{}", registry::client_cert_type_name(t))))
        });
    }
    out.add(|| Field::new("certificate_types", TextRef::new("word.value.types").arg("n", (kids.len() - 1).to_string()), Span::new(s0, r.pos() - s0)).note("field.CertificateRequest.certificate_types").with_children(kids));
    if ctx.version.is_none_or(|v| v >= 0x0303) {
        let s0 = r.pos();
        let (mut algs, ls) = r.vec(2, "supported_signature_algorithms")?;
        let mut kids = out.sub();
        kids.add(|| len_field(ls, algs.remaining()));
        while !algs.is_empty() {
            let (a, s) = algs.u16("SignatureScheme")?;
            info.schemes.push(SignatureScheme(a));
            kids.add(|| Field::new("SignatureScheme", format!("0x{a:04x} {}", registry::signature_scheme_name(a)), s).note(extensions::scheme_note(a)));
        }
        out.add(|| Field::new("supported_signature_algorithms", TextRef::new("word.value.schemes").arg("n", (kids.len() - 1).to_string()), Span::new(s0, r.pos() - s0)).note("field.sigalgs.list").with_children(kids));
    }
    // DistinguishedName certificate_authorities<0..2^16-1> (<3..2^16-1> in RFC 2246), each name
    // a DER X.501 Name behind its own two-byte length.
    let shown = |b: &[u8]| crate::x509::dn_string(b).map(Value::from).unwrap_or_else(|| hex_short(b));
    let mut peek = r.clone();
    info.first_ca = peek.vec(2, "certificate_authorities").ok().and_then(|(mut l, _)| l.vec(2, "DistinguishedName").ok()).map(|(mut e, _)| {
        // For the explanation's words: the name, or the start of bytes that are not one.
        let b = e.rest().0;
        crate::x509::dn_string(b).unwrap_or_else(|| format!("{}{}", hexs(&b[..b.len().min(16)]), if b.len() > 16 { "…" } else { "" }))
    });
    info.ca_names = extensions::opaque_list(r, ("certificate_authorities", "field.CertificateRequest.certificate_authorities"), ("DistinguishedName", "field.CertificateRequest.ca_name"), shown, out)?;
    Ok(())
}

fn new_session_ticket(r: &mut Reader, ctx: &Ctx, out: &mut Fields, facts: &mut MsgFacts) -> ReadResult<()> {
    let (l, s) = r.u32("ticket_lifetime")?;
    *facts = MsgFacts::NewSessionTicket { lifetime: l, len: None, max_early_data: None };
    out.add(|| Field::new(if ctx.tls13 { "ticket_lifetime" } else { "ticket_lifetime_hint" }, TextRef::new("word.value.seconds").arg("n", l.to_string()), s).note_ref(
        TextRef::new(match (ctx.tls13, l) {
            (true, 0) => "field.NewSessionTicket.lifetime.tls13.zero",
            (true, _) => "field.NewSessionTicket.lifetime.tls13",
            (false, 0) => "field.NewSessionTicket.lifetime.tls12.zero",
            (false, _) => "field.NewSessionTicket.lifetime.tls12",
        })
        .arg("hours", super::facts::hours(l)),
    ));
    if ctx.tls13 {
        let (a, s) = r.u32("ticket_age_add")?;
        out.add(|| Field::new("ticket_age_add", a.to_string(), s).note("field.NewSessionTicket.ticket_age_add"));
        let n = Vector::read(r, 1, "ticket_nonce")?;
        out.add(|| Field::new("ticket_nonce", hexs(n.bytes), n.span).note("field.NewSessionTicket.ticket_nonce"));
    }
    let t = Vector::read(r, 2, "ticket")?;
    let b = t.bytes;
    *facts = MsgFacts::NewSessionTicket { lifetime: l, len: Some(b.len()), max_early_data: None };
    out.add(|| t.field("ticket", hex_short(b)).note("field.NewSessionTicket.ticket"));
    if ctx.tls13 {
        let mut ef = ExtFacts::default();
        let res = extensions::parse_list(r, out, ExtCtx::Other, &mut ef, "field.NewSessionTicket.extensions");
        *facts = MsgFacts::NewSessionTicket { lifetime: l, len: Some(b.len()), max_early_data: ef.max_early_data };
        return res;
    }
    Ok(())
}

/// Fields of a record that cannot be decrypted here: how the negotiated suite lays out its
/// ciphertext. Spans are absolute.
pub fn encrypted_record_fields(r: &RawRecord, ctx: &Ctx) -> Vec<Field> {
    let n = r.payload.len();
    let at = |off: usize, len: usize| r.payload_map.span(Span::new(off, len));
    let prot = match ctx.suite {
        Some(s) => registry::suite_protection(s, ctx.version.unwrap_or(0x0303)),
        None => RecordProtection::Other,
    };
    // Application data from the client before any ServerHello: TLS 1.3 0-RTT (RFC 8446 §4.2.10).
    let early = ctx.version.is_none() && ctx.dir == Some(crate::model::Dir::C2S) && r.content_type == registry::ct::APPLICATION_DATA;
    let whole = || vec![Field::new("encrypted_data", hex_short(&r.payload), at(0, n)).note_ref(TextRef::new(if early { "field.encrypted.early" } else { "field.encrypted.opaque" }).arg("n", n.to_string()))];
    if ctx.tls13 {
        if n < 17 {
            return whole();
        }
        return vec![
            Field::new("encrypted_record", hex_short(&r.payload[..n - 16]), at(0, n - 16)).note("field.encrypted.tls13"),
            Field::new("auth_tag", hexs(&r.payload[n - 16..]), at(n - 16, 16)).note("field.encrypted.tag"),
        ];
    }
    // What the ciphertext hides, by the record's content type.
    let hides = |key: &str, len: usize, tag: usize| TextRef::new(key).arg("content", r.content_type.name()).arg("tag", tag.to_string()).arg("n", len.to_string());
    match prot {
        RecordProtection::AeadExplicitNonce { tag } if n >= 8 + tag => vec![
            Field::new("nonce_explicit", hexs(&r.payload[..8]), at(0, 8)).note("field.encrypted.nonce_explicit"),
            Field::new("ciphertext", hex_short(&r.payload[8..n - tag]), at(8, n - 8 - tag)).note_ref(hides("field.encrypted.ciphertext", n - 8 - tag, tag)),
            Field::new("auth_tag", hexs(&r.payload[n - tag..]), at(n - tag, tag)).note("field.encrypted.tag"),
        ],
        RecordProtection::AeadImplicitNonce { tag } if n >= tag => vec![
            Field::new("ciphertext", hex_short(&r.payload[..n - tag]), at(0, n - tag)).note_ref(hides("field.encrypted.ciphertext.implicit", n - tag, tag)),
            Field::new("auth_tag", hexs(&r.payload[n - tag..]), at(n - tag, tag)).note("field.encrypted.tag"),
        ],
        // encrypt_then_mac (RFC 7366 §3): IV, ciphertext, then the MAC in the clear.
        RecordProtection::Cbc { block, mac } if ctx.etm && n >= 2 * block + mac => vec![
            Field::new("IV", hexs(&r.payload[..block]), at(0, block)).note("field.encrypted.iv"),
            Field::new("block-ciphered", hex_short(&r.payload[block..n - mac]), at(block, n - block - mac)).note("field.encrypted.cbc.etm"),
            Field::new("MAC", hexs(&r.payload[n - mac..]), at(n - mac, mac)).note_ref(TextRef::new("field.encrypted.mac.etm").arg("n", mac.to_string())),
        ],
        RecordProtection::Cbc { block, .. } if n >= 2 * block => vec![
            Field::new("IV", hexs(&r.payload[..block]), at(0, block)).note("field.encrypted.iv"),
            Field::new("block-ciphered", hex_short(&r.payload[block..]), at(block, n - block)).note("field.encrypted.cbc"),
        ],
        // TLS 1.0 CBC: no explicit IV, the IV chains from the previous record.
        RecordProtection::Other if ctx.version.is_some_and(|v| v <= 0x0301) && ctx.suite.is_some_and(|s| registry::suite_cbc_mac_len(s) > 0) => {
            let mac = ctx.suite.map_or(0, registry::suite_cbc_mac_len);
            vec![Field::new("encrypted_data", hex_short(&r.payload), at(0, n)).note_ref(hides(if ctx.etm { "field.encrypted.cbc10.etm" } else { "field.encrypted.cbc10" }, n, 0).arg("mac", mac.to_string()))]
        }
        _ => whole(),
    }
}
