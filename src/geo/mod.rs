//! Geography: TopoJSON decoding, projections and the label raster that map frames are coloured
//! from. Knows nothing about COVID data; joins live in `heatmap`.

pub mod projection;
pub mod raster;
pub mod topojson;
