//! The system suites: the real binary against real keyrings (four Secret Services, the kernel
//! keyring), the real SDK, git, docker's protocol and Python's clients, each test with its own
//! HOME, PIPELINE_DIR and keyring items. One test binary, so the suites link once;
//! scripts/test.sh sets MYSTIC_SYSTEM_TESTS, which compiles them in (see build.rs).

#![cfg(system_tests)]

#[path = "../common/mod.rs"]
mod common;

mod actions_and_files;
mod completions;
mod env_exec;
mod every_secret_service;
mod exec_output;
mod git_docker;
mod git_suite;
mod gnome_keyring;
mod headless;
mod hostile_machines;
mod keyutils;
mod leaks;
mod login;
mod migrate;
mod python_clients;
mod pyyaml;
mod readme;
mod reliability;
mod sdk;
mod sdk_python;
mod slow_keyring;
mod status;
mod vectors;
mod workflows;
