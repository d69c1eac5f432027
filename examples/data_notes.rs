//! Prints `data/data-notes.csv` of the bundled data.
fn main() {
    let ds = seecovid::quality::load(
        std::path::Path::new("assets/data"),
        &mut seecovid::diag::Diagnostics::default(),
    )
    .unwrap();
    print!("{}", seecovid::data_notes::notes_csv(&ds).unwrap());
}
