//! The bundled font (DejaVu Sans, see assets/fonts/LICENSE-DejaVu.txt). No system font lookup:
//! containers and CI have no fonts.

use std::sync::Once;

pub const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the bundled font with plotters as "sans-serif" (normal and bold). Idempotent.
pub fn register() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        use plotters::style::{FontStyle, register_font};
        // The font bytes are known-good; a failure here would be a build defect.
        let _ = register_font("sans-serif", FontStyle::Normal, REGULAR);
        let _ = register_font("sans-serif", FontStyle::Bold, BOLD);
    });
}
