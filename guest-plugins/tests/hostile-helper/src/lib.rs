//! Misbehaves on request, so `workbench scaffold` can be tested against a
//! hostile template helper: `{{misbehave "loop"}}` does the misdeed named
//! (see the misdeeds crate); `ok` behaves.

use misdeeds::misbehave;
use workbench_plugin::template_helper::{Error, HelperInfo, TemplateHelper, Value};

struct HostileHelper;

impl TemplateHelper for HostileHelper {
    fn helpers() -> Vec<HelperInfo> {
        vec![HelperInfo { name: "misbehave".into(), description: "Does the misdeed named.".into() }]
    }

    fn call(_helper: &str, args: Vec<Value>) -> Result<Value, Error> {
        let what = match args.first() {
            Some(Value::Text(what)) => what.clone(),
            _ => String::new(),
        };
        Ok(Value::Text(misbehave(&what).unwrap_or_else(|refused| format!("refused: {refused}"))))
    }
}

workbench_plugin::export_template_helper!(HostileHelper);
