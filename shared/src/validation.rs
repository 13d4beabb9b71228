//! Input rules applied by the SPA as the user types and by the server before any write.

use crate::FieldError;

pub const PASSWORD_MIN_CHARS: usize = 10;
/// Argon2 cost grows with input; a cap keeps a huge "password" from being a DoS.
pub const PASSWORD_MAX_CHARS: usize = 256;
pub const NAME_MAX_CHARS: usize = 200;
pub const EMAIL_MAX_CHARS: usize = 254;

/// Lower-cases and trims, so `Ann@Example.com ` and `ann@example.com` are one account.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn check_email(field: &str, email: &str) -> Option<FieldError> {
    let email = email.trim();
    if email.is_empty() {
        return Some(FieldError::new(field, "required", "Email is required."));
    }
    if email.chars().count() > EMAIL_MAX_CHARS {
        return Some(FieldError::new(field, "too_long", "Email is too long."));
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    };
    (!valid).then(|| FieldError::new(field, "invalid_email", "Enter a valid email address."))
}

pub fn check_password(field: &str, password: &str, email: &str) -> Option<FieldError> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Some(FieldError::new(
            field,
            "too_short",
            format!("Use at least {PASSWORD_MIN_CHARS} characters."),
        ));
    }
    if chars > PASSWORD_MAX_CHARS {
        return Some(FieldError::new(
            field,
            "too_long",
            format!("Use at most {PASSWORD_MAX_CHARS} characters."),
        ));
    }
    if !email.trim().is_empty() && password.trim().eq_ignore_ascii_case(email.trim()) {
        return Some(FieldError::new(
            field,
            "same_as_email",
            "The password must not be your email address.",
        ));
    }
    None
}

pub fn check_name(field: &str, label: &str, value: &str) -> Option<FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Some(FieldError::new(field, "required", format!("{label} is required.")));
    }
    (value.chars().count() > NAME_MAX_CHARS).then(|| {
        FieldError::new(
            field,
            "too_long",
            format!("{label} must be at most {NAME_MAX_CHARS} characters."),
        )
    })
}

/// Collects the problems of a whole form; empty means valid.
pub fn collect(checks: impl IntoIterator<Item = Option<FieldError>>) -> Vec<FieldError> {
    checks.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(check_email("email", "ann@example.com").is_none());
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert!(check_email("email", bad).is_some(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn passwords_must_be_ten_characters_and_not_the_email() {
        assert_eq!(
            check_password("password", "short", "a@b.co").map(|e| e.code),
            Some("too_short".into())
        );
        assert_eq!(
            check_password("password", "Ann@Example.com", "ann@example.com").map(|e| e.code),
            Some("same_as_email".into())
        );
        assert!(check_password("password", "correct horse battery", "ann@example.com").is_none());
    }

    #[test]
    fn password_length_counts_characters_not_bytes() {
        assert!(check_password("password", "ééééééééé", "").is_some());
        assert!(check_password("password", "éééééééééé", "").is_none());
    }

    #[test]
    fn blank_names_are_required() {
        assert_eq!(
            check_name("name", "Name", "   ").map(|e| e.code),
            Some("required".into())
        );
    }
}
