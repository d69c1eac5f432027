//! Map projections and fitting projected shapes into a pixel box.
//!
//! Projections return screen-oriented coordinates (x right, y *down*), so every projection,
//! including the pre-projected US files, is fitted the same way.

use super::topojson::{Feature, Point, Ring, bbox_of};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Projection {
    /// Equal Earth (Šavrič, Patterson & Jenny 2018): equal-area, for the world map.
    EqualEarth,
    /// Albers equal-area conic on the sphere, for single countries. Degrees.
    Albers {
        lon0: f64,
        lat0: f64,
        lat1: f64,
        lat2: f64,
    },
}

impl Projection {
    /// Projects `[lon, lat]` in degrees (or passes pre-projected points through).
    pub(crate) fn project(&self, p: Point) -> Point {
        match *self {
            Projection::EqualEarth => {
                let [x, y] = equal_earth(p[0].to_radians(), p[1].to_radians());
                [x, -y]
            }
            Projection::Albers {
                lon0,
                lat0,
                lat1,
                lat2,
            } => {
                let [x, y] = albers(
                    p[0].to_radians(),
                    p[1].to_radians(),
                    lon0.to_radians(),
                    lat0.to_radians(),
                    lat1.to_radians(),
                    lat2.to_radians(),
                );
                [x, -y]
            }
        }
    }

    /// Projects every ring of `features`. For Equal Earth, rings that cross the antimeridian
    /// (world-atlas keeps Chukotka and Fiji whole) are first cut in two, else one edge would
    /// span the whole map.
    pub(crate) fn project_features(&self, features: &[Feature]) -> Vec<Feature> {
        features
            .iter()
            .map(|f| {
                f.map_rings(|r| {
                    let parts = match self {
                        Projection::EqualEarth => cut_antimeridian(r),
                        _ => vec![r.clone()],
                    };
                    parts
                        .into_iter()
                        .map(|r| r.iter().map(|&p| self.project(p)).collect())
                        .collect()
                })
            })
            .collect()
    }
}

/// Splits a lon/lat ring that jumps across ±180° into the parts east and west of it.
/// The ring is unwrapped to continuous longitudes, clipped against the meridian it crosses
/// (Sutherland–Hodgman; it handles non-convex rings, leaving at most zero-width seams along the
/// cut, which even-odd filling ignores), and the far part is shifted back by 360°.
pub(crate) fn cut_antimeridian(ring: &[Point]) -> Vec<Ring> {
    if !ring.windows(2).any(|w| (w[1][0] - w[0][0]).abs() > 180.0) {
        return vec![ring.to_vec()];
    }
    let mut u: Ring = Vec::with_capacity(ring.len());
    for &p in ring {
        let mut lon = p[0];
        if let Some(prev) = u.last() {
            while lon - prev[0] > 180.0 {
                lon -= 360.0;
            }
            while lon - prev[0] < -180.0 {
                lon += 360.0;
            }
        }
        u.push([lon, p[1]]);
    }
    let closed = u
        .first()
        .zip(u.last())
        .is_some_and(|(a, b)| (a[0] - b[0]).abs() < 1e-9);
    if !closed {
        // Encircles a pole: no simple cut; leave it (only Antarctica, which is not drawn).
        return vec![ring.to_vec()];
    }
    let (lo, hi) = u
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p[0]), hi.max(p[0]))
        });
    let m = if hi > 180.0 {
        180.0
    } else if lo < -180.0 {
        -180.0
    } else {
        return vec![u];
    };
    let shift = if m > 0.0 { -360.0 } else { 360.0 };
    let west = clip_x(&u, m, true);
    let east = clip_x(&u, m, false);
    let (inside, outside) = if m > 0.0 { (west, east) } else { (east, west) };
    let mut out = Vec::new();
    if inside.len() >= 4 {
        out.push(inside);
    }
    if outside.len() >= 4 {
        out.push(outside.into_iter().map(|p| [p[0] + shift, p[1]]).collect());
    }
    out
}

/// Keeps the part of a closed ring with `x <= m` (`keep_le`) or `x >= m`; returns a closed ring.
fn clip_x(ring: &[Point], m: f64, keep_le: bool) -> Ring {
    let inside = |p: &Point| if keep_le { p[0] <= m } else { p[0] >= m };
    let mut out: Ring = Vec::new();
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        let cross = |a: Point, b: Point| {
            let t = (m - a[0]) / (b[0] - a[0]);
            [m, a[1] + t * (b[1] - a[1])]
        };
        match (inside(&a), inside(&b)) {
            (true, true) => out.push(b),
            (true, false) => out.push(cross(a, b)),
            (false, true) => {
                out.push(cross(a, b));
                out.push(b);
            }
            (false, false) => {}
        }
    }
    if let Some(&f) = out.first() {
        out.push(f);
    }
    out
}

/// Equal Earth on the unit sphere, y up.
pub(crate) fn equal_earth(lambda: f64, phi: f64) -> Point {
    const A1: f64 = 1.340264;
    const A2: f64 = -0.081106;
    const A3: f64 = 0.000893;
    const A4: f64 = 0.003796;
    let m = 3f64.sqrt() / 2.0;
    let t = (m * phi.sin()).asin();
    let t2 = t * t;
    let t6 = t2 * t2 * t2;
    let x = lambda * t.cos() / (m * (A1 + 3.0 * A2 * t2 + t6 * (7.0 * A3 + 9.0 * A4 * t2)));
    let y = t * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
    [x, y]
}

/// Albers equal-area conic on the unit sphere (Snyder 1987, eq. 14-1 to 14-4), y up. Radians.
pub(crate) fn albers(
    lambda: f64,
    phi: f64,
    lambda0: f64,
    phi0: f64,
    phi1: f64,
    phi2: f64,
) -> Point {
    let n = (phi1.sin() + phi2.sin()) / 2.0;
    let c = phi1.cos().powi(2) + 2.0 * n * phi1.sin();
    let rho0 = (c - 2.0 * n * phi0.sin()).max(0.0).sqrt() / n;
    let rho = (c - 2.0 * n * phi.sin()).max(0.0).sqrt() / n;
    // Wrap the longitude difference so features across the antimeridian stay together.
    let mut dl = lambda - lambda0;
    if dl > std::f64::consts::PI {
        dl -= 2.0 * std::f64::consts::PI;
    } else if dl < -std::f64::consts::PI {
        dl += 2.0 * std::f64::consts::PI;
    }
    let theta = n * dl;
    [rho * theta.sin(), rho0 - rho * theta.cos()]
}

/// A uniform scale + translation from projected coordinates to pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    pub scale: f64,
    pub tx: f64,
    pub ty: f64,
}

impl Fit {
    /// Fits the bounding box `[x0, y0, x1, y1]` into a `width × height` pixel box with `pad`
    /// pixels of margin, keeping the aspect ratio, centred across and at the top: the heat
    /// maps' date sits just above the map, and a phone's crop ends where the map does.
    pub(crate) fn new(bbox: [f64; 4], width: f64, height: f64, pad: f64) -> Self {
        let (bw, bh) = (
            (bbox[2] - bbox[0]).max(1e-12),
            (bbox[3] - bbox[1]).max(1e-12),
        );
        let scale = ((width - 2.0 * pad) / bw).min((height - 2.0 * pad) / bh);
        let tx = (width - bw * scale) / 2.0 - bbox[0] * scale;
        let ty = pad - bbox[1] * scale;
        Self { scale, tx, ty }
    }

    /// Fits all points of `features`.
    pub(crate) fn to_features(features: &[Feature], width: f64, height: f64, pad: f64) -> Self {
        let b = bbox_of(features.iter().flat_map(|f| f.rings.iter().flatten()))
            .unwrap_or([0.0, 0.0, 1.0, 1.0]);
        Self::new(b, width, height, pad)
    }

    pub(crate) fn apply(&self, p: Point) -> Point {
        [self.tx + p[0] * self.scale, self.ty + p[1] * self.scale]
    }

    pub(crate) fn apply_features(&self, features: &[Feature]) -> Vec<Feature> {
        features
            .iter()
            .map(|f| f.map_rings(|r| vec![r.iter().map(|&p| self.apply(p)).collect()]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Point, b: Point, tol: f64) {
        assert!(
            (a[0] - b[0]).abs() < tol && (a[1] - b[1]).abs() < tol,
            "{a:?} != {b:?}"
        );
    }

    #[test]
    fn albers_matches_snyder_worked_example() {
        // Snyder, Map Projections: A Working Manual (1987), p. 291: sphere R = 1,
        // φ1 = 29.5°, φ2 = 45.5°, φ0 = 23°, λ0 = 96°W; 35°N 75°W → x = 0.2952720, y = 0.2416774.
        let p = Projection::Albers {
            lon0: -96.0,
            lat0: 23.0,
            lat1: 29.5,
            lat2: 45.5,
        };
        close(p.project([-75.0, 35.0]), [0.2952720, -0.2416774], 1e-6);
        // The origin projects to (0, 0).
        close(p.project([-96.0, 23.0]), [0.0, 0.0], 1e-12);
    }

    #[test]
    fn equal_earth_extent_and_cities() {
        // Equator at 180° and the pole: the map's half-width and half-height (ratio ≈ 2.05).
        close(
            equal_earth(std::f64::consts::PI, 0.0),
            [2.7066300, 0.0],
            1e-6,
        );
        close(
            equal_earth(0.0, std::f64::consts::FRAC_PI_2),
            [0.0, 1.3173628],
            1e-6,
        );
        // London and Sydney (screen-oriented: north is negative y).
        let p = Projection::EqualEarth;
        close(
            p.project([-0.1276, 51.5072]),
            [-0.0015631, -0.9651026],
            1e-6,
        );
        close(
            p.project([151.2093, -33.8688]),
            [2.0871064, 0.6646838],
            1e-6,
        );
    }

    #[test]
    fn rings_across_the_antimeridian_are_cut() {
        // A square from 170°E to 170°W (stored as -170), as world-atlas stores Chukotka.
        let ring = vec![
            [170.0, 60.0],
            [-170.0, 60.0],
            [-170.0, 70.0],
            [170.0, 70.0],
            [170.0, 60.0],
        ];
        let parts = cut_antimeridian(&ring);
        assert_eq!(parts.len(), 2);
        for p in &parts {
            assert_eq!(p.first(), p.last(), "closed");
            let (lo, hi) = p
                .iter()
                .fold((f64::MAX, f64::MIN), |(l, h), q| (l.min(q[0]), h.max(q[0])));
            assert!(hi - lo <= 10.0 + 1e-9, "each part stays on one side: {p:?}");
        }
        assert!(parts[0].iter().all(|p| p[0] >= 170.0 && p[0] <= 180.0));
        assert!(parts[1].iter().all(|p| p[0] >= -180.0 && p[0] <= -170.0));
        // Projected, no edge spans the map.
        let f = Feature {
            id: None,
            name: None,
            rings: vec![ring],
        };
        let pf = Projection::EqualEarth.project_features(&[f]);
        for r in &pf[0].rings {
            assert!(r.windows(2).all(|w| (w[1][0] - w[0][0]).abs() < 1.0));
        }
        // Ordinary rings pass through unchanged.
        let plain = vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]];
        assert_eq!(cut_antimeridian(&plain), vec![plain]);
    }

    #[test]
    fn fit_keeps_aspect_at_the_top() {
        // A 2×1 box into 100×100 with 10 px padding: scale 40, at the top.
        let f = Fit::new([0.0, 0.0, 2.0, 1.0], 100.0, 100.0, 10.0);
        assert!((f.scale - 40.0).abs() < 1e-9);
        close(f.apply([0.0, 0.0]), [10.0, 10.0], 1e-9);
        close(f.apply([2.0, 1.0]), [90.0, 50.0], 1e-9);
        // A 1×2 box: centred across.
        let f = Fit::new([0.0, 0.0, 1.0, 2.0], 100.0, 100.0, 10.0);
        close(f.apply([0.0, 0.0]), [30.0, 10.0], 1e-9);
    }
}
