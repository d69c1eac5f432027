//! The layer rules of src/ (CONTRIBUTING.md, issue 23 item 3), checked on the source text:
//!
//! - no import circle among the lower layers (data, measures, quality, geo, render, heatmap),
//!   and none of them imports a higher one (site, build, cmd …);
//! - no file of a lower layer names a site path (`"heatmaps/…"`, `"regions/…"`, `….html` …)
//!   or writes a file (`fs::write`, `File::create`, the `output` writer);
//! - every output file is written from site/ (or output/, the writer itself);
//! - no function in src/ is over 100 lines.
//!
//! The check reads `crate::` paths (also `use crate::{a, b::c}` groups) outside comments,
//! string literals and `#[cfg(test)]` items; unit tests may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The lower layers; `site` and the rest may import them, never the other way round.
const LOWER: [&str; 6] = ["data", "measures", "quality", "geo", "render", "heatmap"];
/// Modules that are libraries to every layer (no pipeline knowledge): diagnostics, config
/// (the frame-step check), the output writer's CSV table and its types.
const SHARED: [&str; 3] = ["diag", "config", "output"];
/// Top-level folders and files of the built site: a string naming one is a site path.
const SITE_DIRS: [&str; 8] = [
    "heatmaps/",
    "regions/",
    "compare/",
    "sandbox/",
    "data/",
    "about/",
    "assets/",
    "index.html",
];
const MAX_FN_LINES: usize = 100;

/// One source file after lexing: code with comments removed and every string literal
/// replaced by `"#N"` (N = index into `strings`), `#[cfg(test)]` items cut out.
struct Source {
    rel: String,
    module: String,
    code: String,
    strings: Vec<String>,
}

fn src_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            src_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Removes comments and replaces string literals (plain, raw, byte) by `"#N"`; char literals
/// become `' '`. Newlines are kept so line numbers stay right.
fn lex(text: &str) -> (String, Vec<String>) {
    let c: Vec<char> = text.chars().collect();
    let (mut code, mut strings) = (String::new(), Vec::new());
    let mut i = 0;
    while i < c.len() {
        if c[i] == '/' && at(&c, i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && at(&c, i + 1) == '*' {
            let mut depth = 0;
            loop {
                if c[i] == '/' && at(&c, i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(&c, i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if c[i] == '\n' {
                        code.push('\n');
                    }
                    i += 1;
                }
            }
        } else if let Some((len, body)) = string_at(&c, i) {
            code.push_str(&format!("\"#{}\"", strings.len()));
            code.extend(body.chars().filter(|&ch| ch == '\n'));
            strings.push(body);
            i += len;
        } else if c[i] == '\'' && char_literal_len(&c, i) > 0 {
            code.push_str("' '");
            i += char_literal_len(&c, i);
        } else {
            code.push(c[i]);
            i += 1;
        }
    }
    (code, strings)
}

fn at(c: &[char], i: usize) -> char {
    c.get(i).copied().unwrap_or('\0')
}

/// A string literal starting at `i`: its length in chars and its body.
fn string_at(c: &[char], i: usize) -> Option<(usize, String)> {
    let ident_before = i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_');
    let mut j = i;
    if c[j] == 'b' && !ident_before {
        j += 1;
    }
    if c.get(j) == Some(&'r') && (j > i || !ident_before) {
        let mut k = j + 1;
        while c.get(k) == Some(&'#') {
            k += 1;
        }
        if c.get(k) == Some(&'"') {
            let hashes = k - j - 1;
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let body_start = k + 1;
            let s: String = c[body_start..].iter().collect();
            let end = s.find(&close).expect("raw string closes");
            let body: String = s[..end].to_string();
            return Some((body_start - i + body.chars().count() + close.len(), body));
        }
        return None;
    }
    if c.get(j) != Some(&'"') || (j == i && ident_before) {
        return None;
    }
    let mut k = j + 1;
    let mut body = String::new();
    while c[k] != '"' {
        if c[k] == '\\' {
            body.push(c[k]);
            k += 1;
        }
        body.push(c[k]);
        k += 1;
    }
    Some((k + 1 - i, body))
}

/// The length of a char literal at `i` ('a', '\n', '\''), 0 for a lifetime.
fn char_literal_len(c: &[char], i: usize) -> usize {
    if c.get(i + 1) == Some(&'\\') {
        let mut k = i + 2;
        while k < c.len() && c[k] != '\'' {
            k += 1;
        }
        return k + 1 - i;
    }
    if c.get(i + 2) == Some(&'\'') {
        return 3;
    }
    0
}

/// The index just past the item starting at `from`: its `;` or its closing brace.
fn item_end(code: &[u8], from: usize) -> usize {
    let mut depth = 0usize;
    for (k, &b) in code.iter().enumerate().skip(from) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return k + 1;
                }
            }
            b';' if depth == 0 => return k + 1,
            _ => {}
        }
    }
    code.len()
}

/// Blanks every `#[cfg(test)]` item (keeping newlines); returns the test-only child
/// modules declared as files (`#[cfg(test)] mod tests;`).
fn cut_tests(code: &mut String) -> Vec<String> {
    let mut files = Vec::new();
    while let Some(at) = code.find("#[cfg(test)]") {
        let end = item_end(code.as_bytes(), at + "#[cfg(test)]".len());
        let item = code[at..end].to_string();
        if item.ends_with(';')
            && let Some(name) = item.trim_end_matches(';').split_whitespace().last()
            && item.contains("mod ")
        {
            files.push(name.to_string());
        }
        let blank: String = item
            .chars()
            .map(|ch| if ch == '\n' { '\n' } else { ' ' })
            .collect();
        code.replace_range(at..end, &blank);
    }
    files
}

fn load() -> Vec<Source> {
    // Another tree's src/ can be checked too (how old main fails: see CONTRIBUTING.md).
    let root = std::env::var_os("SEECOVID_LAYERS_SRC")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let mut paths = Vec::new();
    src_files(&root, &mut paths);
    paths.sort();
    let mut test_only = BTreeSet::new();
    let mut out = Vec::new();
    for p in &paths {
        let rel = p
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let (mut code, strings) = lex(&std::fs::read_to_string(p).unwrap());
        for m in cut_tests(&mut code) {
            let dir = rel.trim_end_matches("mod.rs").trim_end_matches(".rs");
            let dir = dir.trim_end_matches('/');
            test_only.insert(format!("{dir}/{m}.rs"));
        }
        let module = rel.split('/').next().unwrap().trim_end_matches(".rs");
        out.push(Source {
            module: module.to_string(),
            rel,
            code,
            strings,
        });
    }
    out.retain(|s| !test_only.contains(&s.rel));
    out
}

fn line_of(code: &str, at: usize) -> usize {
    code[..at].matches('\n').count() + 1
}

/// The top-level modules a file names through `crate::` paths, with the line of each.
fn imports(s: &Source) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let code = &s.code;
    for (at, _) in code.match_indices("crate::") {
        if at > 0 {
            let b = code.as_bytes()[at - 1];
            if b.is_ascii_alphanumeric() || b == b'_' {
                continue;
            }
        }
        let rest = &code[at + "crate::".len()..];
        let names: Vec<&str> = if rest.starts_with('{') {
            let end = item_end(rest.as_bytes(), 0);
            top_level_items(&rest[1..end - 1])
        } else {
            vec![rest]
        };
        for n in names {
            let id: String = n
                .trim()
                .chars()
                .take_while(|ch| ch.is_alphanumeric() || *ch == '_')
                .collect();
            if !id.is_empty() && id != "self" {
                out.push((id, line_of(code, at)));
            }
        }
    }
    out
}

/// The comma-separated entries of a `{…}` group at depth 0.
fn top_level_items(group: &str) -> Vec<&str> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0, 0);
    for (k, ch) in group.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&group[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    out.push(&group[start..]);
    out
}

/// The module graph: module → (module it imports → first place).
fn graph(sources: &[Source]) -> BTreeMap<String, BTreeMap<String, String>> {
    let known: BTreeSet<&str> = sources.iter().map(|s| s.module.as_str()).collect();
    let mut g: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for s in sources {
        for (m, line) in imports(s) {
            if m != s.module && known.contains(m.as_str()) {
                g.entry(s.module.clone())
                    .or_default()
                    .entry(m)
                    .or_insert(format!("src/{}:{line}", s.rel));
            }
        }
    }
    g
}

/// Every import circle among `nodes` (as paths a → b → … → a), found by depth-first search.
fn circles(g: &BTreeMap<String, BTreeMap<String, String>>, nodes: &[&str]) -> Vec<String> {
    let mut found = BTreeSet::new();
    for &start in nodes {
        let mut stack = vec![(start.to_string(), vec![start.to_string()])];
        while let Some((at, path)) = stack.pop() {
            for (next, place) in g.get(&at).into_iter().flatten() {
                if !nodes.contains(&next.as_str()) {
                    continue;
                }
                if next == start {
                    let mut cyc = path.clone();
                    cyc.push(format!("{next} (via {place})"));
                    // One spelling per circle: start at its smallest module.
                    if path.iter().all(|p| p.as_str() >= start) {
                        found.insert(cyc.join(" → "));
                    }
                } else if !path.contains(next) {
                    let mut p = path.clone();
                    p.push(next.clone());
                    stack.push((next.clone(), p));
                }
            }
        }
    }
    found.into_iter().collect()
}

/// The file-level graph inside one module: `render/bars` → `render/chart` when bars.rs names
/// `super::chart` or `crate::render::chart` (mod.rs, which declares its children, is left out).
fn file_graph(sources: &[Source], module: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let files: BTreeSet<String> = sources
        .iter()
        .filter(|s| s.module == module && s.rel.matches('/').count() == 1)
        .filter(|s| !s.rel.ends_with("/mod.rs"))
        .map(|s| s.rel.trim_end_matches(".rs").to_string())
        .collect();
    let mut g: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for s in sources {
        let me = s.rel.trim_end_matches(".rs").to_string();
        if !files.contains(&me) {
            continue;
        }
        for prefix in ["super::".to_string(), format!("crate::{module}::")] {
            for (at, _) in s.code.match_indices(&prefix) {
                if at > 0
                    && (s.code.as_bytes()[at - 1].is_ascii_alphanumeric()
                        || s.code.as_bytes()[at - 1] == b':')
                {
                    continue;
                }
                let rest = &s.code[at + prefix.len()..];
                let names: Vec<&str> = if rest.starts_with('{') {
                    top_level_items(&rest[1..item_end(rest.as_bytes(), 0) - 1])
                } else {
                    vec![rest]
                };
                for n in names {
                    let id: String = n
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    let to = format!("{module}/{id}");
                    if to != me && files.contains(&to) {
                        g.entry(me.clone())
                            .or_default()
                            .entry(to)
                            .or_insert(format!("src/{}:{}", s.rel, line_of(&s.code, at)));
                    }
                }
            }
        }
    }
    g
}

#[test]
fn no_import_circle_among_the_files_of_a_lower_layer() {
    let sources = load();
    let mut found = Vec::new();
    for m in LOWER {
        let g = file_graph(&sources, m);
        let nodes: Vec<&str> = g.keys().map(String::as_str).collect();
        found.extend(circles(&g, &nodes));
    }
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
}

#[test]
fn no_import_circle_among_the_lower_layers() {
    let g = graph(&load());
    let c = circles(&g, &LOWER);
    assert!(c.is_empty(), "import circles:\n{}", c.join("\n"));
}

#[test]
fn lower_layers_import_only_lower_layers() {
    let g = graph(&load());
    let mut bad = Vec::new();
    for m in LOWER {
        for (to, place) in g.get(m).into_iter().flatten() {
            if !LOWER.contains(&to.as_str()) && !SHARED.contains(&to.as_str()) {
                bad.push(format!("{m} imports {to} ({place})"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// What in a lower-layer file names a site path or writes a file.
fn lower_layer_problems(s: &Source) -> Vec<String> {
    let mut bad = Vec::new();
    for (k, text) in s.strings.iter().enumerate() {
        let at = s.code.find(&format!("\"#{k}\""));
        let Some(at) = at else { continue };
        if SITE_DIRS.iter().any(|d| text.starts_with(d)) || text.contains(".html") {
            bad.push(format!(
                "src/{}:{} names the site path \"{text}\"",
                s.rel,
                line_of(&s.code, at)
            ));
        }
    }
    for w in [
        "fs::write",
        "File::create",
        "OpenOptions",
        "output::Output",
        "Output}",
        ".write_page(",
        ".unit_json(",
    ] {
        for (at, _) in s.code.match_indices(w) {
            bad.push(format!(
                "src/{}:{} writes files (`{w}`)",
                s.rel,
                line_of(&s.code, at)
            ));
        }
    }
    bad
}

#[test]
fn lower_layers_name_no_site_path_and_write_no_file() {
    let bad: Vec<String> = load()
        .iter()
        .filter(|s| LOWER.contains(&s.module.as_str()))
        .flat_map(lower_layer_problems)
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Calls of the output writer (`out.write(…)`, `site.output.write(…)`, `unit_json` …).
fn writer_calls(s: &Source) -> Vec<String> {
    let mut bad = Vec::new();
    for recv in ["out.", "output."] {
        for (at, _) in s.code.match_indices(recv) {
            if at > 0 {
                let b = s.code.as_bytes()[at - 1];
                if b.is_ascii_alphanumeric() || b == b'_' {
                    continue;
                }
            }
            let rest = &s.code[at + recv.len()..];
            let method: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if ["write", "unit", "unit_json", "write_page"].contains(&method.as_str()) {
                bad.push(format!(
                    "src/{}:{} writes an output file (`{recv}{method}`)",
                    s.rel,
                    line_of(&s.code, at)
                ));
            }
        }
    }
    bad
}

#[test]
fn every_output_file_is_written_from_site() {
    let bad: Vec<String> = load()
        .iter()
        .filter(|s| s.module != "site" && s.module != "output")
        .flat_map(writer_calls)
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Every `fn` with a body and the number of lines from its signature to its closing brace.
fn functions(s: &Source) -> Vec<(String, usize, usize)> {
    let code = s.code.as_bytes();
    let mut out = Vec::new();
    for (at, _) in s.code.match_indices("fn ") {
        if at > 0 && (code[at - 1].is_ascii_alphanumeric() || code[at - 1] == b'_') {
            continue;
        }
        let name: String = s.code[at + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // The body starts at the first `{` before any `;` (a trait method without one).
        let Some(open) = s.code[at..].find(['{', ';']).map(|k| at + k) else {
            continue;
        };
        if code[open] == b';' || name.is_empty() {
            continue;
        }
        let end = item_end(code, open);
        let first = line_of(&s.code, at);
        out.push((name, first, line_of(&s.code, end - 1) - first + 1));
    }
    out
}

#[test]
fn no_function_over_100_lines() {
    let mut long = Vec::new();
    let mut longest = (String::new(), 0);
    for s in load() {
        for (name, line, n) in functions(&s) {
            if n > longest.1 {
                longest = (format!("src/{}:{line} {name}", s.rel), n);
            }
            if n > MAX_FN_LINES {
                long.push(format!("src/{}:{line} fn {name}: {n} lines", s.rel));
            }
        }
    }
    println!("longest function: {} ({} lines)", longest.0, longest.1);
    assert!(long.is_empty(), "{}", long.join("\n"));
}

/// The checker itself, on small inputs worked out by hand.
#[test]
fn the_checker_sees_what_it_should() {
    let (mut code, strings) = lex(
        "use crate::{data::X, quality};\n// crate::site\nlet a = \"crate::render\";\n\
         let p = r#\"regions/\"#; let c = '\\''; fn f<'a>() {\n}\n#[cfg(test)]\nmod tests { use crate::site; }\n",
    );
    cut_tests(&mut code);
    assert_eq!(strings, vec!["crate::render", "regions/"]);
    let s = Source {
        rel: "heatmap/x.rs".into(),
        module: "heatmap".into(),
        code,
        strings,
    };
    let names: Vec<String> = imports(&s).into_iter().map(|i| i.0).collect();
    assert_eq!(names, vec!["data", "quality"]);
    assert_eq!(lower_layer_problems(&s).len(), 1);
    assert_eq!(functions(&s), vec![("f".to_string(), 4, 2)]);
    let mut g = BTreeMap::new();
    g.insert(
        "a".to_string(),
        BTreeMap::from([("b".to_string(), "x".to_string())]),
    );
    g.insert(
        "b".to_string(),
        BTreeMap::from([("a".to_string(), "y".to_string())]),
    );
    assert_eq!(circles(&g, &["a", "b"]).len(), 1);
}
