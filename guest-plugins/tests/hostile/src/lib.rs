//! Misbehaves on request, so the host's sandbox can be tested. A lint-check
//! plugin: each file's contents name the misdeed; `ok` behaves.

use workbench_plugin::lint_check::{Diagnostic, Error, File, LintCheck, RuleInfo, Severity};
use workbench_plugin::{Options, Plugin};

struct Hostile;

impl Plugin for Hostile {}

#[inline(never)]
fn recurse(depth: u64) -> u64 {
    if depth == u64::MAX {
        return 0;
    }
    let frame = [depth; 64];
    std::hint::black_box(&frame);
    recurse(depth + 1) + frame[3]
}

fn misbehave(what: &str) -> Result<String, String> {
    match what {
        "ok" => Ok("behaved".into()),
        "loop" => loop {
            std::hint::black_box(0);
        },
        "memory" => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(vec![1; 16 << 20]);
                std::hint::black_box(&hoard);
            }
        }
        "panic" => panic!("hostile plugin panicked on purpose"),
        "stack" => Ok(recurse(0).to_string()),
        "read-file" => std::fs::read_to_string("/etc/passwd").map_err(|e| format!("read /etc/passwd: {e}")),
        "env" => std::env::var("HOME").map_err(|e| format!("env HOME: {e}")),
        "socket" => std::net::TcpStream::connect("127.0.0.1:9")
            .map(|_| "connected".to_string())
            .map_err(|e| format!("connect 127.0.0.1:9: {e}")),
        "stdout" => {
            println!("hostile plugin writing to stdout");
            eprintln!("hostile plugin writing to stderr");
            Ok("printed".into())
        }
        other => Err(format!("unknown misdeed `{other}`")),
    }
}

impl LintCheck for Hostile {
    fn rules() -> Vec<RuleInfo> {
        vec![RuleInfo {
            id: "hostile/outcome".into(),
            default_severity: Severity::Info,
            summary: "what the misdeed returned".into(),
            explanation: "Reports what each requested misdeed returned, if it returned.".into(),
            fixable: false,
        }]
    }

    fn check(files: Vec<File>, _options: &Options) -> Result<Vec<Diagnostic>, Error> {
        let mut found = Vec::new();
        for file in files {
            let what = String::from_utf8_lossy(&file.contents).trim().to_string();
            let message = match misbehave(&what) {
                Ok(outcome) => outcome,
                Err(refused) => format!("refused: {refused}"),
            };
            found.push(Diagnostic {
                rule: "hostile/outcome".into(),
                severity: Severity::Info,
                message,
                path: file.path,
                span: None,
                help: None,
                fix: None,
            });
        }
        Ok(found)
    }
}

workbench_plugin::export_lint_check!(Hostile);
