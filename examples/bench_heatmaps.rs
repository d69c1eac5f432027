//! Heat-map benchmark: renders every animation of every scope from the bundled data and prints,
//! per scope, where the time goes (CPU ms per frame for map, bars, GIF encode), wall ms per
//! frame, frames, GIF and poster sizes, and the totals.
//!
//!     cargo run --release --example bench_heatmaps [-- --scopes world,china --frame-step 7 --out DIR --together]
//!
//! Each scope is rendered on its own (so its wall time is its own), unless `--together`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use seecovid::diag::{Diagnostics, SharedDiagnostics};
use seecovid::heatmap::{self, AnimStats, HeatmapOptions, scope::SCOPES};
use seecovid::output::Output;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut scopes: Vec<String> = SCOPES.iter().map(|s| s.0.to_string()).collect();
    let mut step = 7;
    let mut out = PathBuf::from("/tmp/seecovid-bench");
    let mut together = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--scopes" => {
                scopes = args
                    .next()
                    .context("--scopes needs a value")?
                    .split(',')
                    .map(str::to_string)
                    .collect()
            }
            "--frame-step" => step = args.next().context("--frame-step needs a value")?.parse()?,
            "--out" => out = args.next().context("--out needs a value")?.into(),
            "--together" => together = true,
            _ => anyhow::bail!("unknown argument `{a}`"),
        }
    }
    let t = Instant::now();
    let mut d = Diagnostics::default();
    let ds = seecovid::quality::load(Path::new("assets/data"), &mut d)?;
    println!(
        "data load: {:.0} ms; {} threads",
        t.elapsed().as_secs_f64() * 1e3,
        rayon::current_num_threads()
    );

    let runs: Vec<Vec<String>> = if together {
        vec![scopes]
    } else {
        scopes.into_iter().map(|s| vec![s]).collect()
    };
    println!(
        "{:<12} {:>5} {:>6} {:>8} {:>8} {:>8} {:>6} {:>9} {:>9} {:>9} {:>10} {:>9} {:>8}",
        "scope",
        "anims",
        "frames",
        "map",
        "bars",
        "encode",
        "(diff)",
        "cpu/frame",
        "wall/frm",
        "wall s",
        "max GIF",
        "sum GIF",
        "max PNG"
    );
    println!(
        "{:<12} {:>5} {:>6} {:>8} {:>8} {:>8} {:>6} {:>9} {:>9}",
        "", "", "", "ms/frame", "ms/frame", "ms/frame", "ms", "ms", "ms"
    );
    println!(
        "(map, bars, encode: stopwatch per frame inside the workers; cpu/frame: process CPU, all included)"
    );
    let (mut all_frames, mut all_wall, mut all_cpu, mut n_anims) = (0usize, 0.0f64, 0.0f64, 0usize);
    let (mut max_gif, mut max_png) = (0usize, 0usize);
    for scopes in runs {
        let output = Output::new(&out, &out.join("no-previous"), None)?;
        let diag = SharedDiagnostics::default();
        let opts = HeatmapOptions {
            scopes: scopes.clone(),
            frame_step: step,
        };
        let t = Instant::now();
        let cpu0 = process_cpu_s();
        let (_index, stats) = heatmap::render_all_with_stats(&ds, &opts, &output, &diag)?;
        let wall = t.elapsed().as_secs_f64();
        let cpu = process_cpu_s() - cpu0;
        let w = diag.0.lock().unwrap();
        for warn in &w.warnings {
            println!("  warning: {warn}");
        }
        let label = if scopes.len() == 1 {
            scopes[0].clone()
        } else {
            "all".to_string()
        };
        print_row(&label, &stats, wall, cpu);
        let frames: usize = stats.iter().map(|s| s.frames).sum();
        all_frames += frames;
        all_wall += wall;
        all_cpu += stats
            .iter()
            .map(|s| (s.map_ns + s.bars_ns + s.encode_ns) as f64 / 1e6)
            .sum::<f64>();
        n_anims += stats.len();
        max_gif = max_gif.max(stats.iter().map(|s| s.gif_bytes).max().unwrap_or(0));
        max_png = max_png.max(stats.iter().map(|s| s.poster_bytes).max().unwrap_or(0));
    }
    println!(
        "total: {n_anims} animations, {all_frames} frames, {:.1} s wall, {:.1} s process CPU \
         ({:.2} ms CPU, {:.2} ms wall per frame); largest GIF {:.2} MB, largest poster {:.0} KB",
        all_wall,
        all_cpu / 1e3,
        all_cpu / all_frames as f64,
        all_wall * 1e3 / all_frames as f64,
        max_gif as f64 / 1e6,
        max_png as f64 / 1e3
    );
    Ok(())
}

/// CPU time of this process so far (user + system), from /proc: unlike in-thread stopwatches
/// it does not count time spent waiting for a core, so it is fair on a busy machine.
fn process_cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

fn print_row(label: &str, stats: &[AnimStats], wall: f64, cpu: f64) {
    let frames: usize = stats.iter().map(|s| s.frames).sum::<usize>().max(1);
    let ms =
        |f: fn(&AnimStats) -> u64| stats.iter().map(f).sum::<u64>() as f64 / 1e6 / frames as f64;
    let (map, bars, enc, diff) = (
        ms(|s| s.map_ns),
        ms(|s| s.bars_ns),
        ms(|s| s.encode_ns),
        ms(|s| s.diff_ns),
    );
    println!(
        "{:<12} {:>5} {:>6} {:>8.3} {:>8.3} {:>8.3} {:>6.3} {:>9.3} {:>9.3} {:>9.2} {:>9.2}M {:>8.1}M {:>7.0}K",
        label,
        stats.len(),
        frames,
        map,
        bars,
        enc,
        diff,
        cpu * 1e3 / frames as f64,
        wall * 1e3 / frames as f64,
        wall,
        stats.iter().map(|s| s.gif_bytes).max().unwrap_or(0) as f64 / 1e6,
        stats.iter().map(|s| s.gif_bytes).sum::<usize>() as f64 / 1e6,
        stats.iter().map(|s| s.poster_bytes).max().unwrap_or(0) as f64 / 1e3,
    );
}
