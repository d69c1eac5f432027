//! Which features of a topology are neighbours. TopoJSON stores a border once, as an arc that
//! both features use, so two features that share a border have identical points: features
//! sharing at least two points share a stretch of border (one point alone is a corner).

use std::collections::HashMap;

use super::topojson::{Feature, Point};

/// For each feature, the indices of the features it shares a border with (ascending).
pub(crate) fn touching(features: &[Feature]) -> Vec<Vec<usize>> {
    let mut owners: HashMap<(u64, u64), Vec<usize>> = HashMap::new();
    for (i, f) in features.iter().enumerate() {
        for p in f.rings.iter().flatten() {
            let v = owners.entry((p[0].to_bits(), p[1].to_bits())).or_default();
            if !v.contains(&i) {
                v.push(i);
            }
        }
    }
    let mut shared: HashMap<(usize, usize), usize> = HashMap::new();
    for v in owners.values().filter(|v| v.len() > 1) {
        for (k, &a) in v.iter().enumerate() {
            for &b in &v[k + 1..] {
                *shared.entry((a.min(b), a.max(b))).or_default() += 1;
            }
        }
    }
    let mut out = vec![Vec::new(); features.len()];
    for (&(a, b), &n) in &shared {
        if n >= 2 {
            out[a].push(b);
            out[b].push(a);
        }
    }
    for v in &mut out {
        v.sort_unstable();
    }
    out
}

/// A feature's centre in lon/lat: the mean of the points of its ring with the most points (the
/// mainland, not a remote island or a piece across the antimeridian).
pub(crate) fn centre(f: &Feature) -> Option<Point> {
    let ring = f.rings.iter().max_by_key(|r| r.len())?;
    let n = ring.len() as f64;
    let (x, y) = ring
        .iter()
        .fold((0.0, 0.0), |a, p| (a.0 + p[0], a.1 + p[1]));
    (n > 0.0).then(|| [x / n, y / n])
}

/// Great-circle distance between two lon/lat points, in degrees of arc.
pub(crate) fn arc_degrees(a: Point, b: Point) -> f64 {
    let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
    let dl = (b[0] - a[0]).to_radians();
    let c = la1.sin() * la2.sin() + la1.cos() * la2.cos() * dl.cos();
    c.clamp(-1.0, 1.0).acos().to_degrees()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(id: &str, x: f64, y: f64) -> Feature {
        Feature {
            id: Some(id.into()),
            name: None,
            rings: vec![vec![
                [x, y],
                [x + 1.0, y],
                [x + 1.0, y + 1.0],
                [x, y + 1.0],
                [x, y],
            ]],
        }
    }

    #[test]
    fn a_shared_edge_makes_neighbours_a_shared_corner_does_not() {
        // A | B side by side; C touches B only at B's corner (2, 1); D far away.
        let f = [
            square("A", 0.0, 0.0),
            square("B", 1.0, 0.0),
            square("C", 2.0, 1.0),
            square("D", 10.0, 10.0),
        ];
        assert_eq!(touching(&f), vec![vec![1], vec![0], vec![], vec![]]);
    }

    #[test]
    fn distances_on_the_sphere() {
        assert!((arc_degrees([0.0, 0.0], [90.0, 0.0]) - 90.0).abs() < 1e-9);
        assert!((arc_degrees([179.0, 0.0], [-179.0, 0.0]) - 2.0).abs() < 1e-9);
        let c = centre(&square("A", 0.0, 0.0)).unwrap();
        assert!(
            (c[0] - 0.4).abs() < 1e-9 && (c[1] - 0.4).abs() < 1e-9,
            "{c:?}"
        );
    }
}
