//! kordon: a Kubernetes manifest security linter.
//!
//! kordon reads Kubernetes YAML and JSON, evaluates every object against a corpus of Rego rules
//! written in the OPA Gatekeeper contract (`violation[{"msg": ..., "details": ...}]` over
//! `input.review.object` and `input.parameters`), and reports each finding at the exact line and
//! column of the offending field.
//!
//! ```
//! use kordon::{Scanner, Source};
//!
//! let scanner = Scanner::builder().build().expect("the built-in rules load");
//! let manifest = "\
//! apiVersion: v1
//! kind: Pod
//! metadata:
//!   name: web
//! spec:
//!   containers:
//!     - name: app
//!       image: nginx:1.27
//!       securityContext:
//!         privileged: true
//! ";
//! let report = scanner.scan_sources(vec![Source::new("pod.yaml", manifest)]);
//! let finding = report
//!     .findings
//!     .iter()
//!     .find(|f| f.rule_id == "privileged-container")
//!     .expect("privileged is reported");
//! assert_eq!((finding.location.start.line, finding.location.start.column), (10, 9));
//! ```
#![deny(missing_docs)]
// A public item must not expose a type that users cannot name: that is how a private module
// leaks into the API without anyone deciding it should.
#![deny(unnameable_types)]

pub mod config;
pub mod document;
mod engine;
pub mod errors;
pub mod finding;
pub mod fix;
pub mod gatekeeper;
#[cfg(feature = "git")]
pub mod git;
pub mod input;
mod provenance;
mod related;
pub mod report;
pub mod rules;
pub mod scan;
mod scope;
pub mod suppress;
mod values_fix;
pub mod workload;

pub use document::{Document, Object, Source};
pub use errors::{ConfigErrors, RuleLoadErrors};
pub use input::render::RenderOptions;

// The crate README's example is compiled and run as a doc test, so it cannot rot.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
pub use finding::{
    Applicability, Finding, Fix, FixTarget, Location, PatchOp, Precision, Severity, Suppression,
    SuppressionKind,
};
pub use rules::{Rule, RuleMeta, RuleSet};
pub use scan::{ConfigureError, Problem, ProblemLevel, ScanReport, Scanner, ScannerBuilder};
