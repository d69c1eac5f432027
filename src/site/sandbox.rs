//! `sandbox/`: the SIR epidemic sandbox pages. Sandbox 1 (`sandbox/index.html`) compares two
//! constant scenarios picked from the precomputed grid d ∈ 1..28 days × r ∈ 0..8 (step 0.5);
//! sandbox 2 (`sandbox/scenarios.html`) shows time-varying scenarios: presets plus
//! `[[sandbox.scenarios]]` from the config. The model is `crate::sandbox`; this module only
//! runs it, draws and writes.

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;

use super::{Site, interact, pictures, script_json};
use crate::config::SandboxScenario;
use crate::data::{Slugs, slug};
use crate::render::chart::{self, Chart, Panel, Trace};
use crate::render::format::{noun, thousands};
use crate::sandbox::{self as model, Run, Step, Summary};

const GRID_W: u32 = 400;
const GRID_H: u32 = 230;
/// Height of a grid chart in the phone layout (its legend takes two rows there).
const GRID_PHONE_H: u32 = 270;
const SC_W: u32 = 720;
const SC_H: u32 = 300;
/// Height of a scenario chart in the phone layout (`site::pictures`).
const SC_PHONE_H: u32 = 300;
const GREY: plotters::style::RGBColor = plotters::style::RGBColor(160, 160, 160);

/// The grid of sandbox 1: r = 0, 0.5, …, 8 and d = 1, …, 28.
pub(crate) fn grid_r() -> Vec<f64> {
    (0..=16).map(|k| f64::from(k) * 0.5).collect()
}
pub(crate) fn grid_d() -> Vec<u32> {
    (1..=28).collect()
}

/// `2`, `2.5`: numbers as written in keys, tables and labels.
fn num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A share in percent, the number kept with its "%" (a no-break space between them).
fn pct(x: f64) -> String {
    format!("{:.1}\u{a0}%", x / model::N * 100.0)
}

fn people(x: f64) -> String {
    format!("{} ({})", thousands(x.round() as i64), pct(x))
}

/// X-axis lengths (days) of the grid charts. Each grid run is drawn for every horizon at
/// least as long as itself, so two scenarios side by side can always be shown on the same
/// axes: the shorter of the horizons that fits both (y is 0 … N for every run).
pub(crate) const HORIZONS: [usize; 3] = [100, 300, 1500];

/// The shortest horizon that shows a whole run.
pub(crate) fn horizon(run_days: usize) -> usize {
    HORIZONS
        .into_iter()
        .find(|&h| h >= run_days)
        .unwrap_or(HORIZONS[HORIZONS.len() - 1])
}

fn sir_image(key: &str, horizon: usize) -> String {
    format!("img/sir-{key}-h{horizon}.svg")
}

fn days_text(d: f64) -> String {
    format!("{} {}", num(d), noun(d, "day", "days"))
}

fn sir_chart<'a>(
    title: String,
    (w, h): (u32, u32),
    days: usize,
    run: &'a Run,
    extra: Option<Trace<'a>>,
    markers: Vec<(usize, String)>,
) -> Chart<'a> {
    let mut lines = vec![
        Trace {
            label: "susceptible",
            values: &run.s,
            color: chart::LINES[0],
        },
        Trace {
            label: "infected",
            values: &run.i,
            color: chart::LINES[1],
        },
        Trace {
            label: "recovered",
            values: &run.r,
            color: chart::LINES[2],
        },
    ];
    lines.extend(extra);
    Chart {
        phone: false,
        width: w,
        height: h,
        start: chrono::NaiveDate::from_ymd_opt(2020, 1, 1).expect("valid date"),
        days,
        panels: vec![Panel {
            title,
            lines,
            markers,
            x_days: true,
            end_labels: true,
            x_desc: "day".into(),
            ..Default::default()
        }],
    }
}

fn end_text(run: &Run) -> String {
    if run.burnt_out {
        format!(
            "Over on day {}: fewer than {} infected.",
            thousands(run.days() as i64),
            num(model::BURNT_OUT)
        )
    } else {
        format!(
            "Still {} infected on day {}, where the run stops.",
            num((run.i.last().copied().unwrap_or(0.0) * 10.0).round() / 10.0),
            thousands(run.days() as i64)
        )
    }
}

#[derive(Serialize)]
struct GridView {
    r: String,
    d: String,
    days: String,
    peak: String,
    peak_day: String,
    total: String,
    end: String,
    /// `data-hover` of the chart at the view's own horizon (see `site::interact`); left out
    /// of the page's JSON when `hover_template` filled with `key` and `x_hi` gives the same
    /// text.
    #[serde(skip_serializing_if = "String::is_empty")]
    hover: String,
    /// The last day on the x axis of that chart, as written in `hover` (the page fills the
    /// template with the shared horizon, `{max:h}`, instead).
    #[serde(skip)]
    x_hi: String,
    /// The shortest horizon that shows the whole run (image `sir-KEY-hH.svg`).
    h: usize,
}

fn grid_view(r: f64, d: u32, s: &Summary, run: &Run) -> GridView {
    GridView {
        h: horizon(run.days()),
        r: num(r),
        d: days_text(f64::from(d)),
        days: format!(
            "{} {}",
            thousands(s.days as i64),
            noun(s.days as f64, "day", "days")
        ),
        peak: people(s.peak),
        peak_day: format!("day {}", s.peak_day),
        total: people(s.total),
        end: end_text(run),
        hover: String::new(),
        x_hi: String::new(),
    }
}

/// The full `data-hover` of a grid view drawn at horizon `h` (the image both sides share).
fn view_hover(tpl: &str, key: &str, v: &GridView, h: usize) -> String {
    let x_hi = serde_json::to_string(&(h as f64)).expect("a number serializes");
    if v.hover.is_empty() {
        tpl.replace("{key}", key).replace("{x_hi}", &x_hi)
    } else {
        v.hover.replace(
            &format!("\"x_hi\":{},", v.x_hi),
            &format!("\"x_hi\":{x_hi},"),
        )
    }
}

/// Sandbox 1's 476 charts differ in their `data-hover` only by the run's file name and its
/// number of days: one template for all (`{key}`, `{x_hi}` filled by switch.js) instead of
/// 476 copies in the page. Views that differ otherwise keep their own text, and then the
/// template is the plain `{hover}`.
fn hover_template(views: &mut [(String, GridView, f64)]) -> String {
    let Some((k0, v0, _)) = views.first() else {
        return String::new();
    };
    let fill = |t: &str, k: &str, x: &str| t.replace("{key}", k).replace("{x_hi}", x);
    let tpl = v0
        .hover
        .replace(&format!("sandbox/sir-{k0}\""), "sandbox/sir-{key}\"")
        .replace(&format!("\"x_hi\":{},", v0.x_hi), "\"x_hi\":{x_hi},");
    if views
        .iter()
        .all(|(k, v, _)| fill(&tpl, k, &v.x_hi) == v.hover)
    {
        for (_, v, _) in views.iter_mut() {
            v.hover.clear();
        }
        tpl
    } else {
        "{hover}".into()
    }
}

fn grid_key(r: f64, d: u32) -> String {
    format!("r{}-d{d}", num(r))
}

#[derive(Serialize)]
struct GridCell {
    href: String,
    text: String,
    label: String,
}

#[derive(Serialize)]
struct GridRow {
    d: u32,
    cells: Vec<GridCell>,
}

#[derive(Serialize)]
struct Side {
    name: &'static str,
    title: &'static str,
    key: String,
    r: String,
    d: String,
    view: GridView,
}

#[derive(Serialize)]
struct StepRow {
    day: u32,
    r: String,
    d: String,
    beta: String,
    gamma: String,
}

#[derive(Serialize)]
struct ScenarioCtx {
    id: String,
    name: String,
    about: String,
    from_config: bool,
    src: String,
    alt: String,
    steps: Vec<StepRow>,
    peak: String,
    peak_day: String,
    total: String,
    end: String,
    base_total: String,
    base_peak: String,
    hover: String,
}

/// The preset time-varying scenarios of sandbox 2.
pub(crate) fn presets() -> Vec<(String, String, Vec<Step>)> {
    let st = |day, r, d| Step { day, r, d };
    vec![
        (
            "Lockdown on day 30, reopening on day 90".into(),
            "An epidemic with r = 2.5 is brought below 1 by a lockdown on day 30; on day 90 everything reopens and a second wave follows, because most people are still susceptible.".into(),
            vec![st(0, 2.5, 7.0), st(30, 0.8, 7.0), st(90, 2.5, 7.0)],
        ),
        (
            "Early lockdown (day 15 to 75)".into(),
            "A lockdown of 60 days (r from 2.5 down to 0.7, then a partial reopening at r = 1.8), started early: the first wave stays tiny, but with almost everyone still susceptible the reopening brings a large second wave.".into(),
            vec![st(0, 2.5, 7.0), st(15, 0.7, 7.0), st(75, 1.8, 7.0)],
        ),
        (
            "Late lockdown (day 30 to 90)".into(),
            "The same lockdown, started 15 days later: the first wave is bigger and the second smaller, and fewer people are infected in all because more are already immune at the reopening.".into(),
            vec![st(0, 2.5, 7.0), st(30, 0.7, 7.0), st(90, 1.8, 7.0)],
        ),
        (
            "Testing and isolation from day 30".into(),
            "From day 30 infected people are found and isolated after 5 instead of 10 days: d halves, and with the same contacts per day r halves too (2.5 → 1.25).".into(),
            vec![st(0, 2.5, 10.0), st(30, 1.25, 5.0)],
        ),
    ]
}

/// Writes sandbox 1 and 2. Returns (grid images, scenarios).
pub(crate) fn build(site: &Site) -> Result<(usize, usize)> {
    let n_grid = write_grid(site)?;
    let n_scenarios = write_scenarios(site, &site.config.sandbox.scenarios)?;
    Ok((n_grid, n_scenarios))
}

/// Sandbox 1: the grid's images (rendered in parallel) and the page comparing two of them.
/// Returns the number of grid runs.
fn write_grid(site: &Site) -> Result<usize> {
    let rs = grid_r();
    let ds = grid_d();
    let cells: Vec<(f64, u32)> = ds
        .iter()
        .flat_map(|&d| rs.iter().map(move |&r| (r, d)))
        .collect();
    let mut views: Vec<(String, GridView, f64)> = cells
        .par_iter()
        .map(|&(r, d)| grid_image(site, r, d))
        .collect::<Result<_>>()?;
    let hover_tpl = hover_template(&mut views);
    let index: std::collections::BTreeMap<&str, &GridView> =
        views.iter().map(|(k, v, _)| (k.as_str(), v)).collect();
    let share: std::collections::BTreeMap<&str, f64> =
        views.iter().map(|(k, _, p)| (k.as_str(), *p)).collect();
    let rows: Vec<GridRow> = ds
        .iter()
        .map(|&d| GridRow {
            d,
            cells: rs.iter().map(|&r| grid_cell(&index, r, d)).collect(),
        })
        .collect();
    let mut sides = [
        side("a", "Scenario A", (2.5, 7)),
        side("b", "Scenario B", (1.5, 7)),
    ];
    let shared_h = sides.iter().map(|s| s.view.h).max().unwrap_or(HORIZONS[0]);
    for s in &mut sides {
        s.view.hover = view_hover(&hover_tpl, &s.key, index[s.key.as_str()], shared_h);
    }
    let r_opts: Vec<(String, String)> = rs
        .iter()
        .map(|&r| (format!("r{}", num(r)), num(r)))
        .collect();
    let d_opts: Vec<(String, String)> = ds
        .iter()
        .map(|&d| (format!("d{d}"), days_text(f64::from(d))))
        .collect();
    let rel = "sandbox/index.html";
    let mut ctx = site.context(rel, "Epidemic sandbox", rel);
    ctx.insert(
        "description",
        "An SIR epidemic sandbox: compare two epidemics with different reproduction numbers and infectious periods",
    );
    ctx.insert("sides", &sides);
    // switch.js fills `{max:h}` with the horizon both sides are drawn at.
    ctx.insert("hover_tpl", &hover_tpl.replace("{x_hi}", "{max:h}"));
    ctx.insert("r_opts", &r_opts);
    ctx.insert("d_opts", &d_opts);
    ctx.insert("r_values", &rs.iter().map(|&r| num(r)).collect::<Vec<_>>());
    ctx.insert("rows", &rows);
    ctx.insert("shares", &shares(&share, &rs, &ds));
    ctx.insert("shared_h", &shared_h);
    ctx.insert("views_json", &script_json(&index)?);
    ctx.insert("width", &GRID_W);
    ctx.insert("height", &GRID_H);
    ctx.insert("phone_width", &chart::PHONE_W);
    ctx.insert("phone_height", &GRID_PHONE_H);
    ctx.insert("phone_media", pictures::PHONE_MEDIA);
    ctx.insert("n", &thousands(model::N as i64));
    ctx.insert("steps_per_day", &model::STEPS_PER_DAY);
    ctx.insert("max_days", &thousands(i64::from(model::MAX_DAYS)));
    ctx.insert("burnt_out", &num(model::BURNT_OUT));
    ctx.insert("n_grid", &cells.len());
    site.write_page(rel, "sandbox.html", &ctx)?;
    Ok(cells.len())
}

/// One cell of the scenario grid: the day of the infected peak (it depends on r and d),
/// linking to the run's chart; the visible number starts its accessible name.
fn grid_cell(index: &std::collections::BTreeMap<&str, &GridView>, r: f64, d: u32) -> GridCell {
    let key = grid_key(r, d);
    let v = index[key.as_str()];
    GridCell {
        href: sir_image(&key, v.h),
        text: v.peak_day.trim_start_matches("day ").to_string(),
        label: format!(
            "r = {}, d = {d}: infected peak on {}, {} ever infected",
            num(r),
            v.peak_day,
            v.total
        ),
    }
}

/// The share ever infected (%) for each r: the same for every d (rounded), so one row; a
/// range if some d differed.
fn shares(share: &std::collections::BTreeMap<&str, f64>, rs: &[f64], ds: &[u32]) -> Vec<String> {
    rs.iter()
        .map(|&r| {
            let texts: std::collections::BTreeSet<String> = ds
                .iter()
                .map(|&d| format!("{:.0}", share[grid_key(r, d).as_str()]))
                .collect();
            let first = texts.first().cloned().unwrap_or_default();
            match texts.last() {
                Some(last) if *last != first => format!("{first}–{last}"),
                _ => first,
            }
        })
        .collect()
}

/// One run of the grid: its images (one per horizon at least as long as the run), its
/// texts and the share of people ever infected (%).
fn grid_image(site: &Site, r: f64, d: u32) -> Result<(String, GridView, f64)> {
    let run = model::simulate(&model::constant(r, f64::from(d)));
    let s = run.summary();
    let key = grid_key(r, d);
    let mut view = grid_view(r, d, &s, &run);
    let data = format!("sandbox/sir-{key}");
    site.output.write(
        &interact::data_path(&data),
        interact::sir_script(&data, &run, None).as_bytes(),
    )?;
    for h in HORIZONS.into_iter().filter(|&h| h >= view.h) {
        let c = sir_chart(
            format!("r = {}, d = {}", num(r), days_text(f64::from(d))),
            (GRID_W, GRID_H),
            h + 1,
            &run,
            None,
            Vec::new(),
        );
        let drawn = pictures::write(
            site.output,
            "sandbox",
            &sir_image(&key, h),
            &c,
            GRID_PHONE_H,
        )?;
        if h == view.h {
            let series = interact::series_of(&c, &data, &[&["s", "i", "r"]]);
            view.hover = interact::picture_hover(&c, &drawn, &series);
            view.x_hi = serde_json::to_string(&drawn.geom[0].x_hi)?;
        }
    }
    Ok((key, view, s.total / model::N * 100.0))
}

/// One side of the comparison as the page starts.
fn side(name: &'static str, title: &'static str, (r, d): (f64, u32)) -> Side {
    let run = model::simulate(&model::constant(r, f64::from(d)));
    let key = grid_key(r, d);
    Side {
        name,
        title,
        r: format!("r{}", num(r)),
        d: format!("d{d}"),
        view: grid_view(r, d, &run.summary(), &run),
        key,
    }
}

/// A time-varying scenario: name, what it shows, its steps, and whether the config made it.
struct Scenario {
    name: String,
    about: String,
    steps: Vec<Step>,
    from_config: bool,
}

/// Sandbox 2: presets, then the config's scenarios. Returns the number of scenarios.
fn write_scenarios(site: &Site, config: &[SandboxScenario]) -> Result<usize> {
    let mut all: Vec<Scenario> = presets()
        .into_iter()
        .map(|(name, about, steps)| Scenario {
            name,
            about,
            steps,
            from_config: false,
        })
        .collect();
    all.extend(config.iter().map(|sc| {
        Scenario {
            name: sc.name.clone(),
            about: "A scenario defined in seecovid.toml.".into(),
            steps: sc
                .steps
                .iter()
                .map(|s| Step {
                    day: s.day,
                    r: s.r,
                    d: s.d,
                })
                .collect(),
            from_config: true,
        }
    }));
    let mut slugs = Slugs::default();
    let scenarios: Vec<ScenarioCtx> = all
        .iter()
        .map(|sc| scenario(site, sc, slugs.unique(&slug(&sc.name))))
        .collect::<Result<_>>()?;
    let rel = "sandbox/scenarios.html";
    let mut ctx = site.context(
        rel,
        "Epidemic sandbox: scenarios that change",
        "sandbox/index.html",
    );
    ctx.insert(
        "description",
        "SIR epidemic scenarios with lockdowns and reopenings",
    );
    ctx.insert("scenarios", &scenarios);
    ctx.insert("width", &SC_W);
    ctx.insert("height", &SC_H);
    ctx.insert("phone_width", &chart::PHONE_W);
    ctx.insert("phone_height", &SC_PHONE_H);
    ctx.insert("phone_media", pictures::PHONE_MEDIA);
    ctx.insert("n", &thousands(model::N as i64));
    site.write_page(rel, "sandbox_scenarios.html", &ctx)?;
    Ok(scenarios.len())
}

/// Runs one scenario and its unchanged epidemic, draws both, and describes them.
fn scenario(site: &Site, sc: &Scenario, id: String) -> Result<ScenarioCtx> {
    let (name, steps) = (&sc.name, &sc.steps);
    let run = model::simulate(steps);
    let base = model::simulate(&steps[..1]);
    let s = run.summary();
    let b = base.summary();
    // The unchanged epidemic over the same days; after it burnt out it stays at its last
    // (tiny) value.
    let mut base_i: Vec<f64> = base.i.clone();
    let last = base_i.last().copied().unwrap_or(0.0);
    base_i.resize(run.s.len(), last);
    base_i.truncate(run.s.len());
    let markers: Vec<(usize, String)> = steps[1..]
        .iter()
        .map(|x| (x.day as usize, format!("day {}", x.day)))
        .collect();
    let c = sir_chart(
        name.clone(),
        (SC_W, SC_H),
        run.s.len(),
        &run,
        Some(Trace {
            label: "infected, no change",
            values: &base_i,
            color: GREY,
        }),
        markers,
    );
    let src = format!("img/scenario-{id}.svg");
    let drawn = pictures::write(site.output, "sandbox", &src, &c, SC_PHONE_H)?;
    let data = format!("sandbox/scenario-{id}");
    site.output.write(
        &interact::data_path(&data),
        interact::sir_script(&data, &run, Some(&base_i)).as_bytes(),
    )?;
    let series = interact::series_of(&c, &data, &[&["s", "i", "r", "i0"]]);
    let hover = interact::picture_hover(&c, &drawn, &series);
    Ok(ScenarioCtx {
        alt: scenario_alt(name, steps, &s, &b),
        id,
        name: name.clone(),
        about: sc.about.clone(),
        from_config: sc.from_config,
        src,
        steps: steps
            .iter()
            .map(|x| StepRow {
                day: x.day,
                r: num(x.r),
                d: num(x.d),
                beta: format!("{:.3}", x.r / x.d),
                gamma: format!("{:.3}", 1.0 / x.d),
            })
            .collect(),
        peak: people(s.peak),
        peak_day: format!("day {}", s.peak_day),
        total: people(s.total),
        end: end_text(&run),
        base_total: people(b.total),
        base_peak: format!("{} on day {}", people(b.peak), b.peak_day),
        hover,
    })
}

/// The alt text of a scenario's chart: its steps, peak and total against the unchanged run.
fn scenario_alt(name: &str, steps: &[Step], s: &Summary, b: &Summary) -> String {
    let changes: Vec<String> = steps[1..]
        .iter()
        .map(|x| format!("day {}: r = {}, d = {}", x.day, num(x.r), days_text(x.d)))
        .collect();
    format!(
        "Line chart of the SIR model for the scenario “{name}” over {} days: susceptible, infected and recovered people out of {}, starting with r = {} and d = {}{}{}. Infected peak at {} on day {}; {} ever infected, against {} without the changes (grey line).",
        thousands(s.days as i64),
        thousands(model::N as i64),
        num(steps[0].r),
        days_text(steps[0].d),
        if changes.is_empty() {
            ""
        } else {
            "; dashed lines mark the changes on "
        },
        changes.join("; "),
        people(s.peak),
        s.peak_day,
        people(s.total),
        people(b.total),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_is_476_scenarios_with_stable_keys() {
        assert_eq!(grid_r().len() * grid_d().len(), 476);
        assert_eq!(grid_key(2.5, 7), "r2.5-d7");
        assert_eq!(grid_key(0.0, 28), "r0-d28");
        assert_eq!(num(8.0), "8");
        assert_eq!(num(1.25), "1.25");
    }
}
