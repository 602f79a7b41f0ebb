//! Reading the protected form from a multipart body, within limits, and storing it.

use super::{
    clock::{format_utc, Millis},
    store::{submissions::NewSubmission, Store},
};
use crate::domain::{About, Email, FormDraft, FullName, PhotoKind, Receipt, MAX_PHOTO_BYTES};

/// Any text field longer than this is refused while reading (the domain types have
/// tighter, friendlier limits).
const MAX_TEXT_BYTES: usize = 64 * 1024;
const MAX_FIELDS: usize = 16;
const MAX_SIDE: usize = 20_000;
const MAX_PIXELS: usize = 50_000_000;

pub struct Submission {
    pub full_name: FullName,
    pub email: Email,
    pub about: About,
    pub photo_kind: PhotoKind,
    pub photo: Vec<u8>,
}

/// A refusal the user can act on, with what they typed so nothing is lost.
pub struct Refused {
    pub message: String,
    pub draft: FormDraft,
}

/// Reads the form. A field is read only up to its limit, so an oversized body costs
/// no more than the limit.
pub async fn read(mut multipart: multer::Multipart<'static>) -> Result<Submission, Refused> {
    let mut draft = FormDraft::default();
    let mut photo: Option<Vec<u8>> = None;
    let mut fields = 0;
    let refuse =
        |message: &str, draft: &FormDraft| Refused { message: message.to_owned(), draft: draft.clone() };
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return Err(refuse("The form could not be read completely. Please try again.", &draft)),
        };
        fields += 1;
        if fields > MAX_FIELDS {
            return Err(refuse("The form has unexpected fields.", &draft));
        }
        let name = field.name().unwrap_or_default().to_owned();
        let limit = if name == "photo" { MAX_PHOTO_BYTES } else { MAX_TEXT_BYTES };
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) if bytes.len() + chunk.len() > limit => {
                    let message = if name == "photo" {
                        "The photo is larger than 5 MiB. Please choose a smaller one."
                    } else {
                        "A field of the form is far too long."
                    };
                    return Err(refuse(message, &draft));
                }
                Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(_) => {
                    return Err(refuse("The form could not be read completely. Please try again.", &draft))
                }
            }
        }
        let text = || String::from_utf8(bytes.clone()).map_err(|_| ());
        match name.as_str() {
            "full_name" => {
                draft.full_name = text().map_err(|_| refuse("“Full name” is not valid text.", &draft))?
            }
            "email" => draft.email = text().map_err(|_| refuse("“Email” is not valid text.", &draft))?,
            "about" => draft.about = text().map_err(|_| refuse("“About you” is not valid text.", &draft))?,
            "photo" => photo = Some(bytes),
            _ => {}
        }
    }
    let full_name = FullName::parse(&draft.full_name).map_err(|m| refuse(&m, &draft))?;
    let email = Email::parse(&draft.email).map_err(|m| refuse(&m, &draft))?;
    let about = About::parse(&draft.about).map_err(|m| refuse(&m, &draft))?;
    let photo = photo
        .filter(|p| !p.is_empty())
        .ok_or_else(|| refuse("Please choose a photo (JPEG, PNG or WebP).", &draft))?;
    let photo_kind = PhotoKind::sniff(&photo)
        .ok_or_else(|| refuse("The photo must be a JPEG, PNG or WebP image.", &draft))?;
    // A small file can claim enormous dimensions (a decompression bomb for whoever
    // opens it later): the header must be readable and the size sensible.
    match imagesize::blob_size(&photo) {
        Ok(size)
            if size.width <= MAX_SIDE
                && size.height <= MAX_SIDE
                && size.width * size.height <= MAX_PIXELS => {}
        Ok(_) => return Err(refuse("The photo's dimensions are too large (at most 50 megapixels).", &draft)),
        Err(_) => return Err(refuse("The photo could not be read as an image.", &draft)),
    }
    Ok(Submission { full_name, email, about, photo_kind, photo })
}

pub async fn store(store: &Store, subject: &str, s: &Submission, now: Millis) -> sqlx::Result<Receipt> {
    let id = store
        .insert_submission(
            NewSubmission {
                subject,
                full_name: s.full_name.as_str(),
                email: s.email.as_str(),
                about: s.about.as_str(),
                photo_type: s.photo_kind.mime(),
                photo: &s.photo,
            },
            now,
        )
        .await?;
    Ok(Receipt {
        id,
        full_name: s.full_name.as_str().to_owned(),
        email: s.email.as_str().to_owned(),
        about: s.about.as_str().to_owned(),
        photo_kind: s.photo_kind,
        photo_bytes: s.photo.len() as u64,
        received_at: format_utc(now),
    })
}

pub async fn latest(store: &Store, subject: &str) -> sqlx::Result<Option<Receipt>> {
    Ok(store.latest_submission(subject).await?.and_then(|r| {
        Some(Receipt {
            id: r.id,
            full_name: r.full_name,
            email: r.email,
            about: r.about,
            photo_kind: PhotoKind::from_mime(&r.photo_type)?,
            photo_bytes: r.photo_bytes as u64,
            received_at: format_utc(r.created_at),
        })
    }))
}
