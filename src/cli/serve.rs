//! `permaudit serve`: runs the Anyscale API emulator until SIGINT or SIGTERM.

use super::EXIT_OK;
use crate::serve::{shutdown_signal, ConnectionLimits, ServeOptions, Server, Token};
use anyhow::Context;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Snapshot file to serve; users created through the API are saved into it.
    #[arg(long, value_name = "FILE")]
    pub org: PathBuf,
    /// Address to listen on; port 0 picks a free port (the first line of output names it).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Token clients must send (cookie `cli_token` or `Authorization: Bearer`).
    #[arg(long, value_name = "TOKEN", env = "PERMAUDIT_SERVE_TOKEN", hide_env_values = true)]
    pub token: Token,
    /// Share of requests, from 0 to 1, answered with a 429, a 500 or a dropped connection.
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = parse_rate)]
    pub fault_rate: f64,
    /// Seed choosing which requests fail: the same seed fails the same requests.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub fault_seed: u64,
    /// Delay added to every request, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub latency_ms: u64,
    /// Largest request body accepted, in bytes; a larger one gets a 413.
    #[arg(long, value_name = "N", default_value_t = 16 * 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Seconds a client has to send the rest of a request body; a slower one gets a 408.
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub body_timeout: u64,
    /// Seconds a client has to send each request head; a connection idle that long is closed.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub header_timeout: u64,
    /// Connections served at once; further clients wait until one closes.
    #[arg(long, value_name = "N", default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..=65536))]
    pub max_connections: u32,
}

/// Runs the server; prints one line with the bound address once it listens.
pub fn run(args: ServeArgs) -> anyhow::Result<u8> {
    let options = ServeOptions {
        org: args.org,
        addr: args.addr,
        token: args.token,
        fault_rate: args.fault_rate,
        fault_seed: args.fault_seed,
        latency: Duration::from_millis(args.latency_ms),
        max_body_bytes: args.max_body_bytes,
        body_timeout: Duration::from_secs(args.body_timeout),
        connections: ConnectionLimits {
            max_connections: args.max_connections as usize,
            header_timeout: Duration::from_secs(args.header_timeout),
        },
    };
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
    runtime.block_on(async {
        let server = Server::bind(options).await?;
        let addr = server.local_addr()?;
        let mut stdout = std::io::stdout().lock();
        writeln!(
            stdout,
            "permaudit serve: listening on http://{addr} (organization {}, {})",
            server.organization_id(),
            crate::plural::count(server.member_count(), "member", "members")
        )?;
        stdout.flush()?;
        drop(stdout);
        let removed = server.removed_temporaries();
        if removed > 0 {
            eprintln!(
                "permaudit serve: removed {removed} temporary file(s) left beside the snapshot by an interrupted save"
            );
        }
        server.run(shutdown_signal()).await;
        Ok(EXIT_OK)
    })
}

fn parse_rate(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("`{value}` is not a number from 0 to 1")),
    }
}
