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
use crate::site::{
    self,
    writer::{Manifest, Output, key_of},
};

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
            // Killed between the two renames of a swap: the old tree is the site; put it back.
            if n.starts_with(&prefixes[1]) && !out.exists() {
                let _ = std::fs::rename(e.path(), out);
                continue;
            }
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
    let sources = site::template_sources(cfg.site.templates.as_deref())?;
    let tera = site::templates(&sources)?;
    let version = binary_version();
    let data_fp = data_fingerprint(&cfg.build.data)?;
    let fingerprint = build_fingerprint(&version, &data_fp, cfg, &sources)?;
    let prev = if opts.force {
        None
    } else {
        Manifest::read(&out_dir)
    };
    if let Some(p) = &prev
        && p.fingerprint == fingerprint
        && p.files.keys().all(|f| out_dir.join(f).is_file())
    {
        rep.log(format!(
            "{} is up to date (same data, config, templates and binary): nothing to do",
            out_dir.display()
        ));
        return Ok(BuildSummary {
            out: out_dir,
            regions: 0,
            pages: p.files.keys().filter(|k| k.ends_with(".html")).count(),
            files: p.files.len(),
            bytes: p.files.values().map(|r| r.bytes).sum(),
            written: 0,
            reused: 0,
            up_to_date: true,
            warnings: diag.warnings,
            notes: diag.notes,
            stages: rep.stages().to_vec(),
            total: rep.elapsed(),
        });
    }
    signals::arm(&staging_path);

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

    // Config groups name region ids: check them before the long stages.
    let groups = site::compare::resolve_groups(&ds, &cfg.compare.groups)?;

    let out = Output::new(&staging_path, &out_dir, prev)?;
    let shared = SharedDiagnostics::default();
    let hm_opts = HeatmapOptions {
        scopes: cfg.build.scopes.clone(),
        frame_step: cfg.build.frame_step,
    };
    let heat = rep.stage("heatmaps", |_| {
        let key = key_of(&[
            version.as_bytes(),
            data_fp.as_bytes(),
            &hm_opts.frame_step.to_le_bytes(),
            hm_opts.scopes.join(",").as_bytes(),
        ]);
        let (meta, rebuilt) = out.unit("heatmaps", &key, || {
            let idx = crate::heatmap::render_all(&ds, &hm_opts, &out, &shared)?;
            let files = idx
                .animations
                .iter()
                .flat_map(|a| [a.gif.clone(), a.poster.clone(), a.csv.clone()])
                .collect();
            Ok((serde_json::to_string(&idx)?, files))
        })?;
        let idx: crate::heatmap::HeatmapIndex = serde_json::from_str(&meta)
            .context("the previous build's heat-map index is unreadable (use --force)")?;
        let bytes: usize = idx.animations.iter().map(|a| a.gif_bytes).sum();
        let detail = format!(
            "{} animations in {} scopes ({} frames, {:.1} MB of GIF)",
            idx.animations.len(),
            idx.scopes.len(),
            idx.animations.iter().map(|a| a.frames).sum::<usize>(),
            bytes as f64 / 1e6
        ) + if rebuilt { "" } else { ", unchanged" };
        Ok((idx, detail))
    })?;
    {
        let d = shared.0.into_inner().expect("diagnostics lock");
        diag.warnings.extend(d.warnings);
        diag.notes.extend(d.notes);
    }
    let mut sections = vec![
        "regions/index.html",
        "compare/index.html",
        "sandbox/index.html",
        "about/index.html",
    ];
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
        let s = site::regions::build_all(&ds, &rs, &tera, &out, &bar, &version)?;
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
        out.write(
            "data/data-notes.csv",
            crate::quality::assess::notes_csv(&ds, &ds.quality).as_bytes(),
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

    rep.stage("compare", |_| {
        let cs = site::compare::CompareSettings {
            site_title: &cfg.site.title,
            nav: &nav,
            window: cfg.measures.window,
            key_base: key_of(&[version.as_bytes(), data_fp.as_bytes()]),
        };
        let (g, n) = site::compare::build(&ds, &groups, &cs, &tera, &out)?;
        Ok(((), format!("{g} groups, {n} charts")))
    })?;
    rep.stage("sandbox", |_| {
        let ss = site::sandbox::SandboxSettings {
            site_title: &cfg.site.title,
            nav: &nav,
        };
        let (n, s) = site::sandbox::build(&cfg.sandbox.scenarios, &ss, &tera, &out)?;
        Ok(((), format!("{n} grid runs, {s} time-varying scenarios")))
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

    out.finish(&fingerprint)?;
    rep.stage("swap", |_| {
        signals::swapping(true);
        let r = swap_in(&staging_path, &out_dir);
        signals::swapping(false);
        r?;
        staging.keep = true;
        Ok(((), format!("{} is now the new site", out_dir.display())))
    })?;

    let manifest = out.manifest();
    let (written, reused) = out.counts();
    signals::disarm();
    Ok(BuildSummary {
        written,
        reused,
        up_to_date: false,
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
        remove_tree(&old);
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

/// Identifies the program: its version and the running executable's size and modification
/// time, so a rebuilt binary never reuses output made by another one (reading the 30 MB
/// executable to hash it cost a tenth of a no-op rebuild).
fn binary_version() -> String {
    let meta = std::env::current_exe().and_then(std::fs::metadata).ok();
    let len = meta.as_ref().map_or(0, |m| m.len());
    let mtime = meta
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    key_of(&[
        env!("CARGO_PKG_VERSION").as_bytes(),
        &len.to_le_bytes(),
        &mtime.to_le_bytes(),
    ])
}

/// Hash of the input files' bytes.
fn data_fingerprint(dir: &Path) -> Result<String> {
    let mut parts = Vec::new();
    for stem in crate::data::ALL_INPUTS {
        let p = crate::data::csv::locate(dir, stem)?;
        parts.push(std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?);
    }
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    Ok(key_of(&refs))
}

/// Hash of everything a build depends on (the output folder and thread count excluded).
fn build_fingerprint(
    version: &str,
    data_fp: &str,
    cfg: &Config,
    templates: &[(String, String)],
) -> Result<String> {
    let mut c = cfg.clone();
    c.build.out = PathBuf::new();
    c.build.data = PathBuf::new();
    c.build.jobs = None;
    let cfg_json = serde_json::to_vec(&c)?;
    let mut parts: Vec<&[u8]> = vec![version.as_bytes(), data_fp.as_bytes(), &cfg_json];
    for (n, t) in templates {
        parts.push(n.as_bytes());
        parts.push(t.as_bytes());
    }
    Ok(key_of(&parts))
}

/// Ctrl-C / SIGTERM during a build: delete the staging folder and exit, leaving the previous
/// output as it was; during the swap (two renames) the signal waits for it to finish.
mod signals {
    use std::path::{Path, PathBuf};
    use std::sync::{Mutex, Once};

    static STATE: Mutex<(Option<PathBuf>, bool)> = Mutex::new((None, false));

    pub fn arm(staging: &Path) {
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

    pub fn swapping(on: bool) {
        STATE.lock().unwrap_or_else(|e| e.into_inner()).1 = on;
    }

    pub fn disarm() {
        *STATE.lock().unwrap_or_else(|e| e.into_inner()) = (None, false);
    }
}

/// Deletes a tree, unlinking its files in parallel (23k files one by one took seconds).
fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.into_path())
        .collect();
    files.par_iter().for_each(|f| {
        let _ = std::fs::remove_file(f);
    });
    let _ = std::fs::remove_dir_all(dir);
}
