//! Misbehaves on request, so `workbench build` can be tested against a
//! hostile step: each file's contents name the misdeed; `ok` behaves.

use workbench_plugin::NoOptions;
use workbench_plugin::site_step::{Error, Site, SiteStep};

struct HostileStep;

impl SiteStep for HostileStep {
    type Options = NoOptions;

    fn run(mut site: Site, _options: &NoOptions) -> Result<Site, Error> {
        for file in &mut site.files {
            match String::from_utf8_lossy(&file.contents).trim() {
                "escape" => file.path = format!("../{}", file.path),
                "absolute" => file.path = "/tmp/workbench-hostile-step".into(),
                "nul" => file.path = "a\0b.html".into(),
                "bad-metadata" => file.metadata = "[1, 2]".into(),
                "panic" => panic!("hostile step panicked on purpose"),
                "loop" => loop {
                    std::hint::black_box(0);
                },
                "fail" => return Err(Error::InvalidInput(format!("{}: failing on purpose", file.path))),
                _ => {}
            }
        }
        Ok(site)
    }
}

workbench_plugin::export_site_step!(HostileStep);
