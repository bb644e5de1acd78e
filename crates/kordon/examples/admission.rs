//! The same rule corpus at runtime: an admission-webhook-style decision for one object.
//!
//! Reads an object (or an AdmissionReview, whose `request.object` is taken) as JSON on standard
//! input and prints `allow` or `deny` with the messages of findings at or above High.
//!
//! `kubectl create deployment web --image=nginx --dry-run=client -o json | cargo run -p kordon --example admission`

use std::io::Read;

use kordon::{Scanner, Severity, Source};

fn main() {
    let mut text = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("cannot read standard input: {error}");
        std::process::exit(2);
    }
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(error) => {
            eprintln!("not JSON: {error}");
            std::process::exit(2);
        }
    };
    // An AdmissionReview carries the object under request.object.
    let object = value.pointer("/request/object").cloned().unwrap_or(value);
    let scanner = match Scanner::builder().build() {
        Ok(scanner) => scanner,
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(2);
        }
    };
    let source = Source::new("admission-request.json", object.to_string());
    let report = scanner.scan_sources(vec![source]);
    let denials: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::High)
        .map(|f| format!("[{}] {}", f.rule_id, f.message))
        .collect();
    if denials.is_empty() {
        println!("allow");
    } else {
        println!("deny");
        for message in denials {
            println!("  {message}");
        }
    }
}
