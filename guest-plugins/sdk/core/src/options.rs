use serde::de::DeserializeOwned;

/// The options a user configured for this plugin: a JSON object, `{}` when
/// none were given.
#[derive(Debug, Clone, Default)]
pub struct Options {
    value: serde_json::Value,
}

impl Options {
    /// Reads the JSON text the host passes to every call.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let text = if text.trim().is_empty() { "{}" } else { text };
        serde_json::from_str(text)
            .map(|value| Options { value })
            .map_err(|error| format!("options are not valid JSON: {error}"))
    }

    /// The whole object, for plugins that read keys by hand.
    pub fn value(&self) -> &serde_json::Value {
        &self.value
    }

    /// Deserializes the options into the plugin's own type. Give that type
    /// `#[serde(default, deny_unknown_fields)]` so that omitted keys take
    /// defaults and misspelled ones are reported.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, String> {
        T::deserialize(&self.value).map_err(|error| error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::Options;

    #[derive(serde::Deserialize, Default, Debug, PartialEq)]
    #[serde(default, deny_unknown_fields)]
    struct Settings {
        width: u32,
    }

    #[test]
    fn empty_text_means_no_options() {
        let options = Options::from_json("").unwrap();
        assert_eq!(options.parse::<Settings>().unwrap(), Settings::default());
    }

    #[test]
    fn unknown_key_is_reported_by_name() {
        let options = Options::from_json(r#"{"widht": 3}"#).unwrap();
        assert!(options.parse::<Settings>().unwrap_err().contains("widht"));
    }
}
