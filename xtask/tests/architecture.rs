//! ARCHITECTURE.md stays true to the tree: every file or folder it names in backticks exists.
//! A name is checked as a path suffix (the code map names `wallet.rs` under `src/state/`), so a
//! renamed or deleted file fails here.

use std::path::{Path, PathBuf};

const EXTENSIONS: [&str; 9] = [
    ".rs", ".sol", ".md", ".mjs", ".js", ".json", ".toml", ".html", ".css",
];
/// Folders that are generated or installed, never part of the tree a reader navigates.
const SKIP: [&str; 5] = ["target", "node_modules", ".git", "dist", "out"];

fn files(root: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(root).unwrap().flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !SKIP.contains(&name.as_str()) {
                into.push(path.clone());
                files(&path, into);
            }
        } else {
            into.push(path);
        }
    }
}

/// Backticked words that look like paths: ending with a known extension, or with `/`.
fn named_paths(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|word| !word.contains(' ') && !word.contains('*') && !word.contains('<'))
        .filter(|word| word.ends_with('/') || EXTENSIONS.iter().any(|e| word.ends_with(e)))
        .map(|word| word.trim_start_matches("./").to_string())
        .collect()
}

#[test]
fn every_path_architecture_md_names_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let mut tree = Vec::new();
    files(root, &mut tree);
    let tree: Vec<String> = tree
        .iter()
        .map(|p| {
            let relative = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                format!("/{relative}/")
            } else {
                format!("/{relative}")
            }
        })
        .collect();
    // Generated files and folders the document names on purpose (`config.json` is written by
    // `cargo xtask dev` and `dist`, per network).
    let generated = [
        "out/",
        "dist/",
        "target/",
        "e2e/screenshots/",
        "config.json",
    ];
    let missing: Vec<String> = named_paths(&text)
        .into_iter()
        .filter(|name| !generated.iter().any(|g| name.ends_with(g)))
        .filter(|name| !tree.iter().any(|path| path.ends_with(&format!("/{name}"))))
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names paths that do not exist: {missing:?}"
    );
}

#[test]
fn the_check_sees_a_missing_file() {
    let names = named_paths("see `src/app.rs`, `nowhere/gone.rs` and `a b.rs`");
    assert_eq!(names, ["src/app.rs", "nowhere/gone.rs"]);
}
