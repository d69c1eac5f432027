//! Progress reporting: indicatif bars on a terminal, plain log lines otherwise; stage timing
//! for the closing summary.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Reporter {
    fancy: bool,
    started: Instant,
    stages: Vec<(String, Duration)>,
}

impl Reporter {
    pub fn new(quiet: bool) -> Self {
        Self {
            fancy: !quiet && std::io::stderr().is_terminal(),
            started: Instant::now(),
            stages: Vec::new(),
        }
    }

    pub fn log(&self, msg: impl AsRef<str>) {
        eprintln!("{}", msg.as_ref());
    }

    /// Runs one named stage, timing it and logging its result line.
    pub fn stage<T>(
        &mut self,
        name: &str,
        f: impl FnOnce(&Reporter) -> anyhow::Result<(T, String)>,
    ) -> anyhow::Result<T> {
        let t = Instant::now();
        let (value, detail) = f(self)?;
        let took = t.elapsed();
        self.log(format!(
            "[{name:>8}] {:>6.2}s  {detail}",
            took.as_secs_f64()
        ));
        self.stages.push((name.to_string(), took));
        Ok(value)
    }

    /// A progress bar for `len` items (hidden when not on a terminal).
    pub fn bar(&self, len: u64, msg: &str) -> ProgressBar {
        if !self.fancy {
            return ProgressBar::hidden();
        }
        let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} {elapsed}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        pb.set_message(msg.to_string());
        pb
    }

    pub fn stages(&self) -> &[(String, Duration)] {
        &self.stages
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}
