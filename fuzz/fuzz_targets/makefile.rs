#![no_main]
// The `make` lint plugin's GNU Makefile parser, then every rule over it.
libfuzzer_sys::fuzz_target!(|data: &[u8]| make::fuzz_check(&String::from_utf8_lossy(data)));
