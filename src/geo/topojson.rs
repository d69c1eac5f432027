//! A small TopoJSON decoder: quantized, delta-encoded arcs → polygons with their rings.
//!
//! Only what the bundled boundary files use: `Polygon` and `MultiPolygon` geometries in a
//! `GeometryCollection`; other geometry types are skipped. It does no projection.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// A point in the topology's coordinate space (lon/lat degrees, or pixels for pre-projected files).
pub(crate) type Point = [f64; 2];
/// A closed ring (first point == last point as stored in TopoJSON).
pub(crate) type Ring = Vec<Point>;

/// One feature of an object: its rings, all polygons flattened. Rasterising the rings together
/// with the even-odd rule fills outer rings and leaves holes empty.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Feature {
    pub id: Option<String>,
    pub name: Option<String>,
    pub rings: Vec<Ring>,
}

impl Feature {
    /// The same feature with every ring replaced by the rings `f` makes of it.
    pub(crate) fn map_rings(&self, f: impl FnMut(&Ring) -> Vec<Ring>) -> Feature {
        Feature {
            id: self.id.clone(),
            name: self.name.clone(),
            rings: self.rings.iter().flat_map(f).collect(),
        }
    }

    /// Bounding box `[min_x, min_y, max_x, max_y]`; `None` without points.
    #[cfg(test)]
    pub(crate) fn bbox(&self) -> Option<[f64; 4]> {
        bbox_of(self.rings.iter().flatten())
    }
}

pub(crate) fn bbox_of<'a>(pts: impl Iterator<Item = &'a Point>) -> Option<[f64; 4]> {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut any = false;
    for p in pts {
        any = true;
        b[0] = b[0].min(p[0]);
        b[1] = b[1].min(p[1]);
        b[2] = b[2].max(p[0]);
        b[3] = b[3].max(p[1]);
    }
    any.then_some(b)
}

#[derive(Deserialize)]
struct RawTopology {
    #[serde(rename = "type")]
    kind: String,
    transform: Option<RawTransform>,
    objects: BTreeMap<String, RawObject>,
    arcs: Vec<Vec<Vec<f64>>>,
}

#[derive(Deserialize)]
struct RawTransform {
    scale: [f64; 2],
    translate: [f64; 2],
}

#[derive(Deserialize)]
struct RawObject {
    #[serde(default)]
    geometries: Vec<RawGeometry>,
}

#[derive(Deserialize)]
struct RawGeometry {
    #[serde(rename = "type")]
    kind: Option<String>,
    // Ids are strings in the bundled files, but TopoJSON allows numbers too.
    id: Option<serde_json::Value>,
    #[serde(default)]
    properties: Option<BTreeMap<String, serde_json::Value>>,
    #[serde(default)]
    arcs: serde_json::Value,
}

/// A decoded topology: absolute arc coordinates plus the raw objects.
pub(crate) struct Topology {
    arcs: Vec<Vec<Point>>,
    objects: BTreeMap<String, RawObject>,
}

impl Topology {
    /// Parses TopoJSON text; `what` names the source in error messages.
    pub(crate) fn parse(bytes: &[u8], what: &str) -> Result<Self> {
        let raw: RawTopology =
            serde_json::from_slice(bytes).with_context(|| format!("{what}: not TopoJSON"))?;
        if raw.kind != "Topology" {
            bail!("{what}: type is `{}`, expected `Topology`", raw.kind);
        }
        let arcs = raw
            .arcs
            .iter()
            .enumerate()
            .map(|(i, arc)| {
                decode_arc(arc, raw.transform.as_ref()).with_context(|| format!("{what}: arc {i}"))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            arcs,
            objects: raw.objects,
        })
    }

    /// The polygon features of object `name` (in file order).
    pub(crate) fn features(&self, name: &str) -> Result<Vec<Feature>> {
        let obj = self
            .objects
            .get(name)
            .with_context(|| format!("topology has no object `{name}`"))?;
        let mut out = Vec::with_capacity(obj.geometries.len());
        for (gi, g) in obj.geometries.iter().enumerate() {
            let polys: Vec<Vec<Vec<i64>>> = match g.kind.as_deref() {
                Some("Polygon") => vec![arc_lists(&g.arcs).with_context(|| {
                    format!("object `{name}`, geometry {gi}: bad Polygon arcs")
                })?],
                Some("MultiPolygon") => {
                    serde_json::from_value(g.arcs.clone()).with_context(|| {
                        format!("object `{name}`, geometry {gi}: bad MultiPolygon arcs")
                    })?
                }
                _ => continue,
            };
            let mut rings = Vec::new();
            for poly in &polys {
                for ring in poly {
                    rings.push(
                        self.stitch(ring)
                            .with_context(|| format!("object `{name}`, geometry {gi}"))?,
                    );
                }
            }
            let id = match &g.id {
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            let name = g
                .properties
                .as_ref()
                .and_then(|p| p.get("name"))
                .and_then(|v| v.as_str())
                .map(str::to_string);
            out.push(Feature { id, name, rings });
        }
        Ok(out)
    }

    /// Joins arcs into one ring. A negative index `i` means arc `!i` (= `-i - 1`) reversed; each
    /// arc after the first repeats the previous arc's last point, which is dropped.
    fn stitch(&self, indices: &[i64]) -> Result<Ring> {
        let mut ring: Ring = Vec::new();
        for &i in indices {
            let (k, rev) = if i < 0 {
                ((!i) as usize, true)
            } else {
                (i as usize, false)
            };
            let arc = self.arcs.get(k).with_context(|| {
                format!("arc index {i} out of range ({} arcs)", self.arcs.len())
            })?;
            let skip = usize::from(!ring.is_empty());
            if rev {
                ring.extend(arc.iter().rev().skip(skip));
            } else {
                ring.extend(arc.iter().skip(skip));
            }
        }
        Ok(ring)
    }
}

fn arc_lists(v: &serde_json::Value) -> Result<Vec<Vec<i64>>> {
    Ok(serde_json::from_value(v.clone())?)
}

/// Undoes quantization: with a transform, positions are delta-encoded integers.
fn decode_arc(arc: &[Vec<f64>], t: Option<&RawTransform>) -> Result<Vec<Point>> {
    let mut out = Vec::with_capacity(arc.len());
    let (mut x, mut y) = (0.0, 0.0);
    for p in arc {
        if p.len() < 2 {
            bail!("position with {} coordinates", p.len());
        }
        match t {
            Some(t) => {
                x += p[0];
                y += p[1];
                out.push([
                    x * t.scale[0] + t.translate[0],
                    y * t.scale[1] + t.translate[1],
                ]);
            }
            None => out.push([p[0], p[1]]),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two unit squares side by side sharing the arc x=1; the right square uses it reversed.
    pub(crate) const TWO_SQUARES: &str = r#"{
      "type": "Topology",
      "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
      "objects": {"sq": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "id": "A", "properties": {"name": "Left"}, "arcs": [[0, 1]]},
        {"type": "Polygon", "id": 7, "arcs": [[-1, 2]]},
        {"type": null}
      ]}},
      "arcs": [
        [[2, 0], [0, 2]],
        [[2, 2], [-2, 0], [0, -2], [2, 0]],
        [[2, 0], [2, 0], [0, 2], [-2, 0]]
      ]
    }"#;

    #[test]
    fn decodes_shared_and_reversed_arcs() {
        let t = Topology::parse(TWO_SQUARES.as_bytes(), "test").unwrap();
        let f = t.features("sq").unwrap();
        assert_eq!(f.len(), 2, "the null geometry is skipped");
        assert_eq!(f[0].id.as_deref(), Some("A"));
        assert_eq!(f[0].name.as_deref(), Some("Left"));
        assert_eq!(f[1].id.as_deref(), Some("7"), "numeric ids become strings");
        assert_eq!(f[1].name, None);
        // Quantized (2,0)→(2,2) is (11,20)→(11,21) after the transform.
        assert_eq!(
            f[0].rings,
            vec![vec![
                [11., 20.],
                [11., 21.],
                [10., 21.],
                [10., 20.],
                [11., 20.]
            ]]
        );
        // Arc 0 reversed, then arc 2 without its duplicated first point.
        assert_eq!(
            f[1].rings,
            vec![vec![
                [11., 21.],
                [11., 20.],
                [12., 20.],
                [12., 21.],
                [11., 21.]
            ]]
        );
        assert_eq!(f[1].bbox(), Some([11., 20., 12., 21.]));
    }

    #[test]
    fn bad_arc_index_is_an_error() {
        let bad = TWO_SQUARES.replace("[[-1, 2]]", "[[-1, 9]]");
        let t = Topology::parse(bad.as_bytes(), "test").unwrap();
        let err = format!("{:#}", t.features("sq").unwrap_err());
        assert!(err.contains("arc index 9 out of range"), "{err}");
        assert!(t.features("nope").is_err());
    }
}
