use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// A role's options type: what a user writes in the plugin's table of
/// `workbench.toml`, deserialized from the JSON object the host passes to
/// every call. Any `Deserialize + Default + JsonSchema` type is one, its
/// schema derived for `workbench plugins info`; [`NoOptions`] is the one of a
/// plugin that takes none.
pub trait PluginOptions: DeserializeOwned + Default {
    /// JSON Schema of the options, as JSON text; None shows no schema.
    fn schema() -> Option<String>;
}

impl<T: DeserializeOwned + Default + JsonSchema> PluginOptions for T {
    fn schema() -> Option<String> {
        Some(schemars::schema_for!(T).as_value().to_string())
    }
}

/// The options of a plugin that takes none: whatever the table holds is
/// ignored, and no schema is shown.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct NoOptions {}

impl PluginOptions for NoOptions {
    fn schema() -> Option<String> {
        None
    }
}

/// Reads the options text the host passes: empty means the defaults. A
/// failure names the option (`posts.pattern`, by serde_path_to_error) and
/// says what is wrong in serde's words (an unknown field, a wrong type and
/// the value given), without a position in a JSON text the user never wrote.
pub fn parse<T: PluginOptions>(text: &str) -> Result<T, String> {
    if text.trim().is_empty() {
        return Ok(T::default());
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|error| format!("options are not valid JSON: {error}"))?;
    serde_path_to_error::deserialize(&value).map_err(|error| match error.path().to_string().as_str() {
        "." => error.inner().to_string(),
        path => format!("`{path}`: {}", error.inner()),
    })
}

#[cfg(test)]
mod tests {
    use super::{NoOptions, PluginOptions, parse};

    #[derive(serde::Deserialize, schemars::JsonSchema, Default, Debug, PartialEq)]
    #[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
    struct Settings {
        /// Columns before a line is too long.
        line_width: u32,
    }

    #[test]
    fn empty_text_means_the_defaults() {
        assert_eq!(parse::<Settings>("").unwrap(), Settings::default());
        assert_eq!(parse::<Settings>("{}").unwrap(), Settings::default());
    }

    #[test]
    fn keys_are_read_in_the_type_s_own_spelling() {
        assert_eq!(parse::<Settings>(r#"{"line-width": 3}"#).unwrap(), Settings { line_width: 3 });
    }

    #[test]
    fn an_unknown_key_is_reported_by_name() {
        assert!(parse::<Settings>(r#"{"line-widht": 3}"#).unwrap_err().contains("line-widht"));
    }

    #[test]
    fn a_wrong_value_names_the_option_and_the_value() {
        let error = parse::<Settings>(r#"{"line-width": "wide"}"#).unwrap_err();
        assert!(error.starts_with("`line-width`: invalid type: string \"wide\""), "{error}");
    }

    #[test]
    fn text_that_is_not_json_says_so() {
        assert!(parse::<Settings>("{").unwrap_err().starts_with("options are not valid JSON"));
    }

    #[test]
    fn the_schema_is_derived_from_the_type() {
        let schema: serde_json::Value = serde_json::from_str(&Settings::schema().unwrap()).unwrap();
        assert_eq!(schema["properties"]["line-width"]["description"], "Columns before a line is too long.");
        assert_eq!(schema["additionalProperties"], false);
    }

    #[test]
    fn a_plugin_without_options_ignores_what_it_is_given_and_shows_no_schema() {
        assert!(parse::<NoOptions>(r#"{"anything": [1, 2]}"#).is_ok());
        assert!(NoOptions::schema().is_none());
    }
}
