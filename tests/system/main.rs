//! The system suites: the real binary against real keyrings (four Secret Services, the kernel
//! keyring), the real SDK, git, docker's protocol and Python's clients, each test with its own
//! HOME, PIPELINE_DIR and keyring items. One test binary, so the suites link once;
//! scripts/test.sh sets MYSTIC_SYSTEM_TESTS, which compiles them in (see build.rs).

#![cfg(system_tests)]

#[path = "../common/mod.rs"]
mod common;

mod completions;
mod exec_output;
mod git_docker;
mod git_suite;
mod gnome_keyring;
mod headless;
mod hostile_machines;
mod keyutils;
mod leaks;
mod python_clients;
mod pyyaml;
mod readme;
mod reliability;
mod sdk;
mod sdk_python;
mod secret_service;
mod secret_services;
mod slow_keyring;
mod vectors;
mod workflows;
