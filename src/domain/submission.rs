//! The protected form's fields, checked the same way in the browser and the server.

use serde::{Deserialize, Serialize};

/// Largest photo accepted: 5 MiB.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

macro_rules! text_field {
    ($name:ident, $label:literal, $max:literal) => {
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(input: &str) -> Result<Self, String> {
                let s = input.trim();
                if s.is_empty() {
                    return Err(format!("Please fill in “{}”.", $label));
                }
                if s.chars().count() > $max {
                    return Err(format!("“{}” can be at most {} characters.", $label, $max));
                }
                if s.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
                    return Err(format!("“{}” contains characters that are not allowed.", $label));
                }
                Ok(Self(s.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

text_field!(FullName, "Full name", 200);
text_field!(About, "About you", 4000);

/// An email address, checked for shape only (one `@`, a dot in the domain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim();
        if s.is_empty() {
            return Err("Please fill in “Email”.".into());
        }
        let valid = s.len() <= 254
            && !s.chars().any(char::is_whitespace)
            && match s.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if valid {
            Ok(Self(s.to_owned()))
        } else {
            Err("Please enter an email address like name@example.com.".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The image formats accepted, recognised by their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhotoKind {
    Jpeg,
    Png,
    Webp,
}

impl PhotoKind {
    /// Looks at the file's first bytes (its signature), never at its name.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [0xFF, 0xD8, 0xFF, ..] => Some(Self::Jpeg),
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(Self::Png),
            [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(Self::Webp),
            _ => None,
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }

    pub fn from_mime(mime: &str) -> Option<Self> {
        match mime {
            "image/jpeg" => Some(Self::Jpeg),
            "image/png" => Some(Self::Png),
            "image/webp" => Some(Self::Webp),
            _ => None,
        }
    }
}

/// What the server received, shown back on the confirmation page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub id: i64,
    pub full_name: String,
    pub email: String,
    pub about: String,
    pub photo_kind: PhotoKind,
    pub photo_bytes: u64,
    pub received_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(PhotoKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]), Some(PhotoKind::Jpeg));
        assert_eq!(PhotoKind::sniff(b"\x89PNG\r\n\x1a\n...."), Some(PhotoKind::Png));
        assert_eq!(PhotoKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(PhotoKind::Webp));
        assert_eq!(PhotoKind::sniff(b"GIF89a"), None);
        assert_eq!(PhotoKind::sniff(b"<html>"), None);
        assert_eq!(PhotoKind::sniff(b""), None);
    }

    #[test]
    fn fields() {
        assert!(FullName::parse("  ").is_err());
        assert!(FullName::parse(&"x".repeat(201)).is_err());
        assert_eq!(FullName::parse(" Ada Lovelace ").unwrap().as_str(), "Ada Lovelace");
        assert!(About::parse("bell\u{7}").is_err());
        assert!(Email::parse("ada@example.com").is_ok());
        for bad in ["", "ada", "ada@", "@x.com", "a@b", "a b@c.com", "a@b@c.com", "a@.com"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
