//! Makes plotters' SVG small. plotters writes every shape with all its attributes, defaults
//! included, and polygons and polylines as absolute point lists; a region's daily chart came
//! out at ~20 KB, and the ~32,000 chart files of the site at ~350 MB. Here each element is
//! rewritten without default attributes, and point lists become path data with relative
//! moves (`h1v-3` instead of `85,199 85,196 `), which halves the files. The drawing is the
//! same: the conversion is exact (integer coordinates in, integer moves out).

/// The compact form of an SVG document written by plotters' `SVGBackend`.
pub fn compact(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len() / 2);
    let mut rest = svg;
    while let Some(i) = rest.find('<') {
        // Text between tags: plotters puts the text of <text> on its own line.
        out.push_str(rest[..i].trim_matches('\n'));
        let j = rest[i..].find('>').map_or(rest.len(), |j| i + j + 1);
        tag(&rest[i..j], &mut out);
        rest = &rest[j..];
    }
    out.push_str(rest.trim_matches('\n'));
    out
}

/// One tag, rewritten into `out`.
fn tag(t: &str, out: &mut String) {
    if t.starts_with("</") || t.starts_with("<?") || t.starts_with("<!") {
        out.push_str(t);
        return;
    }
    let closed = t.ends_with("/>");
    let body = t
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim_end_matches('/');
    let (name, attrs) = body.split_once(' ').unwrap_or((body, ""));
    let attrs = parse_attrs(attrs);
    let (new_name, closes) = match name {
        "polygon" => ("path", Some(true)),
        "polyline" => ("path", Some(false)),
        other => (other, None),
    };
    out.push('<');
    out.push_str(new_name);
    if name == "svg" {
        // Inherited: every <text> then need not name the font, and lines join round (a miter
        // join at a sharp turn of a 2-px line pokes out beyond the data).
        out.push_str(" font-family=\"sans-serif\" stroke-linejoin=\"round\"");
    }
    for (k, v) in attrs {
        if is_default(name, k, v) {
            continue;
        }
        out.push(' ');
        match (k, closes) {
            ("points", Some(close)) => {
                out.push_str("d=\"");
                path_data(v, close, out);
            }
            ("font-size", _) => {
                out.push_str("font-size=\"");
                out.push_str(&round2(v));
            }
            _ => {
                out.push_str(k);
                out.push_str("=\"");
                out.push_str(v);
            }
        }
        out.push('"');
    }
    out.push_str(if closed { "/>" } else { ">" });
}

/// `key="value"` pairs (plotters escapes quotes inside values).
fn parse_attrs(s: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(eq) = rest.find("=\"") {
        let key = rest[..eq].trim();
        let after = &rest[eq + 2..];
        let end = after.find('"').unwrap_or(after.len());
        out.push((key, &after[..end]));
        rest = after.get(end + 1..).unwrap_or("");
    }
    out
}

/// Attributes that say what SVG assumes anyway.
fn is_default(tag: &str, key: &str, value: &str) -> bool {
    match (key, value) {
        ("opacity", "1") | ("stroke-width", "1") => true,
        ("stroke", "none") => tag != "svg",
        ("fill", "#000000") => tag == "text",
        ("font-family", "sans-serif") => tag == "text",
        _ => false,
    }
}

/// A font size with at most two decimals (plotters writes size / 1.24 in full precision).
fn round2(v: &str) -> String {
    match v.parse::<f64>() {
        Ok(x) => {
            let s = format!("{:.2}", x);
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        Err(_) => v.to_string(),
    }
}

/// Path data for a point list `x,y x,y …`: a move to the first point, then relative moves
/// (`h`, `v` or `l`), closed with `z` for polygons.
fn path_data(points: &str, close: bool, out: &mut String) {
    use std::fmt::Write as _;
    let mut pts = points.split_whitespace().filter_map(|p| {
        let (x, y) = p.split_once(',')?;
        Some((x.parse::<i64>().ok()?, y.parse::<i64>().ok()?))
    });
    let Some((mut x, mut y)) = pts.next() else {
        return;
    };
    let _ = write!(out, "M{x} {y}");
    for (nx, ny) in pts {
        let (dx, dy) = (nx - x, ny - y);
        let _ = match (dx, dy) {
            (0, 0) => Ok(()),
            (_, 0) => write!(out, "h{dx}"),
            (0, _) => write!(out, "v{dy}"),
            _ if dy < 0 => write!(out, "l{dx}{dy}"),
            _ => write!(out, "l{dx} {dy}"),
        };
        (x, y) = (nx, ny);
    }
    if close {
        out.push('z');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polygons_and_polylines_become_relative_paths() {
        let svg = "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">\n\
<polygon opacity=\"1\" fill=\"#9ECAE1\" points=\"1,9 3,9 3,5 4,5 4,10 1,10 \"/>\n\
<polyline fill=\"none\" opacity=\"1\" stroke=\"#085196\" stroke-width=\"2\" points=\"0,5 2,3 4,6 4,6 \"/>\n\
<text x=\"1\" y=\"2\" dy=\"0.5ex\" text-anchor=\"end\" font-family=\"sans-serif\" font-size=\"9.67741935483871\" opacity=\"1\" fill=\"#000000\">\n2.5k &amp; up\n</text>\n</svg>\n";
        assert_eq!(
            compact(svg),
            "<svg font-family=\"sans-serif\" stroke-linejoin=\"round\" width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">\
<path fill=\"#9ECAE1\" d=\"M1 9h2v-4h1v5h-3z\"/>\
<path fill=\"none\" stroke=\"#085196\" stroke-width=\"2\" d=\"M0 5l2-2l2 3\"/>\
<text x=\"1\" y=\"2\" dy=\"0.5ex\" text-anchor=\"end\" font-size=\"9.68\">2.5k &amp; up</text></svg>"
        );
    }

    #[test]
    fn font_sizes_keep_two_decimals() {
        assert_eq!(round2("12"), "12");
        assert_eq!(round2("11.290322580645162"), "11.29");
        assert_eq!(round2("12.5"), "12.5");
    }
}
