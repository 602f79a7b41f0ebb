//! Who is signing in: usernames and passwords as checked types.

use std::fmt;

/// A username: 1–64 characters of letters, digits and `.`, `_`, `-`, `@`, `+`.
/// Kept as typed (Cognito usernames are case-sensitive).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let s = input.trim();
        if s.is_empty() {
            return Err("Please enter your username.");
        }
        let ok = s.chars().count() <= 64 && s.chars().all(|c| c.is_alphanumeric() || "._-@+".contains(c));
        if !ok {
            return Err("A username has at most 64 letters, digits and . _ - @ +");
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Username({})", self.0)
    }
}

/// A password as typed. Never printed.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MAX_LEN: usize = 256;

    pub fn parse(input: String) -> Result<Self, &'static str> {
        if input.is_empty() {
            return Err("Please enter your password.");
        }
        if input.len() > Self::MAX_LEN {
            return Err("That password is too long.");
        }
        Ok(Self(input))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(Username::parse(" alice ").unwrap().as_str(), "alice");
        assert!(Username::parse("").is_err());
        assert!(Username::parse("a b").is_err());
        assert!(Username::parse(&"a".repeat(65)).is_err());
        assert!(Username::parse("bob@example.com").is_ok());
    }

    #[test]
    fn passwords() {
        assert!(Password::parse(String::new()).is_err());
        assert!(Password::parse("x".repeat(257)).is_err());
        assert!(!format!("{:?}", Password::parse("hunter2".into()).unwrap()).contains("hunter2"));
    }
}
