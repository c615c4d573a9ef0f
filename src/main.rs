//! `tls-lens` binary. The CLI exists only natively; for wasm32 (where `cargo test --target
//! wasm32-unknown-unknown` also builds binaries) it is an empty program.

#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(not(target_arch = "wasm32"))]
mod serve;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
