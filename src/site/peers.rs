//! The countries a country page compares with (issue 22, item 8): its land neighbours, i.e.
//! the countries it shares a border with in Natural Earth's 1:50m boundaries (world-atlas
//! 2.0.2, the world map's file); a country with none in the data (an island: Japan, Australia,
//! Iceland) gets the [`NEAREST`] countries whose mainland centres are nearest on the globe.
//! Both are facts of the map anyone can check, unlike a hand-made list of "peers".

use std::collections::HashMap;

use anyhow::Result;

use crate::data::{Dataset, Level};
use crate::geo::neighbours::{arc_degrees, centre, touching};
use crate::geo::topojson::Topology;
use crate::heatmap::scope::WORLD_50M;

/// Countries an island is compared with.
pub(crate) const NEAREST: usize = 3;

/// How a country's peers were chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Neighbours,
    Nearest,
}

/// Every country's peers (region indices, largest population first), in region order.
pub(crate) struct Peers {
    of: Vec<(Vec<usize>, Kind)>,
}

impl Peers {
    pub(crate) fn new(ds: &Dataset) -> Result<Peers> {
        let features =
            Topology::parse(WORLD_50M, "world-atlas countries-50m.json")?.features("countries")?;
        // The world map's join: ISO 3166 numeric codes are JHU's UIDs below 1000.
        let by_iso: HashMap<String, usize> = ds
            .regions
            .iter()
            .enumerate()
            .filter(|(_, r)| r.level == Level::Country)
            .filter_map(|(i, r)| r.uid.filter(|&u| u < 1000).map(|u| (format!("{u:03}"), i)))
            .collect();
        let region: Vec<Option<usize>> = features
            .iter()
            .map(|f| f.id.as_deref().and_then(|k| by_iso.get(k).copied()))
            .collect();
        let touch = touching(&features);
        let centres: Vec<_> = features.iter().map(centre).collect();
        let mut of = vec![(Vec::new(), Kind::Neighbours); ds.regions.len()];
        for (fi, r) in region.iter().enumerate() {
            let Some(r) = *r else { continue };
            let mut peers: Vec<usize> = touch[fi].iter().filter_map(|&j| region[j]).collect();
            let mut kind = Kind::Neighbours;
            if peers.is_empty()
                && let Some(c) = centres[fi]
            {
                let mut by_distance: Vec<(f64, usize)> = (0..features.len())
                    .filter(|&j| j != fi)
                    .filter_map(|j| Some((arc_degrees(c, centres[j]?), region[j]?)))
                    .collect();
                by_distance.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                peers = by_distance.iter().map(|x| x.1).take(NEAREST).collect();
                kind = Kind::Nearest;
            }
            peers.retain(|&p| p != r);
            peers.sort_unstable();
            peers.dedup();
            let pop = |i: usize| ds.regions[i].population.unwrap_or(0);
            peers.sort_by(|&a, &b| pop(b).cmp(&pop(a)).then(a.cmp(&b)));
            of[r] = (peers, kind);
        }
        Ok(Peers { of })
    }

    /// Country `idx`'s peers and how they were chosen (none for other regions).
    pub(crate) fn of(&self, idx: usize) -> (&[usize], Kind) {
        self.of
            .get(idx)
            .map_or((&[][..], Kind::Neighbours), |(v, k)| (v.as_slice(), *k))
    }
}
