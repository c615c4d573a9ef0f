//! Key material and decryption: TLS 1.0-1.3 and QUIC record protection with the secrets of a
//! key log (read by `input::keylog`), matched to connections by client random.

pub mod decrypt;
pub mod prim;
pub mod quic;
pub mod recompute;
pub mod tls12;
pub mod tls13;
