//! End-to-end tests: the real binary over fixtures and the test plugins
//! under guest-plugins/tests (built by `make plugins`).

mod loopback;
mod registry;
mod support;

mod bad_input;
mod build;
mod cache;
mod cargo_generate;
mod conventions;
mod cookiecutter;
mod copier;
mod crash;
mod detect;
mod exit_codes;
mod images;
mod lint;
mod make;
mod metalsmith;
mod plugin_sources;
mod plugins;
mod polyglot;
mod sandbox;
mod scaffold;
mod schemas;
mod serve;
mod template_sources;
