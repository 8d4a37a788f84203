//! The staker's amount (`parse_ether`, text → wei) and its display (`format_ether`).

use alloy_primitives::U256;
use pool_core::units::{format_ether, format_ether_exact, parse_ether};
use proptest::prelude::*;

use crate::{DEFAULT_CASES_CHEAP, assert_sentence, config_with};

/// What a staker may type: digits around a dot, white space, and the characters that look like
/// digits or separators but are not ASCII ones (Arabic-Indic and full-width digits, a comma,
/// an exponent, signs, a second dot).
fn typed_amount() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => "[0-9]{1,30}",
        2 => Just(".".to_string()),
        1 => Just(" ".to_string()),
        1 => prop::sample::select(vec!["٣", "３", ",", "e", "E", "-", "+", "_", "\u{a0}", "\t", "🦀", "é", "0x"])
            .prop_map(str::to_string),
    ];
    prop::collection::vec(piece, 0..6).prop_map(|pieces| pieces.concat())
}

/// The decimal a valid amount denotes, written canonically: no surrounding space, no leading
/// zeros, no trailing fraction zeros ("007.50" → "7.5"), as `format_ether_exact` writes it.
fn canonical(text: &str) -> String {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{fraction}")
    }
}

/// The whole contract of `parse_ether` on any text: no panic, a sentence for every refusal, and
/// an accepted amount is exactly the decimal typed.
fn check_amount(text: &str) -> Result<(), TestCaseError> {
    match parse_ether(text) {
        Ok(wei) => {
            prop_assert!(!wei.is_zero());
            prop_assert_eq!(format_ether_exact(wei), canonical(text), "{:?}", text);
        }
        Err(error) => assert_sentence(&error),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config_with(DEFAULT_CASES_CHEAP))]

    #[test]
    fn any_text_is_an_amount_or_a_sentence(text in any::<String>()) {
        check_amount(&text)?;
    }

    #[test]
    fn typed_amounts_parse_exactly_or_are_refused(text in typed_amount()) {
        check_amount(&text)?;
    }

    /// Every amount the page shows, at any precision, is one the form takes back, rounded down
    /// by less than one unit of the last decimal shown.
    #[test]
    fn displayed_amounts_parse_back(limbs in any::<[u64; 4]>(), decimals in any::<usize>()) {
        let wei = U256::from_limbs(limbs);
        let decimals = decimals % 40;
        let text = format_ether(wei, decimals);
        let shown = decimals.min(18);
        let unit = U256::from(10u8).pow(U256::from(18 - shown));
        match parse_ether(&text) {
            Ok(back) => {
                prop_assert!(back <= wei);
                prop_assert!(wei - back < unit);
            }
            Err(error) => {
                // Only zero is refused (the form wants a positive amount), or a display of
                // more than U256 holds, which no wei value gives.
                prop_assert_eq!(error, pool_core::AmountError::Zero, "{}", text);
                prop_assert!(wei < unit);
            }
        }
    }
}

/// The properties' oracle (`canonical`) on amounts whose value is known: a wrong oracle would
/// hide a wrong parser.
#[test]
fn the_oracle_agrees_on_known_amounts() {
    assert_eq!(canonical(" 007.50 "), "7.5");
    assert_eq!(canonical(".25"), "0.25");
    assert_eq!(canonical("2."), "2");
    for text in ["1", " 1.5 ", ".25", "2.", "0.000000000000000001"] {
        check_amount(text).unwrap();
    }
}
