//! End-to-end tests: the real binary over fixtures and the test plugins
//! under guest-plugins/tests (built by `make plugins`).

mod support;

mod bad_input;
mod cache;
mod lint;
mod plugins;
mod sandbox;
