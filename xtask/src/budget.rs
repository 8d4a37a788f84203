//! The bundle's performance budget: the gzip bytes of each download, against the figures
//! committed in `docs/bundle-budget.json`. `cargo xtask test` fails when a download grows more
//! than [`TOLERANCE`] over its committed figure, or when the staker's first visit passes the
//! absolute cap ([`crate::dist::FIRST_VISIT_BUDGET`]). A change that makes a download smaller
//! (or larger, on purpose) commits the new figure with it: the budget moves in review, never by
//! itself.

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::dist;
use crate::process::root;

/// How much a download may grow over its committed figure before the tests fail.
pub const TOLERANCE: f64 = 0.05;

/// Gzip bytes of each download of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    /// Everything a staker's first visit downloads: page, module, styles, snippets.
    pub staker_first_visit: usize,
    /// The operator console's module, styles and snippets (on `/admin` only).
    pub console: usize,
    /// The import checker's worker (on the console's first import only).
    pub checker: usize,
}

impl Bundle {
    /// The downloads of the build in `dist`, grouped from [`dist::bundle_sizes`].
    pub fn measure(dist: &Path) -> Result<Bundle> {
        let mut bundle = Bundle {
            staker_first_visit: 0,
            console: 0,
            checker: 0,
        };
        for (name, _, gzip, first_visit) in dist::bundle_sizes(dist)? {
            if first_visit {
                bundle.staker_first_visit += gzip;
            } else if name.starts_with("pool-checker") {
                bundle.checker += gzip;
            } else {
                bundle.console += gzip;
            }
        }
        Ok(bundle)
    }

    fn parts(&self) -> [(&'static str, usize); 3] {
        [
            ("the staker's first visit", self.staker_first_visit),
            ("the operator console", self.console),
            ("the import checker", self.checker),
        ]
    }
}

/// The committed budget.
pub fn committed() -> Result<Bundle> {
    let path = root().join("docs/bundle-budget.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))
}

/// Every way `measured` breaks `budget`, as sentences (none: within budget).
pub fn overruns(measured: &Bundle, budget: &Bundle) -> Vec<String> {
    let mut found = Vec::new();
    for ((what, now), (_, allowed)) in measured.parts().into_iter().zip(budget.parts()) {
        let limit = (allowed as f64 * (1.0 + TOLERANCE)).floor() as usize;
        if now > limit {
            found.push(format!(
                "{what} is {now} bytes gzip, {:.1} % over its committed {allowed} \
                 (docs/bundle-budget.json allows {:.0} %): make it smaller, or commit the new \
                 figure with the reason",
                (now as f64 / allowed as f64 - 1.0) * 100.0,
                TOLERANCE * 100.0
            ));
        }
    }
    if measured.staker_first_visit > dist::FIRST_VISIT_BUDGET {
        found.push(format!(
            "the staker's first visit is {} bytes gzip, over the cap of {} bytes",
            measured.staker_first_visit,
            dist::FIRST_VISIT_BUDGET
        ));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUDGET: Bundle = Bundle {
        staker_first_visit: 200_000,
        console: 400_000,
        checker: 100_000,
    };

    #[test]
    fn up_to_five_percent_over_passes_and_more_fails_for_each_download() {
        assert!(overruns(&BUDGET, &BUDGET).is_empty());
        let grown = Bundle {
            staker_first_visit: 210_000,
            console: 420_000,
            checker: 105_000,
        };
        assert!(overruns(&grown, &BUDGET).is_empty(), "exactly 5 % over");
        for over in [
            Bundle {
                staker_first_visit: 210_001,
                ..BUDGET
            },
            Bundle {
                console: 420_001,
                ..BUDGET
            },
            Bundle {
                checker: 105_001,
                ..BUDGET
            },
        ] {
            let found = overruns(&over, &BUDGET);
            assert_eq!(found.len(), 1, "{found:?}");
        }
    }

    #[test]
    fn the_first_visit_cap_holds_whatever_the_committed_figure() {
        let loose = Bundle {
            staker_first_visit: 400_000,
            ..BUDGET
        };
        let found = overruns(
            &Bundle {
                staker_first_visit: 300_001,
                ..BUDGET
            },
            &loose,
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("cap"));
    }

    #[test]
    fn the_committed_budget_is_readable_and_under_the_cap() {
        let budget = committed().unwrap();
        assert!(budget.staker_first_visit <= dist::FIRST_VISIT_BUDGET);
        assert!(budget.console > 0 && budget.checker > 0);
    }
}
