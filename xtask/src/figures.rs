//! The benchmark's one table. Each program `cargo xtask bench` runs prints its own detail, and
//! one line per headline figure in the form `figure: <what> | <value> | <goal>`; xtask echoes
//! everything and gathers those lines into the summary it prints last (the table
//! `docs/performance.md` keeps), headed by the machine it was taken on.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// One headline figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub what: String,
    pub value: String,
    pub goal: String,
}

/// The figure a program's output line announces, if it is one.
pub fn parse(line: &str) -> Option<Figure> {
    let rest = line.trim().strip_prefix("figure:")?;
    let mut parts = rest.split('|').map(str::trim);
    let what = parts.next().filter(|w| !w.is_empty())?.to_string();
    let value = parts.next().filter(|v| !v.is_empty())?.to_string();
    let goal = parts.next().unwrap_or_default().to_string();
    Some(Figure { what, value, goal })
}

/// Runs `command`, echoing its standard output line by line, and adds the figures it announces
/// to `into`; fails when the command does.
pub fn run_collecting(command: &mut Command, into: &mut Vec<Figure>) -> Result<()> {
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start {command:?}"))?;
    let stdout = child.stdout.take().context("the command's output")?;
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        into.extend(parse(&line));
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("{command:?} failed ({status})");
    }
    Ok(())
}

/// The machine the figures come from: CPU model, cores, memory (Linux), and the commit.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|kb| kb.trim().trim_end_matches(" kB").parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024 / 1024);
    let commit =
        crate::process::output(crate::process::cmd("git").args(["rev-parse", "--short", "HEAD"]))
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|| "unknown".into());
    format!("{model}, {cores} cores, {memory_gib} GiB; commit {commit}")
}

/// The summary table, in Markdown.
pub fn table(figures: &[Figure]) -> String {
    let mut out = String::from("| figure | value | goal |\n|---|---:|---:|\n");
    for f in figures {
        out.push_str(&format!("| {} | {} | {} |\n", f.what, f.value, f.goal));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_line_is_read_and_other_lines_are_not() {
        assert_eq!(
            parse("figure: deposit gas, new depositor | 61,734 | ≤ 62,100"),
            Some(Figure {
                what: "deposit gas, new depositor".into(),
                value: "61,734".into(),
                goal: "≤ 62,100".into(),
            })
        );
        assert_eq!(
            parse("  figure: RPC requests per refresh | 1").map(|f| f.goal),
            Some(String::new())
        );
        assert_eq!(parse("| deposit | 61734 |"), None);
        assert_eq!(parse("figure: | 3 |"), None);
        assert_eq!(parse("figure: no value"), None);
    }

    #[test]
    fn the_table_has_a_row_per_figure() {
        let table = table(&[Figure {
            what: "a".into(),
            value: "1".into(),
            goal: String::new(),
        }]);
        assert_eq!(table.lines().count(), 3);
        assert!(table.ends_with("| a | 1 |  |\n"));
    }
}
