//! Certificate summaries with x509-parser: names, validity, SANs, key, signature algorithm,
//! each with the span of its DER bytes where x509-parser keeps them.

use sha2::{Digest, Sha256};
use x509_parser::prelude::*;

use crate::model::{Certificate, Field, Span, TextRef};

pub mod asn1;
mod oids;

/// Where `inner` (a sub-slice handed back by x509-parser) lies within `outer`.
fn sub_span(outer: &[u8], inner: &[u8]) -> Option<Span> {
    let o = outer.as_ptr() as usize;
    let i = inner.as_ptr() as usize;
    (i >= o && i + inner.len() <= o + outer.len()).then(|| Span::new(i - o, inner.len()))
}

/// ISO 8601 UTC time from a Unix timestamp (days-from-civil inverse, proleptic Gregorian).
pub fn iso_time(ts: i64) -> String {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

fn oid_name(oid: &x509_parser::der_parser::oid::Oid) -> String {
    let dotted = oid.to_id_string();
    oids::short_name(&dotted).map(str::to_string).unwrap_or(dotted)
}

/// A distinguished name as x509-parser's `Display` writes it ("CN=a, O=b"; the attributes of
/// one RDN joined by " + "; a value that is not a string in upper-case hex), without pulling in
/// its generic hex encoder (about 12 KB of the page's wasm).
pub fn name_string(n: &X509Name) -> String {
    use x509_parser::asn1_rs::{BmpString, Tag};
    let value = |a: &x509_parser::asn1_rs::Any| -> Option<String> {
        match a.tag() {
            Tag::NumericString | Tag::VisibleString | Tag::PrintableString | Tag::GeneralString | Tag::ObjectDescriptor | Tag::GraphicString | Tag::T61String | Tag::VideotexString | Tag::Utf8String | Tag::Ia5String => {
                std::str::from_utf8(a.data).ok().map(str::to_owned)
            }
            Tag::BmpString => BmpString::try_from(a.clone()).ok().map(|s| s.string()),
            _ => Some(crate::reader::hexs(a.as_bytes()).to_uppercase()),
        }
    };
    let mut out = String::new();
    for rdn in n.iter() {
        let mut set = String::new();
        for attr in rdn.iter() {
            let Some(v) = value(attr.attr_value()) else { return "<X509Error: Invalid X.509 name>".into() };
            let abbrev = match oids::abbreviation(&attr.attr_type().to_id_string()) {
                Some(s) => s.to_string(),
                None => format!("{:?}", attr.attr_type()),
            };
            if !set.is_empty() {
                set.push_str(" + ");
            }
            set.push_str(&abbrev);
            set.push('=');
            set.push_str(&v);
        }
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(&set);
    }
    out
}

fn ip_string(b: &[u8]) -> String {
    match b.len() {
        4 => std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string(),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            std::net::Ipv6Addr::from(a).to_string()
        }
        _ => crate::reader::hexs(b),
    }
}

/// Summarise one DER certificate. Spans are relative to the start of `der`. `now` (Unix
/// seconds) adds a note when the certificate is not valid at that time. `lean`: no fields.
/// Where a certificate sits, for the notes on what its key is for: the first one of a
/// Certificate message is the sender's own (RFC 8446 §4.4.2, RFC 5246 §7.4.2), the rest are
/// issuers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    ServerLeaf,
    ClientLeaf,
    Issuer,
}

/// Signature algorithms over MD2, MD5 or SHA-1 (RFC 8017 Appendix C, RFC 5758 §3, RFC 3279
/// §2.2): md2/md5/sha1WithRSAEncryption, dsa-with-sha1, ecdsa-with-SHA1.
const WEAK_SIGNATURE_HASH: [&str; 5] = ["1.2.840.113549.1.1.2", "1.2.840.113549.1.1.4", "1.2.840.113549.1.1.5", "1.2.840.10040.4.3", "1.2.840.10045.4.1"];

pub fn summarize(der: &[u8], now: Option<i64>, lean: bool, role: Role) -> Result<(Certificate, Vec<Field>), String> {
    if lean {
        return summary_cached(der).map(|c| (c, Vec::new()));
    }
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| format!("not a valid X.509 certificate: {e}"))?;
    let whole = Span::new(0, der.len());
    let at = |inner: &[u8]| sub_span(der, inner).unwrap_or(whole);
    let subject = name_string(cert.subject());
    let issuer = name_string(cert.issuer());
    let nb = cert.validity().not_before.timestamp();
    let na = cert.validity().not_after.timestamp();
    let mut san = Vec::new();
    let mut san_span = None;
    if let Ok(Some(ext)) = cert.subject_alternative_name() {
        for n in &ext.value.general_names {
            match n {
                GeneralName::DNSName(s) => san.push(format!("DNS:{s}")),
                GeneralName::IPAddress(b) => san.push(format!("IP:{}", ip_string(b))),
                GeneralName::RFC822Name(s) => san.push(format!("email:{s}")),
                GeneralName::URI(s) => san.push(format!("URI:{s}")),
                other => san.push(format!("{other:?}")),
            }
        }
        if let Some(e) = cert.iter_extensions().find(|e| e.oid == x509_parser::oid_registry::OID_X509_EXT_SUBJECT_ALT_NAME) {
            san_span = Some(at(e.value));
        }
    }
    let spki = cert.public_key();
    let alg = oid_name(&spki.algorithm.algorithm);
    let public_key = match spki.parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(k)) => format!("RSA {} bit", k.key_size()),
        Ok(x509_parser::public_key::PublicKey::EC(_)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| oid_name(&o))
                .unwrap_or_else(|| "unknown curve".into());
            format!("EC {curve}")
        }
        Ok(k) => format!("{alg} {} bit", k.key_size()),
        Err(_) => alg.clone(),
    };
    let signature_algorithm = oid_name(&cert.signature_algorithm.algorithm);
    let fp = Sha256::digest(der);
    let c = Certificate {
        index: 0,
        subject: subject.clone(),
        issuer: issuer.clone(),
        serial: cert.raw_serial_as_string(),
        not_before: iso_time(nb),
        not_after: iso_time(na),
        san: san.clone(),
        public_key: public_key.clone(),
        signature_algorithm: signature_algorithm.clone(),
        fingerprint_sha256: crate::reader::hexs(&fp),
        self_signed: cert.subject().as_raw() == cert.issuer().as_raw(),
        is_ca: cert.is_ca(),
        span: whole,
        pieces: vec![whole],
        key: match spki.parsed() {
            Ok(x509_parser::public_key::PublicKey::RSA(_)) => crate::model::KeyKind::Rsa,
            Ok(x509_parser::public_key::PublicKey::EC(_)) => crate::model::KeyKind::Ec,
            _ => crate::model::KeyKind::Other,
        },
        key_bits: spki.parsed().ok().map(|k| k.key_size()).filter(|&b| b > 0),
        weak_signature_hash: WEAK_SIGNATURE_HASH.contains(&cert.signature_algorithm.algorithm.to_id_string().as_str()),
    };
    if lean {
        return Ok((c, Vec::new()));
    }
    let validity_note = match now {
        Some(t) if t > na => "field.cert.validity.expired",
        Some(t) if t < nb => "field.cert.validity.not_yet",
        _ => "field.cert.validity",
    };
    // x509-parser keeps no raw slice for the validity: it is what lies between issuer and subject.
    let (is, ss) = (at(cert.issuer().as_raw()), at(cert.subject().as_raw()));
    let validity = if is != whole && ss != whole && ss.offset > is.end() { Span::new(is.end(), ss.offset - is.end()) } else { whole };
    let mut fields = vec![
        Field::new("serialNumber", c.serial.clone(), at(cert.raw_serial())).note("field.cert.serial"),
        Field::new("issuer", issuer, at(cert.issuer().as_raw())).note("field.cert.issuer"),
        Field::new("validity", format!("{} .. {}", c.not_before, c.not_after), validity).note(validity_note),
        Field::new("subject", subject, at(cert.subject().as_raw())).note("field.cert.subject"),
        Field::new("subjectPublicKeyInfo", public_key, at(spki.raw)).note("field.cert.spki"),
    ];
    if let Some(s) = san_span {
        fields.push(Field::new("subjectAltName", san.join(", "), s).note("field.cert.san"));
    }
    for e in cert.iter_extensions() {
        if let Some(f) = extension_field(e, &at, role) {
            fields.push(f);
        }
    }
    fields.push(Field::new("signatureAlgorithm", signature_algorithm, at(&cert.signature_value.data)).note("field.cert.signature"));
    Ok((c, fields))
}

/// An OID's content bytes (no tag or length) as its name, or dotted numbers when unnamed.
pub fn oid_text(content: &[u8]) -> String {
    let oid = x509_parser::der_parser::oid::Oid::new(std::borrow::Cow::Borrowed(content));
    let dotted = oid.to_id_string();
    match oids::short_name(&dotted) {
        Some(s) => format!("{s} ({dotted})"),
        None => dotted,
    }
}

/// A DER DistinguishedName as text (RFC 4514 style, as x509-parser writes it).
pub fn dn_string(der: &[u8]) -> Option<String> {
    x509_parser::x509::X509Name::from_der(der).ok().map(|(_, n)| name_string(&n))
}

fn general_name(n: &GeneralName) -> String {
    match n {
        GeneralName::DNSName(s) => format!("DNS:{s}"),
        GeneralName::URI(s) => s.to_string(),
        GeneralName::RFC822Name(s) => format!("email:{s}"),
        GeneralName::IPAddress(b) => format!("IP:{}", ip_string(b)),
        GeneralName::DirectoryName(d) => name_string(d),
        other => format!("{other:?}"),
    }
}

/// A certificate extension as a field (RFC 5280 §4.2), except subjectAltName which has its own.
fn extension_field(e: &X509Extension, at: &dyn Fn(&[u8]) -> Span, role: Role) -> Option<Field> {
    use x509_parser::extensions::{DistributionPointName, ParsedExtension as P};
    let name = oid_name(&e.oid);
    let critical = if e.critical { " (critical)" } else { "" };
    let (value, note) = match e.parsed_extension() {
        P::SubjectAlternativeName(_) => return None,
        P::BasicConstraints(b) => {
            // What cA says for the place this certificate has in the chain (RFC 5280 §4.2.1.9).
            let note = match (b.ca, role) {
                (true, _) => "field.cert.ext.basic_constraints.ca",
                (false, Role::Issuer) => "field.cert.ext.basic_constraints.not_ca_issuer",
                (false, _) => "field.cert.ext.basic_constraints.leaf",
            };
            let value = match b.path_len_constraint {
                Some(n) => TextRef::new("word.value.ca_path").arg("ca", b.ca.to_string()).arg("n", n.to_string()).into(),
                None => format!("CA: {}", b.ca).into(),
            };
            (value, note)
        }
        P::KeyUsage(k) => (
            k.to_string().into(),
            match role {
                Role::ServerLeaf => "field.cert.ext.key_usage.server",
                Role::ClientLeaf => "field.cert.ext.key_usage.client",
                Role::Issuer => "field.cert.ext.key_usage",
            },
        ),
        P::ExtendedKeyUsage(k) => {
            let mut v: Vec<String> = [(k.server_auth, "serverAuth"), (k.client_auth, "clientAuth"), (k.code_signing, "codeSigning"), (k.email_protection, "emailProtection"), (k.time_stamping, "timeStamping"), (k.ocsp_signing, "OCSPSigning"), (k.any, "any")]
                .iter()
                .filter(|x| x.0)
                .map(|x| x.1.to_string())
                .collect();
            v.extend(k.other.iter().map(oid_name));
            // The purpose this certificate needs in its place: serverAuth for the server's
            // leaf, clientAuth for the client's (RFC 5280 §4.2.1.12).
            let key = match (role, k.server_auth || k.any, k.client_auth || k.any) {
                (Role::ServerLeaf, true, _) => "field.cert.ext.eku.server",
                (Role::ServerLeaf, false, _) => "field.cert.ext.eku.server.missing",
                (Role::ClientLeaf, _, true) => "field.cert.ext.eku.client",
                (Role::ClientLeaf, _, false) => "field.cert.ext.eku.client.missing",
                (Role::Issuer, _, _) => "field.cert.ext.eku",
            };
            (v.join(", ").into(), key)
        }
        P::AuthorityInfoAccess(a) => {
            let v: Vec<String> = a.accessdescs.iter().map(|d| format!("{}: {}", oid_name(&d.access_method), general_name(&d.access_location))).collect();
            (v.join(", ").into(), "field.cert.ext.aia")
        }
        P::CRLDistributionPoints(c) => {
            let v: Vec<String> = c
                .points
                .iter()
                .filter_map(|p| match &p.distribution_point {
                    Some(DistributionPointName::FullName(names)) => Some(names.iter().map(general_name).collect::<Vec<_>>().join(", ")),
                    _ => None,
                })
                .collect();
            (v.join(", ").into(), "field.cert.ext.crl")
        }
        P::SCT(list) => {
            let v: Vec<String> = list.iter().map(|s| format!("{}…", crate::reader::hexs(&s.id.key_id[..8]))).collect();
            (TextRef::new("word.value.scts_logs").arg("n", list.len().to_string()).arg("logs", v.join(", ")).into(), "field.cert.ext.sct")
        }
        P::SubjectKeyIdentifier(k) => (crate::reader::hexs(k.0).into(), if role == Role::Issuer { "field.cert.ext.ski" } else { "field.cert.ext.ski.leaf" }),
        P::AuthorityKeyIdentifier(k) => (k.key_identifier.as_ref().map(|k| crate::reader::hexs(k.0)).unwrap_or_else(|| "—".into()).into(), "field.cert.ext.aki"),
        P::CertificatePolicies(p) => (p.iter().map(|x| policy_name(&x.policy_id.to_id_string())).collect::<Vec<_>>().join(", ").into(), "field.cert.ext.policies"),
        _ => (crate::reader::hex_short(e.value), "field.cert.ext.other"),
    };
    Some(Field::new(format!("{name}{critical}"), value, at(e.value)).note(note))
}

/// CA/Browser Forum policy identifiers (Baseline Requirements §7.1.6.1) by name.
fn policy_name(oid: &str) -> String {
    match oid {
        "2.23.140.1.2.1" => "domain validated (2.23.140.1.2.1)".into(),
        "2.23.140.1.2.2" => "organization validated (2.23.140.1.2.2)".into(),
        "2.23.140.1.2.3" => "individual validated (2.23.140.1.2.3)".into(),
        "2.23.140.1.1" => "extended validation (2.23.140.1.1)".into(),
        "2.5.29.32.0" => "anyPolicy".into(),
        _ => oid.to_string(),
    }
}

/// Certificates parsed lately by this thread (`scan` meets the same chains over and over: a
/// capture of a busy server sends one chain per connection), by their DER bytes (a fast hash,
/// and equal bytes on a hit). At most CACHE_SIZE certificates and CACHE_BYTES of DER.
const CACHE_SIZE: usize = 256;
const CACHE_BYTES: usize = 2 << 20;

thread_local! {
    static SEEN: std::cell::RefCell<(foldhash::HashMap<Box<[u8]>, Certificate>, usize)> = Default::default();
}

/// `summarize` without fields, for summaries: a certificate seen before is not parsed again.
fn summary_cached(der: &[u8]) -> Result<Certificate, String> {
    if let Some(c) = SEEN.with(|m| m.borrow().0.get(der).cloned()) {
        return Ok(c);
    }
    let (c, _) = summarize(der, None, false, Role::Issuer)?;
    SEEN.with(|m| {
        let (map, bytes) = &mut *m.borrow_mut();
        if map.len() >= CACHE_SIZE || *bytes + der.len() > CACHE_BYTES {
            map.clear();
            *bytes = 0;
        }
        if der.len() <= CACHE_BYTES {
            *bytes += der.len();
            map.insert(der.into(), c.clone());
        }
    });
    Ok(c)
}

#[cfg(test)]
mod tests {
    /// `name_string` writes names as x509-parser's `Display` does, for every certificate in
    /// the test captures' PEM files and a name with a value that is not a string.
    #[test]
    fn names_as_x509_parser_writes_them() {
        for f in ["ca.pem", "server.pem"] {
            let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/certs/").to_string() + f).unwrap();
            for p in x509_parser::pem::Pem::iter_from_buffer(&pem) {
                let p = p.unwrap();
                let (_, c) = X509Certificate::from_der(&p.contents).unwrap();
                assert_eq!(name_string(c.subject()), c.subject().to_string());
                assert_eq!(name_string(c.issuer()), c.issuer().to_string());
            }
        }
        // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3 (CN), INTEGER 5 } }, SET { CN "a", O "b" } }:
        // a value that is not a string (hex), and two attributes in one RDN.
        let der = [0x30, 0x22, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x02, 0x01, 0x05, 0x31, 0x14, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, b'a', 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x01, b'b'];
        let (_, n) = X509Name::from_der(&der).unwrap();
        assert_eq!(name_string(&n), n.to_string());
        assert_eq!(name_string(&n), "CN=05, CN=a + O=b");
    }

    use super::*;

    /// Key types from the SPKI's OID, as `openssl x509 -text` names them ("Public Key
    /// Algorithm": rsaEncryption, id-ecPublicKey, ED25519).
    #[test]
    fn key_kind_from_the_key_oid() {
        use crate::model::KeyKind;
        // Sizes as `openssl x509 -text` says them: "Public-Key: (2048 bit)", "(256 bit)".
        for (f, want, bits) in [("server.pem", KeyKind::Rsa, Some(2048)), ("ec-p256.pem", KeyKind::Ec, Some(256)), ("ed25519.pem", KeyKind::Other, None)] {
            let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/certs/").to_string() + f).unwrap();
            let p = x509_parser::pem::Pem::iter_from_buffer(&pem).next().unwrap().unwrap();
            for lean in [false, true] {
                let (c, _) = summarize(&p.contents, None, lean, Role::ServerLeaf).unwrap();
                assert_eq!(c.key, want, "{f}: {}", c.public_key);
                if bits.is_some() {
                    assert_eq!(c.key_bits, bits, "{f}");
                }
            }
        }
    }

    #[test]
    fn iso_time_matches_known_dates() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00Z");
        // `date -u -d @1700000000` -> Tue Nov 14 22:13:20 UTC 2023
        assert_eq!(iso_time(1_700_000_000), "2023-11-14T22:13:20Z");
        // 2000-02-29 (leap day): `date -u -d 2000-02-29 +%s` -> 951782400
        assert_eq!(iso_time(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(summarize(&[0x30, 0x82, 0xff], None, false, Role::Issuer).is_err());
    }
}
