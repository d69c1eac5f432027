use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of glibc's allocator: the build interleaves long-lived small records with
/// large short-lived buffers (SVG and CSV text, GIF frames), and glibc's heap grew with them
/// through the regions stage (peak RSS 435–560 MB depending on the data; docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = seecovid::cli::Cli::parse();
    match seecovid::cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // One paragraph: the error and its causes.
            let mut msg = format!("error: {err}");
            for cause in err.chain().skip(1) {
                msg.push_str(&format!(": {cause}"));
            }
            eprintln!("{msg}");
            ExitCode::from(1)
        }
    }
}
