//! The build pipeline, with one owner (zola's `Site::build` style): config → load → regions
//! (derive + render + write, per region in parallel) → pages → check → swap. Each stage is
//! timed and logged. The site is written into a staging folder beside the output folder and
//! swapped in only when everything, including the check, succeeded, so a failed build leaves
//! the previous output exactly as it was.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::config::Config;
use crate::diag::{Diagnostics, SharedDiagnostics};
use crate::heatmap::HeatmapOptions;
use crate::progress::Reporter;
use crate::site::{self, writer::Output};

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
    pub warnings: Vec<String>,
    pub notes: Vec<String>,
    pub stages: Vec<(String, Duration)>,
    pub total: Duration,
}

/// Removes the staging folder unless the build reached the swap (also on panic).
struct Staging {
    path: PathBuf,
    keep: bool,
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

fn sibling(out: &Path, tag: &str) -> Result<PathBuf> {
    let name = out
        .file_name()
        .with_context(|| format!("output folder {} has no name", out.display()))?
        .to_string_lossy()
        .into_owned();
    Ok(out.with_file_name(format!(".{name}.{tag}-{}", std::process::id())))
}

/// Deletes staging/old folders left by a build that was killed.
fn remove_leftovers(out: &Path) {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return;
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let prefixes = [
        format!(".{}.staging-", name.to_string_lossy()),
        format!(".{}.old-", name.to_string_lossy()),
    ];
    if let Ok(rd) = std::fs::read_dir(parent) {
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if prefixes.iter().any(|p| n.starts_with(p)) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// Runs the whole build.
pub fn run(opts: &BuildOptions) -> Result<BuildSummary> {
    let cfg = &opts.config;
    cfg.validate()?;
    let threads = cfg.build.jobs.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    pool.install(|| run_in_pool(opts))
}

fn run_in_pool(opts: &BuildOptions) -> Result<BuildSummary> {
    let cfg = &opts.config;
    let mut rep = Reporter::new(opts.quiet);
    let mut diag = Diagnostics::default();
    let out_dir = cfg.build.out.clone();
    remove_leftovers(&out_dir);
    let staging_path = sibling(&out_dir, "staging")?;
    let mut staging = Staging {
        path: staging_path.clone(),
        keep: false,
    };
    let tera = site::templates(cfg.site.templates.as_deref())?;

    let ds = rep.stage("load", |_| {
        let ds = crate::data::load(&cfg.build.data, &mut diag)?;
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
    })?;

    let out = Output::new(&staging_path)?;
    let shared = SharedDiagnostics::default();
    let hm_opts = HeatmapOptions {
        scopes: cfg.build.scopes.clone(),
        frame_step: cfg.build.frame_step,
    };
    let heat = rep.stage("heatmaps", |_| {
        let idx = crate::heatmap::render_all(&ds, &hm_opts, &out, &shared)?;
        let bytes: usize = idx.animations.iter().map(|a| a.gif_bytes).sum();
        let detail = format!(
            "{} animations in {} scopes ({} frames, {:.1} MB of GIF)",
            idx.animations.len(),
            idx.scopes.len(),
            idx.animations.iter().map(|a| a.frames).sum::<usize>(),
            bytes as f64 / 1e6
        );
        Ok((idx, detail))
    })?;
    {
        let d = shared.0.into_inner().expect("diagnostics lock");
        diag.warnings.extend(d.warnings);
        diag.notes.extend(d.notes);
    }
    let mut sections = vec!["regions/index.html", "about/index.html"];
    if !heat.animations.is_empty() {
        sections.push("heatmaps/index.html");
    }
    let nav = site::nav(&sections);
    let rs = site::regions::RegionSettings {
        site_title: &cfg.site.title,
        nav: &nav,
        window: cfg.measures.window,
        per_capita: cfg.measures.per_capita,
    };
    let summaries = rep.stage("regions", |rep| {
        let bar = rep.bar(ds.regions.len() as u64, "regions");
        let s = site::regions::build_all(&ds, &rs, &tera, &out, &bar)?;
        bar.finish_and_clear();
        let files = out.files().len();
        Ok((
            s,
            format!(
                "{} region pages with charts and CSVs ({files} files)",
                ds.regions.len()
            ),
        ))
    })?;

    let ps = site::pages::PageSettings {
        site_title: &cfg.site.title,
        nav: &nav,
        window: cfg.measures.window,
        per_capita: cfg.measures.per_capita,
    };
    rep.stage("pages", |rep| {
        site::heatmaps::write_all(&heat, &cfg.site.title, &nav, &tera, &out)?;
        let mut extra = tera::Context::new();
        if let Some(f) = site::heatmaps::featured(&heat) {
            extra.insert("featured", f);
            extra.insert("featured_page", &site::heatmaps::page_path(f));
        }
        extra.insert("heat_scopes", &heat.scopes);
        site::regions::write_index(&ds, &rs, &tera, &out)?;
        out.write(
            "data/regions.json",
            site::regions::regions_json(&ds)?.as_bytes(),
        )?;
        site::pages::write_static(&out)?;
        site::pages::write_index(&ds, &summaries, &ps, &tera, &out, &extra)?;
        site::pages::write_about(&ds, &ps, &tera, &out, &extra)?;
        site::pages::write_404(&ps, &tera, &out)?;
        match &cfg.site.base_url {
            Some(base) => site::pages::write_sitemap(&out, base)?,
            None => {
                site::pages::write_robots(&out)?;
                rep.log(
                    "note: no base URL (--base-url or site.base_url): sitemap.xml needs absolute URLs, so it is skipped",
                );
            }
        }
        Ok((
            (),
            "overview, heat-map explorer, about, 404, regions index, regions.json".to_string(),
        ))
    })?;

    rep.stage("check", |_| {
        let report = site::check::check_dir(&staging_path)?;
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
        Ok((
            (),
            format!(
                "{} pages, {} files, {} links: all resolve, all pages reachable",
                report.pages, report.files, report.links
            ),
        ))
    })?;

    if opts.strict && !diag.warnings.is_empty() {
        bail!(
            "--strict: {} warning(s): {}",
            diag.warnings.len(),
            diag.warnings.join("; ")
        );
    }

    rep.stage("swap", |_| {
        swap_in(&staging_path, &out_dir)?;
        staging.keep = true;
        Ok(((), format!("{} is now the new site", out_dir.display())))
    })?;

    let manifest = out.manifest();
    Ok(BuildSummary {
        out: out_dir,
        regions: ds.regions.len(),
        pages: manifest.keys().filter(|k| k.ends_with(".html")).count(),
        files: manifest.len(),
        bytes: out.total_bytes(),
        warnings: diag.warnings,
        notes: diag.notes,
        stages: rep.stages().to_vec(),
        total: rep.elapsed(),
    })
}

/// Replaces `out` by `staging` with two renames; the old tree is deleted afterwards.
fn swap_in(staging: &Path, out: &Path) -> Result<()> {
    if out.exists() {
        let old = sibling(out, "old")?;
        std::fs::rename(out, &old)
            .with_context(|| format!("cannot move the previous output {} aside", out.display()))?;
        if let Err(e) = std::fs::rename(staging, out) {
            // Put the previous site back before reporting.
            let _ = std::fs::rename(&old, out);
            return Err(e).with_context(|| {
                format!("cannot move {} to {}", staging.display(), out.display())
            });
        }
        let _ = std::fs::remove_dir_all(&old);
    } else {
        if let Some(p) = out.parent()
            && !p.as_os_str().is_empty()
        {
            std::fs::create_dir_all(p).with_context(|| format!("cannot create {}", p.display()))?;
        }
        std::fs::rename(staging, out)
            .with_context(|| format!("cannot move {} to {}", staging.display(), out.display()))?;
    }
    Ok(())
}
