//! Referral codes: Crockford base32, typed in any case, with or without separators.

use std::fmt;

/// Characters of Crockford's base32 alphabet, used for generated codes.
pub const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Length of a generated code, without separators.
pub const GENERATED_LEN: usize = 12;
const MIN_LEN: usize = 6;
const MAX_LEN: usize = 32;
/// Longest raw input accepted before normalisation (separators included).
const MAX_INPUT: usize = 64;

/// A referral code in canonical form: upper case, no separators, with the letters
/// Crockford treats as look-alikes folded (O→0, I/L→1). Generated and custom codes
/// are normalised the same way, so a code matches however it is typed.
#[derive(Clone, PartialEq, Eq)]
pub struct ReferralCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("Please enter the referral code.")]
    Empty,
    #[error("A referral code has 6 to 32 letters and digits, like ABCD-EFGH-JKMN.")]
    Malformed,
}

impl ReferralCode {
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let out = fold(input).ok_or(CodeError::Malformed)?;
        match out.len() {
            0 => Err(CodeError::Empty),
            n if !(MIN_LEN..=MAX_LEN).contains(&n) => Err(CodeError::Malformed),
            _ => Ok(Self(out)),
        }
    }

    /// Four characters typed as a code's beginning, folded like a code (for revoking
    /// by the prefix that listings show).
    pub fn display_prefix(input: &str) -> Option<String> {
        fold(input).filter(|p| p.len() == 4)
    }

    /// Builds a code from 12 symbols drawn from [`CROCKFORD`] (the server's generator).
    pub fn from_symbols(symbols: [u8; GENERATED_LEN]) -> Self {
        Self(symbols.iter().map(|&i| CROCKFORD[(i & 31) as usize] as char).collect())
    }

    /// The canonical form: what is hashed and compared.
    pub fn canonical(&self) -> &str {
        &self.0
    }

    /// The first characters, kept in clear so administrators can tell codes apart.
    pub fn prefix(&self) -> &str {
        &self.0[..4]
    }
}

/// Upper case, separators dropped, look-alikes folded; `None` for other characters.
fn fold(input: &str) -> Option<String> {
    if input.len() > MAX_INPUT {
        return None;
    }
    let mut out = String::with_capacity(GENERATED_LEN);
    for c in input.chars() {
        match c.to_ascii_uppercase() {
            '-' | ' ' | '\t' => {}
            'O' => out.push('0'),
            'I' | 'L' => out.push('1'),
            c @ ('0'..='9' | 'A'..='Z') => out.push(c),
            _ => return None,
        }
    }
    Some(out)
}

/// Groups of four joined by dashes: `XXXX-XXXX-XXXX`.
impl fmt::Display for ReferralCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, chunk) in self.0.as_bytes().chunks(4).enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            f.write_str(std::str::from_utf8(chunk).map_err(|_| fmt::Error)?)?;
        }
        Ok(())
    }
}

/// Never prints the code itself, so it cannot leak into logs by accident.
impl fmt::Debug for ReferralCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReferralCode({}…)", self.prefix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_any_case_and_separators() {
        let a = ReferralCode::parse("abcd-efgh-jkmn").unwrap();
        let b = ReferralCode::parse(" ABCD EFGH JKMN ").unwrap();
        let c = ReferralCode::parse("AbCdEfGhJkMn").unwrap();
        assert_eq!(a, b);
        assert_eq!(b, c);
        assert_eq!(a.to_string(), "ABCD-EFGH-JKMN");
    }

    #[test]
    fn folds_look_alikes() {
        let a = ReferralCode::parse("O0IL-1111-AAAA").unwrap();
        assert_eq!(a.canonical(), "00111111AAAA");
    }

    #[test]
    fn refuses_bad_input() {
        assert_eq!(ReferralCode::parse(""), Err(CodeError::Empty));
        assert_eq!(ReferralCode::parse(" - - "), Err(CodeError::Empty));
        assert_eq!(ReferralCode::parse("ABC"), Err(CodeError::Malformed));
        assert_eq!(ReferralCode::parse("ABCD-EFGH-JKM!"), Err(CodeError::Malformed));
        assert_eq!(ReferralCode::parse("ÄBCD-EFGH-JKMN"), Err(CodeError::Malformed));
        assert_eq!(ReferralCode::parse(&"A".repeat(33)), Err(CodeError::Malformed));
        assert_eq!(ReferralCode::parse(&"A".repeat(10_000)), Err(CodeError::Malformed));
    }

    #[test]
    fn generated_symbols_are_crockford() {
        let code = ReferralCode::from_symbols([0, 1, 2, 3, 28, 29, 30, 31, 32, 33, 255, 17]);
        assert_eq!(code.to_string(), "0123-WXYZ-01ZH");
        assert_eq!(ReferralCode::parse(&code.to_string()).unwrap(), code);
    }

    #[test]
    fn debug_hides_the_code() {
        let code = ReferralCode::parse("ABCD-EFGH-JKMN").unwrap();
        assert!(!format!("{code:?}").contains("EFGH"));
    }
}
