use std::fmt::Write;
use tls_parser::*;
use wasm_bindgen::prelude::*;
use x509_parser::prelude::*;

/// A lower bound for the page's core: walk the records, count a ClientHello's cipher suites and
/// extensions, decode each certificate (names, validity, extensions, key) with the crates TLS Lens
/// is built on. No names, no explanations, no input dialects, no pcap: all of that comes on top.
#[wasm_bindgen]
pub fn summary(mut input: &[u8]) -> String {
    let mut out = String::new();
    while !input.is_empty() {
        match parse_tls_plaintext(input) {
            Ok((rest, rec)) => {
                input = rest;
                for m in rec.msg {
                    match m {
                        TlsMessage::Handshake(TlsMessageHandshake::ClientHello(ch)) => {
                            let _ = write!(out, "ClientHello {} {}\n", ch.version.0, ch.ciphers.len());
                            if let Some(ext) = ch.ext {
                                if let Ok((_, exts)) = parse_tls_client_hello_extensions(ext) {
                                    let _ = write!(out, "  {}\n", exts.len());
                                }
                            }
                        }
                        TlsMessage::Handshake(TlsMessageHandshake::ServerHello(sh)) => {
                            let _ = write!(out, "ServerHello {} {}\n", sh.version.0, sh.cipher.0);
                        }
                        TlsMessage::Handshake(TlsMessageHandshake::Certificate(c)) => {
                            for raw in c.cert_chain {
                                if let Ok((_, x)) = parse_x509_certificate(raw.data) {
                                    let _ = write!(out, "cert {} / {} {} {}\n", x.subject(), x.issuer(), x.validity().not_before, x.validity().not_after);
                                    for e in x.extensions() { let _ = write!(out, "  {} {}\n", e.oid, matches!(e.parsed_extension(), ParsedExtension::UnsupportedExtension{..})); }
                                    let _ = write!(out, "  {}\n", x.public_key().parsed().is_ok());
                                }
                            }
                        }
                        _ => { out.push_str("other\n"); }
                    }
                }
            }
            Err(_) => { let _ = write!(out, "error\n"); break; }
        }
    }
    out
}
