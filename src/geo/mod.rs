//! Geography: TopoJSON decoding, projections and the label raster that map frames are coloured
//! from. Knows nothing about COVID data; joins live in `heatmap`.

pub(crate) mod neighbours;
pub(crate) mod projection;
pub(crate) mod raster;
pub(crate) mod topojson;
