pub fn run(_c: &crate::cli::Context, _p: &[std::path::PathBuf]) -> Result<crate::error::Exit, crate::error::Error> { todo!() }
