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
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use clap::Args;

use crate::commands::site::{self, BuildArgs, Caches};
use crate::context::Context;
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
    /// human, or json: a line on stdout per build, shaped as `workbench
    /// build --format json`'s document plus what set it off (docs/json.md).
    #[arg(long, value_enum, default_value_t)]
    pub format: site::Format,
}

/// The project's workbench.toml as it is now, so an edit to steps, options
/// or metadata takes effect on the next rebuild. Where the site lives is
/// fixed while serving: moving it needs a restart.
fn reread(context: &Context, site: &site::Site, args: &ServeArgs) -> Result<Option<Context>, Error> {
    let Some(path) = &context.config.path else { return Ok(None) };
    let config = crate::config::Config::read(path)?;
    let moved = site::resolve(
        &config,
        args.dir.as_deref().map(|dir| context.resolve(dir)).as_deref(),
        &context.resolve(Path::new(".")),
    )?;
    if moved.source != site.source || moved.destination != site.destination {
        return Err(Error::input(format!("{}: [site] source or destination changed while serving", path.display()))
            .help("stop `workbench serve` (Ctrl-C) and start it again to serve the new location"));
    }
    Ok(Some(context.with_config(config)))
}

pub fn run(context: &Context, args: &ServeArgs) -> Result<Exit, Error> {
    let dir = args.dir.as_deref().map(|dir| context.resolve(dir));
    let project = site::project_context(context, dir.as_deref())?;
    let context = project.as_ref().unwrap_or(context);
    let site = site::resolve(&context.config, dir.as_deref(), &context.resolve(Path::new(".")))?;
    let build_args = BuildArgs {
        dir: args.dir.clone(),
        dry_run: false,
        check: None,
        check_timeout: 10.0,
        quiet: true,
        jobs: args.jobs,
        format: site::Format::Human,
    };
    let hub = Arc::new(reload::Hub::default());
    let mut caches = Caches::serving(&site, context.global.no_cache);

    let mut rebuild = |why: &str| {
        let started = Instant::now();
        let result = reread(context, &site, args)
            .and_then(|fresh| site::build(fresh.as_ref().unwrap_or(context), &site, &build_args, &mut caches));
        if args.format == site::Format::Json {
            let mut document = site::json(result.as_ref(), &site, false, started.elapsed());
            document["trigger"] = serde_json::json!(why);
            outln!(context, "{document}");
        }
        match result {
            Ok(_) if context.global.quiet => hub.reload(),
            Ok(outcome) => {
                errln!(
                    context,
                    "{why}: built {} files in {:.2}s",
                    outcome.files + outcome.copied,
                    started.elapsed().as_secs_f64()
                );
                hub.reload();
            }
            Err(error) => {
                context.report(&error);
                errln!(context, "  (still serving the last good build)");
                hub.fail(&error.to_string());
            }
        }
    };
    // Listening and watching come first: a port in use fails at once, and
    // an edit made during the first build is not missed.
    let server = http::Server::start((args.host, args.port).into(), site.destination.clone(), Arc::clone(&hub))?;
    let stop = context.stop_signal()?;
    let watcher = watch::Watcher::start(&site.root, &site.destination)?;
    rebuild("start");
    errln!(context, "serving {} at http://{}/ (Ctrl-C to stop)", site.destination.display(), server.address());
    while !stop.load(Ordering::SeqCst) {
        if let Some(changed) = watcher.next(Duration::from_millis(200)) {
            rebuild(&format!("changed {}", changed.display()));
        }
    }
    server.stop();
    caches.steps.save();
    errln!(context, "stopped");
    Ok(Exit::Success)
}

#[cfg(test)]
mod in_process {
    use std::io::{Read as _, Write as _};
    use std::sync::atomic::Ordering;
    use std::time::{Duration, Instant};

    use crate::error::Exit;
    use crate::testing::InProcess;

    /// Stops the server however a test ends: a failed assertion would
    /// otherwise leave the thread scope waiting on it for ever.
    struct StopOnDrop<'a>(&'a std::sync::atomic::AtomicBool);

    impl Drop for StopOnDrop<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[test]
    fn serves_the_built_site_until_the_stop_signal() {
        let project = InProcess::new()
            .file("workbench.toml", "[[site.steps]]\nplugin = \"markdown\"\n")
            .file("site/index.md", "# Served\n");
        let args = ["serve", "--port", "0"];
        let (context, capture) = project.context(&args);
        std::thread::scope(|scope| {
            let server = scope.spawn(|| project.run_in(&context, &capture, &args));
            let stop = StopOnDrop(&capture.stop);
            let deadline = Instant::now() + Duration::from_mins(1);
            let address = loop {
                let stderr = capture.stderr.text();
                if let Some(rest) = stderr.split(" at http://").nth(1) {
                    break rest.split('/').next().unwrap().to_string();
                }
                assert!(Instant::now() < deadline && !server.is_finished(), "never served: {stderr}");
                std::thread::sleep(Duration::from_millis(10));
            };
            let mut stream = std::net::TcpStream::connect(&address).expect("connect");
            stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
            let mut response = String::new();
            stream.read_to_string(&mut response).unwrap();
            assert!(response.starts_with("HTTP/1.1 200"), "{response}");
            assert!(response.contains(">Served</h1>"), "{response}");
            drop(stop);
            let ran = server.join().expect("serve does not panic");
            assert_eq!(ran.exit, Exit::Success, "{}", ran.stderr);
            assert!(ran.stderr.ends_with("stopped\n"), "{}", ran.stderr);
        });
    }
}
