//! Key material. For now the key log (SSLKEYLOGFILE) reader: entries are matched to
//! connections by client random; decryption builds on it.

pub mod keylog;
