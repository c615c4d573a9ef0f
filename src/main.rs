//! `tls-lens` binary. The CLI exists only natively; for wasm32 (where `cargo test --target
//! wasm32-unknown-unknown` also builds binaries) it is an empty program.

#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(not(target_arch = "wasm32"))]
mod serve;

/// The explanation builds many small strings (a field tree per message); mimalloc makes
/// `scan` over big captures markedly faster than the system allocator (tests/bench/README.md, Speed).
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
