use workbench_plugin::template_helper::{Error, HelperInfo, TemplateHelper, Value};

struct Strings;

fn text(helper: &str, args: &[Value]) -> Result<String, Error> {
    match args {
        [Value::Text(text)] => Ok(text.clone()),
        _ => Err(Error::InvalidInput(format!("`{helper}` takes one text argument"))),
    }
}

impl TemplateHelper for Strings {
    fn helpers() -> Vec<HelperInfo> {
        vec![
            HelperInfo { name: "upper".into(), description: "Uppercases a text.".into() },
            HelperInfo { name: "slug".into(), description: "Lowercase words joined by `-`.".into() },
        ]
    }

    fn call(helper: &str, args: Vec<Value>) -> Result<Value, Error> {
        match helper {
            "upper" => Ok(Value::Text(text(helper, &args)?.to_uppercase())),
            "slug" => {
                let text = text(helper, &args)?.to_lowercase();
                let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
                Ok(Value::Text(words.join("-")))
            }
            other => Err(Error::InvalidInput(format!("no helper `{other}`; known: upper, slug"))),
        }
    }
}

workbench_plugin::export_template_helper!(Strings);
