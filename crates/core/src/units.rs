//! Exact conversion between ETH amounts typed or shown as decimal text and wei.
//!
//! No floating point anywhere: a typed "1.5" becomes exactly 1_500_000_000_000_000_000 wei.
//!
//! ```
//! use alloy_primitives::U256;
//! use pool_core::units::{format_ether, parse_ether, AmountError};
//!
//! let wei = parse_ether("1.5").unwrap();
//! assert_eq!(wei, U256::from(1_500_000_000_000_000_000u128));
//! assert_eq!(format_ether(wei, 4), "1.5");
//! assert_eq!(parse_ether("1.2345678901234567891"), Err(AmountError::TooManyDecimals));
//! ```

use alloy_primitives::U256;

/// Decimals of ETH and of poolETH.
pub const ETHER_DECIMALS: usize = 18;

/// Why a typed amount is not an amount of ETH, in words a staker can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountError {
    Empty,
    NotANumber,
    TooManyDecimals,
    TooLarge,
    Zero,
}

impl std::fmt::Display for AmountError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AmountError::Empty => "Enter an amount of ETH.",
            AmountError::NotANumber => {
                "Enter the amount as a plain number, for example 1.5 (digits and one decimal point)."
            }
            AmountError::TooManyDecimals => "ETH has at most 18 decimals.",
            AmountError::TooLarge => "That amount is far larger than any ETH balance.",
            AmountError::Zero => "Enter an amount above zero.",
        })
    }
}

impl std::error::Error for AmountError {}

/// Parses a decimal ETH amount ("1", "1.5", ".25", "2.") into wei. Surrounding white space is
/// ignored; signs, exponents, thousands separators and a zero amount are refused.
pub fn parse_ether(text: &str) -> Result<U256, AmountError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AmountError::Empty);
    }
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (text, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return Err(AmountError::NotANumber);
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > ETHER_DECIMALS {
        return Err(AmountError::TooManyDecimals);
    }
    let mut digits = String::with_capacity(whole.len() + ETHER_DECIMALS);
    digits.push_str(whole);
    digits.push_str(fraction);
    digits.extend(std::iter::repeat_n('0', ETHER_DECIMALS - fraction.len()));
    let wei = U256::from_str_radix(&digits, 10).map_err(|_| AmountError::TooLarge)?;
    if wei.is_zero() {
        return Err(AmountError::Zero);
    }
    Ok(wei)
}

/// Formats wei as ETH with at most `max_decimals` decimals, rounding down (a balance is never
/// shown larger than it is) and dropping trailing zeros: `format_ether(1.25e18, 4) == "1.25"`.
pub fn format_ether(wei: U256, max_decimals: usize) -> String {
    let max_decimals = max_decimals.min(ETHER_DECIMALS);
    let unit = U256::from(10u8).pow(U256::from(ETHER_DECIMALS));
    let whole = wei / unit;
    let fraction = format!(
        "{:0>width$}",
        (wei % unit).to_string(),
        width = ETHER_DECIMALS
    );
    let fraction = fraction[..max_decimals].trim_end_matches('0');
    if fraction.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{fraction}")
    }
}

/// Every wei of the amount: `format_ether(wei, 18)`.
pub fn format_ether_exact(wei: U256) -> String {
    format_ether(wei, ETHER_DECIMALS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ETH: u128 = 1_000_000_000_000_000_000;

    #[test]
    fn parses_common_forms() {
        assert_eq!(parse_ether("1"), Ok(U256::from(ETH)));
        assert_eq!(parse_ether(" 1.5 "), Ok(U256::from(3 * ETH / 2)));
        assert_eq!(parse_ether(".25"), Ok(U256::from(ETH / 4)));
        assert_eq!(parse_ether("2."), Ok(U256::from(2 * ETH)));
        assert_eq!(parse_ether("0.000000000000000001"), Ok(U256::from(1u8)));
        assert_eq!(
            parse_ether("1.500000000000000000000"),
            Ok(U256::from(3 * ETH / 2))
        );
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        assert_eq!(parse_ether(""), Err(AmountError::Empty));
        assert_eq!(parse_ether("   "), Err(AmountError::Empty));
        for bad in [
            ".", "-1", "+1", "1e18", "1,5", "1.2.3", "abc", "0x10", "1 000",
        ] {
            assert_eq!(parse_ether(bad), Err(AmountError::NotANumber), "{bad}");
        }
        assert_eq!(
            parse_ether("0.0000000000000000001"),
            Err(AmountError::TooManyDecimals)
        );
        assert_eq!(parse_ether("0"), Err(AmountError::Zero));
        assert_eq!(parse_ether("0.000"), Err(AmountError::Zero));
        assert_eq!(parse_ether(&"9".repeat(80)), Err(AmountError::TooLarge));
    }

    #[test]
    fn formats_with_bounded_precision_rounding_down() {
        assert_eq!(format_ether(U256::ZERO, 4), "0");
        assert_eq!(format_ether(U256::from(3 * ETH / 2), 4), "1.5");
        assert_eq!(format_ether(U256::from(ETH - 1), 4), "0.9999");
        assert_eq!(
            format_ether_exact(U256::from(ETH - 1)),
            "0.999999999999999999"
        );
        assert_eq!(format_ether(U256::from(1u8), 4), "0");
    }

    proptest! {
        #[test]
        fn exact_format_round_trips(wei in 1u128..) {
            let wei = U256::from(wei);
            prop_assert_eq!(parse_ether(&format_ether_exact(wei)), Ok(wei));
        }
    }
}
