//! The misdeeds of the hostile test plugins, one per word, shared by every
//! role so each role's host path is tested against the same list. A plugin
//! hands over what arrived (file contents, a page URL's last segment, a
//! helper argument) and reports what came back.

/// `Ok` is what the plugin returns, `Err` what the sandbox refused it.
pub fn misbehave(what: &str) -> Result<String, String> {
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
        // 96 MiB of output: past a small memory limit, or through to the host.
        "huge-output" => Ok("x".repeat(96 << 20)),
        // A string the canonical ABI must refuse to lift.
        "bad-utf8" => Ok(invalid_utf8()),
        // Terminal escapes aimed at the user's screen.
        "escapes" => Ok("\u{1b}[2J\u{1b}]0;owned\u{7}cleared".into()),
        // The log import called as no binding would: a level that is not
        // in the enum, then a message pointer far outside memory.
        "garbage-log" => {
            raw_log(99, b"x".as_ptr() as usize, 1);
            Ok("logged".into())
        }
        "wild-pointer" => {
            raw_log(0, 0xffff_fff0, 4096);
            Ok("logged".into())
        }
        other => Err(format!("unknown misdeed `{other}`")),
    }
}

#[inline(never)]
fn recurse(depth: u64) -> u64 {
    if depth == u64::MAX {
        return 0;
    }
    let frame = [depth; 64];
    std::hint::black_box(&frame);
    recurse(depth + 1) + frame[3]
}

#[allow(unsafe_code, reason = "the point is to hand the host a string that is not UTF-8")]
fn invalid_utf8() -> String {
    // SAFETY: not sound Rust by design; the string is only handed to the
    // host, which must check it.
    unsafe { String::from_utf8_unchecked(vec![b'a', 0xff, 0xfe, b'z']) }
}

#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code, reason = "a hostile plugin calls the host's import with bad arguments on purpose")]
#[link(wasm_import_module = "workbench:plugin/log@0.2.0")]
unsafe extern "C" {
    #[link_name = "log"]
    fn log_import(level: i32, message: usize, len: usize);
}

#[allow(unsafe_code, reason = "calling the host's import with arguments no binding would pass")]
fn raw_log(level: i32, message: usize, len: usize) {
    #[cfg(target_arch = "wasm32")]
    // SAFETY: the host validates every argument; that is what is tested.
    unsafe {
        log_import(level, message, len);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (level, message, len);
}
