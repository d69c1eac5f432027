//! Number formatting shared by charts, maps and pages.

/// The two compact styles: the one formatter below serves both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compact {
    /// Chart axes, compare texts, the heat-map tables (`fmt` in assets/site/heatmaps.js
    /// mirrors it): thousands from 1,000 ("2.5k"), up to two decimals below 10.
    Ticks,
    /// Heat-map legends and bars drawn into the images: thousands from 10,000 ("2500",
    /// "34.5k"), one decimal, two significant digits below 1.
    Legend,
}

/// Compact form of `v` in `style`; trailing zeros after the point dropped.
pub fn compact(v: f64, style: Compact) -> String {
    if style == Compact::Ticks && !v.is_finite() {
        return String::new();
    }
    let k_from = match style {
        Compact::Ticks => 1e3,
        Compact::Legend => 1e4,
    };
    let a = v.abs();
    let (x, suffix) = if a >= 1e9 {
        (v / 1e9, "B")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= k_from {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let ax = x.abs();
    let s = match style {
        Compact::Ticks if ax >= 100.0 || (suffix.is_empty() && x.fract() == 0.0) => {
            format!("{x:.0}")
        }
        Compact::Ticks if ax >= 10.0 => format!("{x:.1}"),
        Compact::Ticks => format!("{x:.2}"),
        Compact::Legend if ax >= 100.0 => format!("{x:.0}"),
        Compact::Legend if ax >= 1.0 || !suffix.is_empty() => format!("{x:.1}"),
        Compact::Legend if ax == 0.0 => "0".to_string(),
        Compact::Legend => {
            // Two significant digits below 1.
            let d = (-(ax.log10().floor()) as usize + 1).min(6);
            format!("{x:.d$}")
        }
    };
    format!("{}{suffix}", trim_zeros(s))
}

/// "2.50" → "2.5", "3.0" → "3"; numbers without a point are left alone.
fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Compact form for axes and texts: 950, 34.5k, 1.2M, 3B ([`Compact::Ticks`]).
pub fn si(v: f64) -> String {
    compact(v, Compact::Ticks)
}

/// Whole number with thousands separators: 1234567 → "1,234,567".
pub fn thousands(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if v < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A value with a sensible number of decimals for tables: ≥ 100 → no decimals with
/// separators; smaller values up to 2 significant decimals.
pub fn decimal(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if v.abs() >= 100.0 {
        thousands(v.round() as i64)
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact() {
        assert_eq!(si(0.0), "0");
        assert_eq!(si(950.0), "950");
        assert_eq!(si(34_500.0), "34.5k");
        assert_eq!(si(1_200_000.0), "1.2M");
        assert_eq!(si(103_802_702.0), "104M");
        assert_eq!(si(2_000.0), "2k");
        assert_eq!(si(-2_500.0), "-2.5k");
        assert_eq!(si(0.25), "0.25");
        assert_eq!(si(1e9), "1B");
    }

    #[test]
    fn separators() {
        assert_eq!(thousands(676_570_149), "676,570,149");
        assert_eq!(thousands(-1_000), "-1,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(decimal(12.345), "12.3");
        assert_eq!(decimal(1234.5), "1,235");
    }
}
