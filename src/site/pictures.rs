//! A chart as pages offer it: one SVG in the desktop layout and one in the phone layout
//! (`Chart::for_phone`), which the browser chooses between with `<picture>`. SVG rather than
//! PNG variants per width and density: text and lines stay sharp on 2× screens, the files are
//! small (see `render::chart`), and drawing one costs a fraction of rasterising and encoding a
//! PNG (docs/performance.md).

use anyhow::Result;
use serde::Serialize;

use crate::output::Output;
use crate::render::chart::{self, Chart, PanelGeom};

// One literal for the number and its media query (`concat!` takes only literals).
macro_rules! phone_max_w {
    () => {
        679
    };
}
/// Viewports up to this width get the phone layout: below 680 px the desktop layout (720 px
/// wide, in a page with 16-px margins) would be shown at less than 0.9 × its width.
pub(crate) const PHONE_MAX_W: u32 = phone_max_w!();
/// The media query of [`PHONE_MAX_W`].
pub(crate) const PHONE_MEDIA: &str = concat!("(max-width: ", phone_max_w!(), "px)");

/// What a template needs for a chart's `<picture>`: both files (relative to the page) and
/// their sizes.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize)]
pub(crate) struct Picture {
    pub(crate) src: String,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) phone_src: String,
    pub(crate) phone_width: u32,
    pub(crate) phone_height: u32,
    pub(crate) media: String,
}

/// A written chart: its picture and where the data sits in each layout (for values on hover).
pub(crate) struct Drawn {
    pub(crate) picture: Picture,
    pub(crate) geom: Vec<PanelGeom>,
    pub(crate) phone_geom: Vec<PanelGeom>,
}

/// The phone file of a desktop chart file: `img/x.svg` → `img/x-phone.svg`.
pub(crate) fn phone_src(src: &str) -> String {
    match src.strip_suffix(".svg") {
        Some(stem) => format!("{stem}-phone.svg"),
        None => format!("{src}-phone.svg"),
    }
}

/// Writes `chart` as `DIR/SRC` and its phone layout (`phone_panel_h` tall per panel) as
/// `DIR/SRC-phone.svg`, where `src` ends in `.svg` and is relative to the pages in `dir`.
pub(crate) fn write(
    out: &Output,
    dir: &str,
    src: &str,
    chart: &Chart,
    phone_panel_h: u32,
) -> Result<Drawn> {
    let phone = chart.for_phone(phone_panel_h);
    let (svg, geom) = chart::render_svg_geom(chart)?;
    let (phone_svg, phone_geom) = chart::render_svg_geom(&phone)?;
    let phone_src = phone_src(src);
    out.write(&format!("{dir}/{src}"), svg.as_bytes())?;
    out.write(&format!("{dir}/{phone_src}"), phone_svg.as_bytes())?;
    Ok(Drawn {
        picture: Picture {
            src: src.to_string(),
            width: chart.width,
            height: chart.height,
            phone_src,
            phone_width: phone.width,
            phone_height: phone.height,
            media: PHONE_MEDIA.to_string(),
        },
        geom,
        phone_geom,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_files_sit_beside_the_desktop_ones() {
        assert_eq!(
            phone_src("img/x-new-cases.svg"),
            "img/x-new-cases-phone.svg"
        );
    }
}
