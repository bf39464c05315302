//! Globs as a step's options take them: a list, or one glob as a bare
//! string (`pattern = "posts/*.md"`), as Metalsmith's plugins take theirs.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Globs(pub Vec<String>);

impl Globs {
    pub fn of(globs: &[&str]) -> Globs {
        Globs(globs.iter().map(ToString::to_string).collect())
    }
}

impl std::ops::Deref for Globs {
    type Target = [String];

    fn deref(&self) -> &[String] {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Globs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Globs, D::Error> {
        struct GlobsVisitor;

        impl<'de> Visitor<'de> for GlobsVisitor {
            type Value = Globs;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a glob such as \"posts/*.md\", or a list of them")
            }

            fn visit_str<E: de::Error>(self, glob: &str) -> Result<Globs, E> {
                Ok(Globs(vec![glob.to_string()]))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Globs, A::Error> {
                let mut globs = Vec::new();
                while let Some(glob) = seq.next_element::<String>()? {
                    globs.push(glob);
                }
                Ok(Globs(globs))
            }
        }

        deserializer.deserialize_any(GlobsVisitor)
    }
}

impl JsonSchema for Globs {
    fn schema_name() -> Cow<'static, str> {
        "Globs".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A glob, or a list of globs.",
            "anyOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Globs;

    #[test]
    fn a_bare_string_is_one_glob_and_a_list_is_many() {
        let one: Globs = serde_json::from_str(r#""posts/*.md""#).unwrap();
        assert_eq!(one, Globs::of(&["posts/*.md"]));
        let many: Globs = serde_json::from_str(r#"["a/*", "b/*"]"#).unwrap();
        assert_eq!(many, Globs::of(&["a/*", "b/*"]));
    }

    #[test]
    fn anything_else_says_what_was_expected() {
        let error = serde_json::from_str::<Globs>("3").unwrap_err().to_string();
        assert!(error.contains("a glob such as"), "{error}");
    }
}
