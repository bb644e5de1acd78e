//! What the fuzz targets run, shared with the regression test that replays the checked-in corpus
//! (`crates/kordon/tests/fuzz_corpus.rs` includes this file), so both exercise the same code.
//!
//! Each entry point panics when an invariant breaks, which is what libFuzzer reports as a crash.

use std::sync::{Arc, OnceLock};

use kordon::document::{Document, Node, NodeValue, ParseLimits, Span};
use kordon::report::{
    HumanOptions, ReportContext, ReportOptions, SarifOptions, TemplateFormat, render_human,
    render_json, render_report, render_sarif,
};
use kordon::{Scanner, Source};

/// The reader: bytes are decoded as a file would be, then parsed; every span must lie inside
/// the text on character boundaries and every problem must be locatable.
pub fn read(bytes: &[u8]) {
    let text = match kordon::input::decode(bytes.to_vec()) {
        Ok(text) => text,
        Err(error) => {
            if let Some(position) = error.position {
                assert!(position.line >= 1 && position.column >= 1, "{error}");
            }
            return;
        }
    };
    let document = Document::parse(
        Arc::new(Source::new("fuzz.yaml", text)),
        ParseLimits::default(),
    );
    let text = &document.source.text;
    for object in &document.objects {
        check_spans(text, &object.root);
        let anchor = object.anchor_span();
        check_span(text, anchor);
        for duplicate in &object.duplicates {
            check_span(text, duplicate.first);
            check_span(text, duplicate.duplicate);
        }
        let _ = object.root.to_json();
    }
    for problem in &document.problems {
        if let Some(offset) = problem.offset {
            assert!(offset <= text.len(), "problem offset {offset} past the end");
            let position = document.position(offset);
            assert!(position.line >= 1 && position.line <= document.lines.line_count());
        }
    }
}

fn check_spans(text: &str, node: &Node) {
    check_span(text, node.span);
    match &node.value {
        NodeValue::Seq(items) => items.iter().for_each(|item| check_spans(text, item)),
        NodeValue::Map(entries) => {
            for entry in entries {
                check_span(text, entry.key_span);
                check_spans(text, &entry.value);
            }
        }
        _ => {}
    }
}

fn check_span(text: &str, span: Span) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "span {span:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "span {span:?} cuts a character"
    );
}

/// One scanner for every input: building it compiles the rule corpus, which takes far longer
/// than scanning a small file.
fn scanner() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(|| {
        Scanner::builder()
            .jobs(1)
            .build()
            .expect("the built-in rules load")
    })
}

/// The whole pipeline: bytes (invalid UTF-8 replaced, so every input reaches the rules) →
/// parse → every built-in rule → every output format. Machine-read formats must stay
/// well-formed whatever the manifest holds.
pub fn scan(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let scanner = scanner();
    let report = scanner.scan_sources(vec![Source::new("fuzz.yaml", text)]);
    let rules = scanner.rules();

    for color in [false, true] {
        let human = render_human(&report, Some(rules), HumanOptions { color, width: None });
        if !color {
            assert!(
                !human.contains('\u{1b}'),
                "plain human output holds an escape character:\n{human}"
            );
        }
    }
    let json = render_json(&report);
    serde_json::from_str::<serde_json::Value>(&json).expect("the JSON output is JSON");
    let sarif = render_sarif(&report, rules, &SarifOptions::default());
    serde_json::from_str::<serde_json::Value>(&sarif).expect("the SARIF output is JSON");

    let context = ReportContext::new(&report, rules, &ReportOptions::default());
    for format in [
        TemplateFormat::Markdown,
        TemplateFormat::Html,
        TemplateFormat::Csv,
        TemplateFormat::Junit,
    ] {
        let rendered = render_report(format, &context)
            .unwrap_or_else(|e| panic!("the {format:?} report renders: {e}"));
        if format == TemplateFormat::Junit {
            assert_well_formed_xml(&rendered);
        }
    }
}

fn assert_well_formed_xml(xml: &str) {
    // Characters XML 1.0 allows nowhere, not even escaped: a parser stops at them.
    if let Some(bad) = xml.chars().find(|&c| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}')
    }) {
        panic!("the JUnit report holds {bad:?}, which XML forbids:\n{xml}");
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(error) => panic!(
                "the JUnit report is not well-formed XML at byte {}: {error}\n{xml}",
                reader.error_position()
            ),
        }
    }
}
