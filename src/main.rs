use std::process::ExitCode;

use clap::Parser;

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
