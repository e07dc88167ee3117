//! `paysecure-explorer`: see `cli` for the commands.

use clap::Parser as _;
use paysecure_explorer::cli::{self, Cli};

/// mimalloc rather than the system allocator: the sandbox's request path builds many small
/// JSON maps and strings, and glibc's malloc and free were about a sixth of the create
/// load's profile (see BENCHMARKS.md, "Sandbox speed").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut cli = Cli::parse();
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(cli::Command::Serve(args)) = &mut cli.command {
        // Settled once, so the JSON line reports the number the runtime was built with.
        let workers = args.worker_threads();
        args.workers = Some(u16::try_from(workers).unwrap_or(u16::MAX));
        builder.worker_threads(workers);
    }
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            paysecure_explorer::cli::out::error(&format!(
                "paysecure-explorer: could not start the async runtime: {e}"
            ));
            std::process::exit(2);
        }
    };
    let code = runtime.block_on(cli::run(cli));
    // Background tasks (webhook deliveries, hung fault-card calls) must not delay exit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    std::process::exit(code);
}
