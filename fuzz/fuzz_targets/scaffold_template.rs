#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| workbench::fuzz::scaffold_template(data));
