//! Key material and decryption: the key log (SSLKEYLOGFILE) reader, matched to connections by
//! client random, and TLS 1.3 record decryption with those secrets.

pub mod decrypt;
pub mod keylog;
pub mod quic;
pub mod tls12;
pub mod tls13;
