# workbench: one CLI for the everyday jobs of a repository of small projects.
# Targets: default (= build), build, clean, clean-deps, lint, server, test
# (and check, polyglot, fetch, install, uninstall, bench, fuzz).
#
# `make build` needs Rust and make only. The example plugins in JavaScript,
# Python, C and Zig (`make polyglot`, which `make test` runs) also need
# Node.js with npm and Python 3 with venv.

# Tools
CARGO         ?= cargo
RUSTC         ?= rustc
MKDIR         ?= mkdir -p
CP            ?= cp -p
RM             = rm -rf # not ?=: make predefines RM as rm -f
CARGO_FUZZ    ?= cargo fuzz
INSTALL       ?= install

# Clippy lints this repository's own crates while they compile: cargo runs
# clippy-driver in rustc's place for workspace members only, so a build is
# linted for seconds more, where `cargo clippy` would first check every
# dependency again (ten minutes on two cores). Without clippy installed the
# build goes on unlinted, and `make lint` stops to say so.
CLIPPY_DRIVER ?= $(shell rustup which clippy-driver 2>/dev/null)
export RUSTC_WORKSPACE_WRAPPER ?= $(CLIPPY_DRIVER)

# Flags (override on the command line, e.g. `make test TEST_FLAGS=--no-fail-fast`).
# Cargo's progress shows on a terminal; CI (CI=true) keeps its log short.
CARGO_FLAGS   ?= --locked $(if $(filter true 1,$(CI)),--quiet)
TEST_FLAGS    ?=
LINT_FLAGS    ?= --quiet --max-warnings 0
SERVE_FLAGS   ?=
SITE          ?= examples/site
FUZZ_SECONDS  ?= 60
# Where `make install` puts the binary, man pages and completions
# (GNU conventions: DESTDIR stages a package, PREFIX is where it will live).
PREFIX        ?= /usr/local
DESTDIR       ?=

# In CI a warning, from rustc or clippy, fails the build. CI also skips
# the ThinLTO pass rustc runs over each crate's codegen units: that pass is
# a quarter of compiling the workbench crate (37 s of its 100 s, and the
# same share of wasmtime's and cranelift's), and tests check behaviour,
# not speed. Builds without CI=true (what users and bench/ run) keep it.
# Nor does CI keep incremental state for the one debug build (the guests'
# unit tests): a fresh clone never reuses it.
ifneq ($(filter true 1,$(CI)),)
export RUSTFLAGS ?= -D warnings
export CARGO_PROFILE_RELEASE_LTO ?= off
export CARGO_INCREMENTAL ?= 0
endif

# The host's tests and benchmarks; not --all-targets, which would also
# build a test harness for main.rs (`test = false`), linking wasmtime again.
HOST_TEST_TARGETS := --lib --tests --benches

# Layout
BUILD_DIR       := build
GUEST_DIR       := guest-plugins
GUEST_MANIFEST  := $(GUEST_DIR)/Cargo.toml
GUEST_TARGET    := wasm32-wasip2
GUEST_FLAGS     := --manifest-path $(GUEST_MANIFEST) --target $(GUEST_TARGET)
GUEST_OUT       := $(GUEST_DIR)/target/$(GUEST_TARGET)/release
# Guest crates with unit tests; they run natively (a cdylib cannot link there).
HOST_TARGET     := $(shell $(RUSTC) -vV | sed -n 's/^host: //p')
GUEST_UNIT_TESTS := -p fingerprints -p make -p services -p workbench-plugin-core \
                    -p site-kit -p in-place -p markdown -p permalinks -p excerpts -p highlight -p table-of-contents -p sass -p shortcodes -p search-index -p layouts -p images
BUNDLE_DIR      := $(BUILD_DIR)/plugins
TEST_PLUGIN_DIR := $(BUILD_DIR)/test-plugins
REFUSED_PLUGIN_DIR := $(BUILD_DIR)/refused-plugins
WORKBENCH       := $(BUILD_DIR)/workbench
# What `make install` writes under $(DESTDIR)$(PREFIX), and `uninstall` removes.
INSTALL_ROOT    := $(DESTDIR)$(PREFIX)
INSTALLED       := bin/workbench share/man/man1/workbench*.1 share/bash-completion/completions/workbench \
                   share/zsh/site-functions/_workbench share/fish/vendor_completions.d/workbench.fish

# Where a guest crate sits says what its component is, so no list is kept
# by hand: components (crates whose Cargo.toml makes a cdylib) under lint/,
# detect/ and site/ ship inside the binary; those under tests/ only serve
# the tests; those under refused/ must be refused by the host, and
# are kept apart so a directory load of build/test-plugins stays loadable.
# Each component file is named after its plugin (`in-place.wasm`), though
# cargo writes `in_place.wasm`.
components       = $(notdir $(patsubst %/Cargo.toml,%,$(shell grep -l cdylib $(1))))
cargo_out        = $(GUEST_OUT)/$$(echo $(1) | tr - _).wasm
# A component no longer built (removed or renamed) must not stay bundled.
prune            = for file in $(1)/*.wasm; do case " $(2) " in *" $$(basename $$file .wasm) "*) ;; *) $(RM) $$file;; esac; done
CORE_PLUGINS    := $(call components,$(wildcard $(GUEST_DIR)/lint/*/Cargo.toml $(GUEST_DIR)/detect/*/Cargo.toml $(GUEST_DIR)/site/*/Cargo.toml))
TEST_PLUGINS    := $(call components,$(wildcard $(GUEST_DIR)/tests/*/Cargo.toml))
REFUSED_PLUGINS := $(call components,$(wildcard $(GUEST_DIR)/refused/*/Cargo.toml))

FUZZ_TARGETS    := front_matter config scaffold_template suppressions page makefile fingerprints

# Example plugins in JavaScript, Python, C and Zig, each built by its own
# Makefile (see its header) into its build/, then gathered in build/polyglot.
# Their toolchains come from npm and PyPI (guest-plugins/requirements.txt, in
# a virtualenv); wasm-kit stands in for wit-bindgen-cli and wasm-tools.
PYTHON          ?= python3
VENV            := $(GUEST_DIR)/.venv
WASM_KIT        := target/tools/wasm-kit
POLYGLOT_PLUGINS := examples/js-detector/build/js-detector.wasm examples/py-lint/build/py-lint.wasm \
                    examples/c-reading-time/build/reading-time.wasm examples/zig-helpers/build/zig-helpers.wasm
POLYGLOT_DIRS   := $(patsubst %/build/,$(GUEST_DIR)/%,$(dir $(POLYGLOT_PLUGINS)))
POLYGLOT_OUT    := $(BUILD_DIR)/polyglot
POLYGLOT_TOOLS  := PYTHON=$(abspath $(VENV))/bin/python COMPONENTIZE_PY=$(abspath $(VENV))/bin/componentize-py \
                   WIT_BINDGEN="$(abspath $(WASM_KIT)) wit-bindgen" WASM_TOOLS="$(abspath $(WASM_KIT)) wasm-tools"

.PHONY: default build plugins polyglot toolchains fetch check clean clean-deps lint server test install uninstall bench fuzz

default: build

# The release binary, with the core plugins bundled, at build/workbench.
build: plugins
	@$(CARGO) build $(CARGO_FLAGS) --release
	@$(CP) target/release/workbench $(WORKBENCH)

# The binary (core plugins are inside it), a man page per command, and
# completions for bash, zsh and fish where those shells look for them.
install: build
	@$(MKDIR) $(INSTALL_ROOT)/bin $(INSTALL_ROOT)/share/man/man1 $(INSTALL_ROOT)/share/bash-completion/completions \
		$(INSTALL_ROOT)/share/zsh/site-functions $(INSTALL_ROOT)/share/fish/vendor_completions.d
	@$(INSTALL) -m 755 $(WORKBENCH) $(INSTALL_ROOT)/bin/workbench
	@$(WORKBENCH) man $(INSTALL_ROOT)/share/man/man1 >/dev/null
	@$(WORKBENCH) completions bash > $(INSTALL_ROOT)/share/bash-completion/completions/workbench
	@$(WORKBENCH) completions zsh > $(INSTALL_ROOT)/share/zsh/site-functions/_workbench
	@$(WORKBENCH) completions fish > $(INSTALL_ROOT)/share/fish/vendor_completions.d/workbench.fish
	@echo "installed workbench into $(INSTALL_ROOT)"

# Nothing installed there is nothing to do, not an error.
uninstall:
	@if cd $(INSTALL_ROOT) 2>/dev/null; then $(RM) $(INSTALLED); fi

# Every Rust guest component; core ones to build/plugins (bundled by
# host/build.rs), test ones to build/test-plugins.
# The core detector builds on its own: in one build with the rest, cargo
# unifies its regex features with fancy-regex's, and the full-DFA and
# Unicode tables those bring made it 40% slower a page.
plugins:
	@$(CARGO) build $(CARGO_FLAGS) --release $(GUEST_FLAGS) --workspace --exclude services
	@$(CARGO) build $(CARGO_FLAGS) --release $(GUEST_FLAGS) -p services
	@$(MKDIR) $(BUNDLE_DIR) $(TEST_PLUGIN_DIR) $(REFUSED_PLUGIN_DIR)
	@$(call prune,$(BUNDLE_DIR),$(CORE_PLUGINS))
	@$(call prune,$(TEST_PLUGIN_DIR),$(TEST_PLUGINS))
	@$(call prune,$(REFUSED_PLUGIN_DIR),$(REFUSED_PLUGINS))
	@for plugin in $(CORE_PLUGINS); do $(CP) $(call cargo_out,$$plugin) $(BUNDLE_DIR)/$$plugin.wasm; done
	@for plugin in $(TEST_PLUGINS); do $(CP) $(call cargo_out,$$plugin) $(TEST_PLUGIN_DIR)/$$plugin.wasm; done
	@for plugin in $(REFUSED_PLUGINS); do $(CP) $(call cargo_out,$$plugin) $(REFUSED_PLUGIN_DIR)/$$plugin.wasm; done

# The example plugins in other languages, gathered in build/polyglot.
polyglot: toolchains
	@for dir in $(POLYGLOT_DIRS); do $(MAKE) --no-print-directory -C $$dir build $(POLYGLOT_TOOLS) || exit 1; done
	@$(MKDIR) $(POLYGLOT_OUT)
	@$(call prune,$(POLYGLOT_OUT),$(basename $(notdir $(POLYGLOT_PLUGINS))))
	@for plugin in $(POLYGLOT_PLUGINS); do $(CP) $(GUEST_DIR)/$$plugin $(POLYGLOT_OUT)/; done

# What the examples download (PyPI into the virtualenv, npm packages), on
# its own so CI can fetch it while the host compiles.
fetch: $(VENV)/installed
	@$(MAKE) --no-print-directory -C $(GUEST_DIR)/examples/js-detector node_modules/.package-lock.json

toolchains: $(VENV)/installed
	@$(CARGO) build $(CARGO_FLAGS) --profile tools -p wasm-kit

$(VENV)/installed: $(GUEST_DIR)/requirements.txt
	@$(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check -r $(GUEST_DIR)/requirements.txt
	@touch $@

# Build output and transient files; downloaded dependencies stay.
clean:
	@$(RM) $(BUILD_DIR)
	@for dir in $(POLYGLOT_DIRS); do $(MAKE) --no-print-directory -C $$dir clean || exit 1; done

# Downloaded and compiled dependencies: both cargo target directories, the
# virtualenv and node_modules.
clean-deps:
	@$(RM) target $(GUEST_DIR)/target $(VENV) $(GUEST_DIR)/examples/js-detector/node_modules

# The edit loop: type-check and lint the host (with its tests) and the
# guests, no codegen.
check:
	@$(CARGO) check $(CARGO_FLAGS) --workspace --all-targets
	@$(CARGO) check $(CARGO_FLAGS) $(GUEST_FLAGS) --workspace

# Formatting, clippy, the examples' own linters, then workbench's own
# checks on this repository (with the release binary). `make build` linted
# the host and the plugins as it compiled them; what it does not compile is
# compiled here, linted the same way: the host's tests and benchmarks and
# the guests' unit tests (natively), ready for `make test` to run.
lint: build polyglot
	@test -n "$(RUSTC_WORKSPACE_WRAPPER)" || { echo "make lint needs clippy: rustup component add clippy" >&2; exit 1; }
	@$(CARGO) fmt --all --check
	@$(CARGO) fmt --all --check --manifest-path $(GUEST_MANIFEST)
	@for dir in $(POLYGLOT_DIRS); do $(MAKE) --no-print-directory -C $$dir lint $(POLYGLOT_TOOLS) || exit 1; done
	@$(CARGO) test $(CARGO_FLAGS) --release $(HOST_TEST_TARGETS) --no-run
	@$(CARGO) test $(CARGO_FLAGS) --manifest-path $(GUEST_MANIFEST) --target $(HOST_TARGET) --lib $(GUEST_UNIT_TESTS) --no-run
	@$(WORKBENCH) lint $(LINT_FLAGS)

# The example site (or SITE=dir) built, served on 127.0.0.1:8000 and
# rebuilt on every change, with live reload; Ctrl-C stops it.
server: build
	@$(WORKBENCH) serve $(SITE) $(SERVE_FLAGS)

# Lint, then unit and end-to-end tests (which load build/test-plugins and
# build/polyglot). The host's tests build in the release profile `make
# build` used: its dependencies (wasmtime most of all) and the workbench
# library are reused as they are, not compiled again for tests.
test: lint
	@$(CARGO) test $(CARGO_FLAGS) --manifest-path $(GUEST_MANIFEST) --target $(HOST_TARGET) --lib $(GUEST_UNIT_TESTS) $(TEST_FLAGS)
	@$(CARGO) test $(CARGO_FLAGS) --release --lib --tests $(TEST_FLAGS)

# Fuzzing: every parser that reads user input (fuzz/fuzz_targets), seeded
# from the test inputs, FUZZ_SECONDS each; findings land in fuzz/artifacts/.
# Needs `cargo install cargo-fuzz`.
fuzz:
	@$(PYTHON) fuzz/seed.py
	@for target in $(FUZZ_TARGETS); do \
		$(CARGO_FUZZ) run --sanitizer none -O $$target fuzz/corpus/$$target -- -max_total_time=$(FUZZ_SECONDS) || exit 1; \
	done

# Benchmarks a person reruns; see bench/README.md.
bench: plugins
	@$(CARGO) bench $(CARGO_FLAGS) --bench runtime
