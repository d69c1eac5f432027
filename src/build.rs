//! The build pipeline, with one owner (zola's `Site::build` style). [`run_in_pool`] reads as
//! the list of timed stages: load → heat maps → regions → pages → compare → sandbox →
//! sitemap → check → swap. The site is written into a staging folder beside the output
//! folder and swapped in only when everything, including the check, succeeded, so a failed
//! build leaves the previous output exactly as it was.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::config::Config;
use crate::diag::{Diagnostics, SharedDiagnostics};
use crate::heatmap::HeatmapIndex;
use crate::output::keys::BaseKeys;
use crate::output::staged::StagedDir;
use crate::output::{Manifest, ManifestHead, Output};
use crate::progress::Reporter;
use crate::quality::Assessed;
use crate::site::compare::Group;
use crate::site::regions::RegionSummary;
use crate::site::{self, Site};

/// Everything the pipeline needs; flags have already been applied to `config`.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub config: Config,
    pub strict: bool,
    pub force: bool,
    pub quiet: bool,
}

#[derive(Debug)]
pub struct BuildSummary {
    pub out: PathBuf,
    pub regions: usize,
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    /// Files written, and files reused unchanged (hard links to the previous build).
    pub written: usize,
    pub reused: usize,
    /// True when nothing had changed and the build did nothing.
    pub up_to_date: bool,
    pub warnings: Vec<String>,
    pub notes: Vec<String>,
    pub stages: Vec<(String, Duration)>,
    pub total: Duration,
}

/// Runs the whole build.
pub fn run(opts: &BuildOptions) -> Result<BuildSummary> {
    let cfg = &opts.config;
    cfg.validate()?;
    if let Some(base) = &cfg.site.base_url {
        site::sitemap::base(base)?;
    }
    let threads = cfg.build.jobs.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    pool.install(|| run_in_pool(opts))
}

/// The stages, in order.
fn run_in_pool(opts: &BuildOptions) -> Result<BuildSummary> {
    let cfg = &opts.config;
    let mut rep = Reporter::new(opts.quiet);
    let mut diag = Diagnostics::default();
    let out_dir = cfg.build.out.clone();
    let (mut staged, _) = StagedDir::for_build(&out_dir)?;
    let sources = site::template_sources(cfg.site.templates.as_deref())?;
    let templates = site::templates(&sources)?;
    let keys = BaseKeys::new(&cfg.build.data)?;
    let fingerprint = keys.build(cfg, &sources)?;
    if !opts.force
        && let Some(h) = Manifest::read_head(&out_dir)
        && up_to_date(&h, &fingerprint, &out_dir)
    {
        return Ok(unchanged_summary(&rep, &h, out_dir, diag));
    }
    let prev = if opts.force {
        None
    } else {
        Manifest::read(&out_dir)
    };
    signals::arm(staged.path());

    let ds = rep.stage("load", |_| load(cfg, &mut diag))?;
    // Config groups name region ids: check them before the long stages.
    let groups = site::compare::resolve_groups(&ds, &cfg.compare.groups)?;
    let out = Output::new(staged.path(), &out_dir, prev)?;
    let mut heat = rep.stage("heatmaps", |_| heatmaps(cfg, &ds, &out, &keys, &mut diag))?;
    site::heatmaps::describe(&mut heat);
    let site = Site {
        config: cfg,
        dataset: &ds,
        templates,
        nav: site::nav(&sections(&heat)),
        output: &out,
        keys: &keys,
        og_image: site::heatmaps::featured(&heat).map(|a| a.poster.clone()),
        base_url: cfg
            .site
            .base_url
            .as_deref()
            .map(site::sitemap::base)
            .transpose()?,
    };
    let summaries = rep.stage("regions", |rep| regions(&site, rep))?;
    rep.stage("pages", |_| pages(&site, &heat, &summaries))?;
    rep.stage("compare", |_| compare(&site, &groups))?;
    rep.stage("sandbox", |_| sandbox(&site))?;
    rep.stage("sitemap", |_| sitemap(&site))?;
    rep.stage("check", |_| check(staged.path()))?;
    if opts.strict && !diag.warnings.is_empty() {
        bail!(
            "--strict: {} warning(s): {}",
            diag.warnings.len(),
            diag.warnings.join("; ")
        );
    }
    out.finish(&fingerprint)?;
    rep.stage("swap", |_| swap(&mut staged, &out_dir))?;
    signals::disarm();
    Ok(built_summary(&rep, &out, out_dir, ds.regions.len(), diag))
}

/// Same inputs as the previous build, and its files are all still there.
fn up_to_date(prev: &ManifestHead, fingerprint: &str, out_dir: &std::path::Path) -> bool {
    use rayon::prelude::*;
    prev.fingerprint == fingerprint
        && prev
            .files
            .par_iter()
            .all(|(f, _)| out_dir.join(f).is_file())
}

fn unchanged_summary(
    rep: &Reporter,
    prev: &ManifestHead,
    out: PathBuf,
    diag: Diagnostics,
) -> BuildSummary {
    rep.log(format!(
        "{} is up to date (same data, config, templates and binary): nothing to do",
        out.display()
    ));
    BuildSummary {
        out,
        regions: 0,
        pages: prev.files.keys().filter(|k| k.ends_with(".html")).count(),
        files: prev.files.len(),
        bytes: prev.files.values().map(|r| r.bytes).sum(),
        written: 0,
        reused: 0,
        up_to_date: true,
        warnings: diag.warnings,
        notes: diag.notes,
        stages: rep.stages().to_vec(),
        total: rep.elapsed(),
    }
}

fn built_summary(
    rep: &Reporter,
    out: &Output,
    out_dir: PathBuf,
    regions: usize,
    diag: Diagnostics,
) -> BuildSummary {
    let manifest = out.manifest();
    let (written, reused) = out.counts();
    BuildSummary {
        written,
        reused,
        up_to_date: false,
        out: out_dir,
        regions,
        pages: manifest.keys().filter(|k| k.ends_with(".html")).count(),
        files: manifest.len(),
        bytes: out.total_bytes(),
        warnings: diag.warnings,
        notes: diag.notes,
        stages: rep.stages().to_vec(),
        total: rep.elapsed(),
    }
}

fn load(cfg: &Config, diag: &mut Diagnostics) -> Result<(Assessed, String)> {
    let ds = crate::quality::load(&cfg.build.data, diag)?;
    let detail = format!(
        "{} regions from {} (global {}..{}, US {}..{})",
        ds.regions.len(),
        cfg.build.data.display(),
        ds.global_range.start,
        ds.global_range.end,
        ds.us_range.start,
        ds.us_range.end
    );
    Ok((ds, detail))
}

/// The heat-map set (`site::heatmaps::render`), its diagnostics joined to the build's.
fn heatmaps(
    cfg: &Config,
    ds: &Assessed,
    out: &Output,
    keys: &BaseKeys,
    diag: &mut Diagnostics,
) -> Result<(HeatmapIndex, String)> {
    let shared = SharedDiagnostics::default();
    let (idx, detail) = site::heatmaps::render(cfg, ds, out, keys, &shared)?;
    let d = shared.0.into_inner().expect("diagnostics lock");
    diag.warnings.extend(d.warnings);
    diag.notes.extend(d.notes);
    Ok((idx, detail))
}

/// The menu's sections: the heat maps only when some were rendered.
fn sections(heat: &HeatmapIndex) -> Vec<&'static str> {
    let mut sections = vec![
        "regions/index.html",
        "compare/index.html",
        "sandbox/index.html",
        "about/index.html",
    ];
    if !heat.animations.is_empty() {
        sections.push("heatmaps/index.html");
    }
    sections
}

fn regions(site: &Site, rep: &Reporter) -> Result<(Vec<RegionSummary>, String)> {
    let n = site.dataset.regions.len();
    let bar = rep.bar(n as u64, "regions");
    let summaries = site::regions::build_all(site, &bar)?;
    bar.finish_and_clear();
    let files = site.output.files().len();
    let detail = format!("{n} region pages with charts and CSVs ({files} files)");
    Ok((summaries, detail))
}

fn pages(site: &Site, heat: &HeatmapIndex, summaries: &[RegionSummary]) -> Result<((), String)> {
    let detail = site::pages::write_all(site, heat, summaries)?;
    Ok(((), detail.to_string()))
}

fn compare(site: &Site, groups: &[Group]) -> Result<((), String)> {
    let (g, n) = site::compare::build(site, groups)?;
    site::interact::write_compare_any(site)?;
    Ok(((), format!("{g} groups, {n} charts")))
}

fn sandbox(site: &Site) -> Result<((), String)> {
    let (n, s) = site::sandbox::build(site)?;
    Ok(((), format!("{n} grid runs, {s} time-varying scenarios")))
}

/// Last of the writing stages, so that every page is listed.
fn sitemap(site: &Site) -> Result<((), String)> {
    let base = site.config.site.base_url.as_deref();
    let detail = match site::sitemap::write(site.output, base)? {
        Some(n) => format!("sitemap.xml: {n} pages"),
        None => "no base URL (--base-url or site.base_url): sitemap.xml needs absolute URLs, \
                 so it is skipped"
            .to_string(),
    };
    Ok(((), detail))
}

fn check(dir: &std::path::Path) -> Result<((), String)> {
    let report = site::check::check_dir(dir)?;
    if !report.errors.is_empty() {
        bail!(
            "the built site failed the check ({} problems): {}",
            report.errors.len(),
            report
                .errors
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
    let detail = format!(
        "{} pages, {} files, {} links: all resolve, all pages reachable",
        report.pages, report.files, report.links
    );
    Ok(((), detail))
}

/// A signal waits for the two renames to finish.
fn swap(staged: &mut StagedDir, out_dir: &std::path::Path) -> Result<((), String)> {
    signals::swapping(true);
    let r = staged.swap_in();
    signals::swapping(false);
    r?;
    Ok(((), format!("{} is now the new site", out_dir.display())))
}

/// Ctrl-C / SIGTERM during a build: delete the staging folder and exit, leaving the previous
/// output as it was; during the swap (two renames) the signal waits for it to finish.
mod signals {
    use std::path::{Path, PathBuf};
    use std::sync::{Mutex, Once};

    static STATE: Mutex<(Option<PathBuf>, bool)> = Mutex::new((None, false));

    pub(super) fn arm(staging: &Path) {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            let _ = ctrlc::set_handler(|| {
                let guard = STATE.lock().unwrap_or_else(|e| e.into_inner());
                if guard.1 {
                    // Swapping: let it finish; the build ends right after.
                    return;
                }
                if let Some(p) = &guard.0 {
                    let _ = std::fs::remove_dir_all(p);
                }
                eprintln!("error: interrupted; the previous output is unchanged");
                std::process::exit(130);
            });
        });
        STATE.lock().unwrap_or_else(|e| e.into_inner()).0 = Some(staging.to_path_buf());
    }

    pub(super) fn swapping(on: bool) {
        STATE.lock().unwrap_or_else(|e| e.into_inner()).1 = on;
    }

    pub(super) fn disarm() {
        *STATE.lock().unwrap_or_else(|e| e.into_inner()) = (None, false);
    }
}
