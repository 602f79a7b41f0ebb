//! The app's secret, which keys the referral-code hashes.

use std::{fs, io::Write, path::Path};

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::domain::ReferralCode;

const FILE: &str = "secret";

#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// From the setting when given; otherwise read from the data folder, generating it
    /// there (readable by the owner only) on first start.
    pub fn load(setting: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        if let Some(s) = setting {
            anyhow::ensure!(s.len() >= 16, "REFERRAL_GATE_SECRET must be at least 16 characters");
            return Ok(Self(s.as_bytes().to_vec()));
        }
        let path = data_dir.join(FILE);
        match fs::read_to_string(&path) {
            Ok(text) => Ok(Self(hex::decode(text.trim())?)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut bytes = vec![0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                write_owner_only(&path, hex::encode(&bytes).as_bytes())?;
                Ok(Self(bytes))
            }
            Err(e) => Err(anyhow::anyhow!("cannot read {}: {e}", path.display())),
        }
    }

    /// HMAC-SHA256 of the canonical code, hex: what the store keeps instead of the code.
    pub fn digest(&self, code: &ReferralCode) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(code.canonical().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

fn write_owner_only(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o400);
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_keyed_and_ignores_typing() {
        let a = Secret(b"first secret of sixteen".to_vec());
        let b = Secret(b"other secret of sixteen".to_vec());
        let typed = ReferralCode::parse("abcd-efgh-jkmn").unwrap();
        let canonical = ReferralCode::parse("ABCDEFGHJKMN").unwrap();
        assert_eq!(a.digest(&typed), a.digest(&canonical));
        assert_ne!(a.digest(&typed), b.digest(&typed));
        assert_eq!(a.digest(&typed).len(), 64);
        assert!(!a.digest(&typed).contains("ABCD"));
    }

    #[test]
    fn generated_secret_is_owner_read_only_and_stable() {
        let dir = tempfile::tempdir().unwrap();
        let first = Secret::load(None, dir.path()).unwrap();
        let again = Secret::load(None, dir.path()).unwrap();
        assert_eq!(first.0, again.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join(FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o400);
        }
    }

    #[test]
    fn short_setting_is_refused() {
        assert!(Secret::load(Some("short"), Path::new("/nonexistent")).is_err());
    }
}
