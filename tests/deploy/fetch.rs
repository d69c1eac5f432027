//! `seecovid fetch` from a local HTTP mirror and from moto: changed/unchanged detection with
//! its exit status, validation before replacing anything, and broken downloads.

use seecovid::data::ALL_INPUTS;
use seecovid::diag::Diagnostics;

use crate::support::*;

fn fetch_jhu(mirror: &Mirror, data: &std::path::Path) -> std::process::Output {
    seecovid(&[
        "fetch",
        "--from",
        "jhu",
        "--base-url",
        &mirror.base_url(),
        "--data",
        data.to_str().unwrap(),
    ])
}

fn loads(data: &std::path::Path) -> seecovid::quality::Assessed {
    seecovid::quality::load(data, &mut Diagnostics::default()).expect("the fetched data loads")
}

#[test]
fn fetch_from_a_mirror_reports_changed_then_unchanged_and_rewrites_only_what_changed() {
    let mirror = Mirror::start();
    let root = tempdir();
    let data = root.path().join("data");
    mirror.serve(&fixture_data(10));

    // First fetch into a folder that does not exist yet: everything is new, stored gzipped.
    let o = fetch_jhu(&mirror, &data);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    let names: Vec<String> = snapshot(&data).into_keys().collect();
    let mut want: Vec<String> = ALL_INPUTS.iter().map(|s| format!("{s}.csv.gz")).collect();
    want.sort();
    assert_eq!(names, want);
    assert_eq!(
        loads(&data).global_range.end,
        chrono::NaiveDate::from_ymd_opt(2020, 1, 31).unwrap()
    );

    // Same content again: exit 3, nothing written.
    let before = snapshot(&data);
    let o = fetch_jhu(&mirror, &data);
    assert_eq!(o.status.code(), Some(3), "{}", out_text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("unchanged"),
        "{}",
        out_text(&o)
    );
    assert_eq!(snapshot(&data), before);

    // One more day in two files: exit 0, exactly those two rewritten.
    let mut next = fixture_data(10);
    let longer = fixture_data(11);
    next[0] = longer[0].clone();
    next[1] = longer[1].clone();
    mirror.serve(&next);
    let o = fetch_jhu(&mirror, &data);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    let after = snapshot(&data);
    for (name, bytes) in &after {
        let changed = name.starts_with(next[0].0) || name.starts_with(next[1].0);
        assert_eq!(&before[name] != bytes, changed, "{name}");
    }
    assert_eq!(
        gunzip(&after[&format!("{}.csv.gz", next[0].0)]),
        next[0].1.as_bytes()
    );
    loads(&data);
    // No staging or backup folder left behind.
    assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
}

#[test]
fn a_broken_download_leaves_the_data_as_it_was() {
    let mirror = Mirror::start();
    let root = tempdir();
    let data = root.path().join("data");
    // The current data, as plain CSVs plus an unrelated file.
    for (stem, body) in fixture_data(10) {
        write(&data, &format!("{stem}.csv"), body.as_bytes());
    }
    write(&data, "README.txt", b"keep me");
    let before = snapshot(&data);

    let check = |o: std::process::Output, needle: &str| {
        assert_eq!(o.status.code(), Some(1), "{}", out_text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(needle), "error should mention {needle}: {err}");
        assert_eq!(snapshot(&data), before, "the data folder changed");
        assert_eq!(
            std::fs::read_dir(root.path()).unwrap().count(),
            1,
            "staging left behind"
        );
    };

    // A non-numeric cell in a newer file.
    let mut bad = fixture_data(11);
    bad[3].1 = bad[3].1.replace(",10,20,", ",10,twenty,");
    mirror.serve(&bad);
    check(
        fetch_jhu(&mirror, &data),
        "time_series_covid19_confirmed_US",
    );

    // A file missing from the mirror.
    let mut partial = fixture_data(11);
    partial.remove(5);
    mirror.serve(&partial);
    check(
        fetch_jhu(&mirror, &data),
        "UID_ISO_FIPS_LookUp_Table.csv: HTTP 404",
    );

    // A truncated file (an interrupted transfer that still ended in 200).
    let mut cut = fixture_data(11);
    let n = cut[0].1.len() / 2;
    cut[0].1.truncate(n);
    mirror.serve(&cut);
    check(
        fetch_jhu(&mirror, &data),
        "time_series_covid19_confirmed_global",
    );

    // And a good download afterwards still works, keeping the unrelated file.
    mirror.serve(&fixture_data(11));
    let o = fetch_jhu(&mirror, &data);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    assert_eq!(std::fs::read(data.join("README.txt")).unwrap(), b"keep me");
    assert!(
        !data
            .join("time_series_covid19_confirmed_global.csv")
            .exists()
    );
    loads(&data);
}

#[test]
fn fetch_from_s3_compares_content_not_compression() {
    let moto = Moto::start();
    moto.create_bucket("inputs-bucket");
    let root = tempdir();
    let data = root.path().join("data");
    for (stem, body) in fixture_data(10) {
        write(&data, &format!("{stem}.csv"), body.as_bytes());
    }
    // The same content in the bucket, gzipped or not.
    for (i, (stem, body)) in fixture_data(10).into_iter().enumerate() {
        if i % 2 == 0 {
            moto.put(
                "inputs-bucket",
                &format!("deployed/{stem}.csv.gz"),
                &gzip(body.as_bytes()),
            );
        } else {
            moto.put(
                "inputs-bucket",
                &format!("deployed/{stem}.csv"),
                body.as_bytes(),
            );
        }
    }
    let args = [
        "fetch",
        "--from",
        "s3://inputs-bucket/deployed",
        "--endpoint-url",
        &moto.endpoint(),
        "--data",
        data.to_str().unwrap(),
    ];
    let before = snapshot(&data);
    let o = seecovid(&args);
    assert_eq!(o.status.code(), Some(3), "{}", out_text(&o));
    assert_eq!(snapshot(&data), before);

    // A newer file in the bucket.
    let (stem, body) = fixture_data(12).remove(2);
    moto.put(
        "inputs-bucket",
        &format!("deployed/{stem}.csv.gz"),
        &gzip(body.as_bytes()),
    );
    let o = seecovid(&args);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    let after = snapshot(&data);
    assert_eq!(gunzip(&after[&format!("{stem}.csv.gz")]), body.as_bytes());
    assert!(!after.contains_key(&format!("{stem}.csv")));
    assert_eq!(after.len(), 6);
    loads(&data);

    // A prefix without the inputs: an error naming what is missing.
    let o = seecovid(&[
        "fetch",
        "--from",
        "s3://inputs-bucket/nothing",
        "--endpoint-url",
        &moto.endpoint(),
        "--data",
        data.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("s3://inputs-bucket/nothing/ has neither nothing/time_series_covid19_confirmed_global.csv.gz"), "{}", out_text(&o));
}
