//! `workbench serve [DIR]`: build, serve the output on localhost, watch the
//! project, rebuild on change and reload open tabs. A failed rebuild keeps
//! the last good site up (the build's output is atomic) and shows the
//! error in the terminal and as an overlay in the browser; the next good
//! build clears it.
//!
//! - [`http`]: the static file server (hyper, with bounded heads and
//!   connections): traversal refused, directory indexes, content types,
//!   a 404 page, the reload script injected into HTML;
//! - [`reload`]: the server-sent-events hub the injected script listens to;
//! - [`watch`]: file events (notify), debounced, minus the output.

pub mod http;
pub mod reload;
pub mod watch;

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::Args;

use crate::cli::Context;
use crate::commands::build::{self, BuildArgs, Caches};
use crate::error::{Error, Exit};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The project (as for `workbench build`).
    pub dir: Option<PathBuf>,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Address to listen on. Widen it (e.g. 0.0.0.0) only on purpose: the
    /// site is then reachable from the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Threads for per-file steps [default: the number of cores].
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
}

/// The project's workbench.toml as it is now, so an edit to steps, options
/// or metadata takes effect on the next rebuild. Where the site lives is
/// fixed while serving: moving it needs a restart.
fn reread(context: &Context, site: &build::Site, args: &ServeArgs) -> Result<Option<Context>, Error> {
    let Some(path) = &context.config.path else { return Ok(None) };
    let config = crate::config::Config::read(path)?;
    let moved = build::resolve(&config, args.dir.as_deref())?;
    if moved.source != site.source || moved.destination != site.destination {
        return Err(Error::input(format!("{}: [site] source or destination changed while serving", path.display()))
            .help("stop `workbench serve` (Ctrl-C) and start it again to serve the new location"));
    }
    Ok(Some(Context { config, global: context.global.clone() }))
}

pub fn run(context: &Context, args: &ServeArgs) -> Result<Exit, Error> {
    let project = build::project_context(context, args.dir.as_deref())?;
    let context = project.as_ref().unwrap_or(context);
    let site = build::resolve(&context.config, args.dir.as_deref())?;
    let build_args = BuildArgs { dir: args.dir.clone(), dry_run: false, quiet: true, jobs: args.jobs };
    let hub = Arc::new(reload::Hub::default());
    let mut caches = Caches::serving(&site, context.global.no_cache);

    let mut rebuild = |why: &str| {
        let started = Instant::now();
        let result = reread(context, &site, args)
            .and_then(|fresh| build::build(fresh.as_ref().unwrap_or(context), &site, &build_args, &mut caches));
        match result {
            Ok(outcome) => {
                eprintln!(
                    "{why}: built {} files in {:.2}s",
                    outcome.files + outcome.copied,
                    started.elapsed().as_secs_f64()
                );
                hub.reload();
            }
            Err(error) => {
                crate::cli::report(&error);
                eprintln!("  (still serving the last good build)");
                hub.fail(&error.to_string());
            }
        }
    };
    // Listening and watching come first: a port in use fails at once, and
    // an edit made during the first build is not missed.
    let server = http::Server::start((args.host, args.port).into(), site.destination.clone(), Arc::clone(&hub))?;
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = Arc::clone(&stop);
        ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst))
            .map_err(|error| Error::input(format!("cannot handle Ctrl-C: {error}")))?;
    }
    let watcher = watch::Watcher::start(&site.root, &site.destination)?;
    rebuild("start");
    eprintln!("serving {} at http://{}/ (Ctrl-C to stop)", site.destination.display(), server.address());
    while !stop.load(Ordering::SeqCst) {
        if let Some(changed) = watcher.next(Duration::from_millis(200)) {
            rebuild(&format!("changed {}", changed.display()));
        }
    }
    server.stop();
    caches.steps.save();
    eprintln!("stopped");
    Ok(Exit::Success)
}
