//! Object keys: building them from a hash and checking their exact shape.

use super::StoreError;

/// The extensions the store accepts.
pub const EXTENSIONS: &[&str] = &["png", "jpg", "webp"];

/// Length of a SHA-256 digest in hex.
const HASH_HEX_LEN: usize = 64;

/// The key for a SHA-256 (lowercase hex) and an extension:
/// `"<aa>/<bb>/<sha256hex>.<extension>"`. Fails with
/// [`StoreError::InvalidKey`] for an unknown extension or a malformed hash.
pub fn object_key(sha256_hex: &str, extension: &str) -> Result<String, StoreError> {
    if !is_hash(sha256_hex) || !EXTENSIONS.contains(&extension) {
        return Err(StoreError::InvalidKey);
    }
    Ok(format!(
        "{}/{}/{sha256_hex}.{extension}",
        &sha256_hex[..2],
        &sha256_hex[2..4]
    ))
}

/// Checks that `key` has exactly the shape [`object_key`] builds, so it can
/// be joined to the store's root safely: no `..`, no absolute paths, no
/// other characters, and the two directory levels match the hash.
pub fn validate_key(key: &str) -> Result<(), StoreError> {
    let mut parts = key.split('/');
    let (Some(first), Some(second), Some(file), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(StoreError::InvalidKey);
    };
    let Some((hash, extension)) = file.split_once('.') else {
        return Err(StoreError::InvalidKey);
    };
    let shaped = is_hash(hash)
        && EXTENSIONS.contains(&extension)
        && first == &hash[..2]
        && second == &hash[2..4];
    if shaped {
        Ok(())
    } else {
        Err(StoreError::InvalidKey)
    }
}

/// Exactly 64 lowercase hex digits.
fn is_hash(text: &str) -> bool {
    text.len() == HASH_HEX_LEN && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
