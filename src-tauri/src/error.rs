//! The one error shape the UI sees: `{ "kind": ..., "message": ... }` (plus `field`
//! for an invalid field). The UI branches on `kind`, never on the wording, so the core's
//! `Error::kind()` is passed through unchanged and the shell adds only a few kinds of
//! its own (listed in [`kind`]).

use serde::Serialize;

/// Error kinds that come from the shell rather than the core.
pub mod kind {
    /// The user closed a dialog without choosing anything.
    pub const DIALOG_CANCELLED: &str = "dialog_cancelled";
    /// A request the UI should never make (unknown token, bad header…).
    pub const BAD_REQUEST: &str = "bad_request";
    /// There is no diary yet.
    pub const NO_VAULT: &str = "no_vault";
}

/// What every failing command returns to the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UiError {
    /// A stable machine-readable kind, e.g. `wrong_passphrase`.
    pub kind: String,
    /// A plain sentence the UI may show when it has nothing better to say.
    pub message: String,
    /// For `invalid_field`: which field, so the UI can point at it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl UiError {
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        UiError {
            kind: kind.to_string(),
            message: message.into(),
            field: None,
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        UiError {
            kind: "invalid_field".to_string(),
            message: message.into(),
            field: Some(field.to_string()),
        }
    }
}

impl From<daybook_core::Error> for UiError {
    fn from(err: daybook_core::Error) -> Self {
        UiError {
            kind: err.kind().to_string(),
            message: err.to_string(),
            field: err.field().map(str::to_string),
        }
    }
}

impl std::fmt::Display for UiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

/// Result type of every command.
pub type CmdResult<T> = Result<T, UiError>;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrong_passphrase_reaches_the_ui_as_kind_and_message() {
        let err = UiError::from(daybook_core::Error::WrongPassphrase);
        assert_eq!(
            serde_json::to_value(&err).unwrap(),
            json!({"kind": "wrong_passphrase", "message": "that passphrase does not open this diary"})
        );
    }

    #[test]
    fn invalid_field_names_the_field() {
        let err = UiError::from(daybook_core::Error::InvalidField {
            field: "description".into(),
            message: "please say what happened; the description cannot be empty".into(),
        });
        assert_eq!(
            serde_json::to_value(&err).unwrap(),
            json!({
                "kind": "invalid_field",
                "message": "description: please say what happened; the description cannot be empty",
                "field": "description"
            })
        );
    }

    #[test]
    fn locked_and_file_errors_keep_their_kinds() {
        let locked = serde_json::to_value(UiError::from(daybook_core::Error::Locked)).unwrap();
        assert_eq!(locked["kind"], "locked");
        let file = UiError::from(daybook_core::Error::File {
            path: "/tmp/x.jpg".into(),
            message: "permission denied".into(),
        });
        assert_eq!(
            serde_json::to_value(&file).unwrap(),
            json!({"kind": "file_unreadable", "message": "/tmp/x.jpg: permission denied"})
        );
    }
}
