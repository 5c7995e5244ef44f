//! A string that must never be printed: zeroized on drop, `Debug` prints `REDACTED`, no `Display`.

use zeroize::Zeroizing;

#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(Zeroizing<String>);

impl Secret {
    pub(crate) fn new(value: String) -> Self {
        Secret(Zeroizing::new(value))
    }
    /// The only way to read the value; grep for it to audit every place a secret leaves.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("REDACTED")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new("pipeline_sk_canary".into());
        assert_eq!(format!("{s:?}"), "REDACTED");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some(REDACTED)");
        assert_eq!(s.expose(), "pipeline_sk_canary");
    }
}
