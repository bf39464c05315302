pub fn run(_c: &crate::cli::Context, _n: &str, _f: super::Format) -> Result<crate::error::Exit, crate::error::Error> { todo!() }
