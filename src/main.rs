//! The one binary: parses settings and hands over to the server module.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    referral_gate::server::memory::return_large_buffers();
    referral_gate::server::cli::main().await
}
