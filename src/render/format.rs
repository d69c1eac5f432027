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

/// Decimals by size, for [`decimal`] and the compact axis style: from the first bound `|v|`
/// reaches, that many decimals (0: a whole number). The scripts read the same table
/// (`assets/rules.js`, `formats.decimals`).
pub const DECIMALS: [(f64, usize); 3] = [(100.0, 0), (10.0, 1), (0.0, 2)];
/// Compact suffixes, largest first: from the bound, divided by it ("2.5k", "1.2M"). The
/// scripts read the same table (`formats.si`).
pub const SI: [(f64, &str); 3] = [(1e9, "B"), (1e6, "M"), (1e3, "k")];

/// The decimals [`DECIMALS`] gives `|v|`.
fn decimals_of(a: f64) -> usize {
    DECIMALS
        .iter()
        .find(|(from, _)| a >= *from)
        .map_or(DECIMALS[DECIMALS.len() - 1].1, |d| d.1)
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
    let (x, suffix) = SI
        .iter()
        .find(|(from, _)| a >= from.max(k_from))
        .map_or((v, ""), |(from, s)| (v / from, *s));
    let ax = x.abs();
    let s = match style {
        Compact::Ticks if suffix.is_empty() && x.fract() == 0.0 => format!("{x:.0}"),
        Compact::Ticks => format!("{x:.*}", decimals_of(ax)),
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
/// A derived number in a data file: hundredths at most, whole numbers without decimals,
/// empty where there is none (the smoothed values and averages of the open data).
pub fn csv_number(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let r = (v * 100.0).round() / 100.0;
    if r.fract() == 0.0 && r.abs() < 1e15 {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

pub fn decimal(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    match decimals_of(v.abs()) {
        0 => thousands(v.round() as i64),
        d => format!("{v:.d$}"),
    }
}

/// One style for a whole column of a table: the same number of decimals on every row, enough
/// for three significant digits on the smallest non-zero value (none from 100 up), thousands
/// separators throughout; whole counts never get decimals. The explorer's JS
/// (`assets/site/heatmaps.js`, `column`) uses the same rule.
pub fn column(values: &[f64]) -> Vec<String> {
    let whole = values.iter().all(|v| !v.is_finite() || v.fract() == 0.0);
    let smallest = values
        .iter()
        .filter(|v| v.is_finite() && **v != 0.0)
        .map(|v| v.abs())
        .fold(f64::INFINITY, f64::min);
    let decimals = if whole || !smallest.is_finite() {
        0
    } else {
        (2 - smallest.log10().floor() as i64).clamp(0, 8) as usize
    };
    values.iter().map(|&v| fixed(v, decimals)).collect()
}

/// `v` with `decimals` decimals and thousands separators: 12345.678, 1 → "12,345.7".
pub fn fixed(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return String::new();
    }
    // An exact tie rounds away from zero, as `decimal` and JavaScript's toFixed do (format!
    // rounds it to even: the US read 36,134 a day on the overview and 36,135 on its page).
    let exact = format!("{:.*}", decimals + 30, v.abs());
    let tail = &exact[exact.len() - 30..];
    let tie = tail.starts_with('5') && tail[1..].bytes().all(|b| b == b'0');
    let a = if tie {
        v.abs() + 0.5 * 10f64.powi(-(decimals as i32))
    } else {
        v.abs()
    };
    let s = format!("{:.*}", decimals, a);
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let int: i64 = int.parse().unwrap_or(0);
    let mut out = thousands(int);
    if v < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.insert(0, '-');
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// A count with its noun, singular for exactly one: "1 day", "2 days", "1,234 regions".
pub fn count(n: i64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// The noun for a (possibly fractional) quantity, singular only for exactly 1: "1 day",
/// "2.5 days".
pub fn noun(x: f64, one: &'static str, many: &'static str) -> &'static str {
    if x == 1.0 { one } else { many }
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
    fn one_style_per_column() {
        assert_eq!(column(&[1234.0, 5.0]), vec!["1,234", "5"]);
        assert_eq!(column(&[1234.56, 152.2]), vec!["1,235", "152"]);
        assert_eq!(column(&[1234.56, 15.26]), vec!["1,234.6", "15.3"]);
        assert_eq!(column(&[12.0, 0.456]), vec!["12.000", "0.456"]);
        assert_eq!(column(&[0.0456, 0.0123]), vec!["0.0456", "0.0123"]);
        assert_eq!(fixed(-1234.5, 1), "-1,234.5");
        // An exact tie rounds away from zero, like `decimal` (the US: 36,134.5 a day).
        assert_eq!(fixed(36134.5, 0), "36,135");
        assert_eq!(fixed(0.125, 2), "0.13");
        assert_eq!(fixed(0.9994999999999999, 3), "0.999");
        assert_eq!(fixed(-0.001, 1), "0.0");
    }

    #[test]
    fn plurals() {
        assert_eq!(count(1, "day", "days"), "1 day");
        assert_eq!(count(0, "day", "days"), "0 days");
        assert_eq!(count(3142, "region", "regions"), "3,142 regions");
        assert_eq!(noun(2.5, "day", "days"), "days");
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
