use seecovid::{data, diag::Diagnostics, quality::assess};
fn main() {
    let ds = data::load(
        std::path::Path::new("assets/data"),
        &mut Diagnostics::default(),
    )
    .unwrap();
    let q = assess::assess(&ds);
    print!("{}", assess::notes_csv(&ds, &q).unwrap());
}
