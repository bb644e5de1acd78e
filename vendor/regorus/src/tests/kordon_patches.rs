// KORDON PATCH 2 and 3 (see KORDON-PATCHES.md): v0 rules as OPA reads them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test harness asserts and unwraps

use crate::*;

fn violations(policy: &str, input: &str) -> anyhow::Result<Value> {
    let mut engine = Engine::new();
    engine.set_rego_v0(true);
    engine.add_policy("t.rego".to_string(), policy.to_string())?;
    engine.set_input(Value::from_json_str(input)?);
    engine.eval_rule("data.t.violation".to_string())
}

#[test]
fn set_rule_with_several_bodies_adds_each_bodys_members() {
    let policy = "package t\nviolation[m] {\n  input.a == 1\n  m := \"a\"\n} {\n  input.b == 1\n  m := \"b\"\n}\n";
    let both = violations(policy, r#"{"a": 1, "b": 1}"#).unwrap();
    assert_eq!(both, Value::from_json_str(r#"["a", "b"]"#).unwrap());
    let second = violations(policy, r#"{"b": 1}"#).unwrap();
    assert_eq!(second, Value::from_json_str(r#"["b"]"#).unwrap());
}

#[test]
fn set_rule_with_else_is_refused() {
    let policy = "package t\nviolation[x] { x := 1 } else { x := 2 }\n";
    assert!(violations(policy, "{}").is_err());
}

#[test]
fn parenthesis_at_line_start_begins_a_statement() {
    let policy = "package t\nviolation[\"big\"] {\n  x := input.n\n  (x - 1) >= 2\n}\n";
    let big = violations(policy, r#"{"n": 5}"#).unwrap();
    assert_eq!(big, Value::from_json_str(r#"["big"]"#).unwrap());
    let small = violations(policy, r#"{"n": 1}"#).unwrap();
    assert_eq!(small, Value::from_json_str("[]").unwrap());
}

#[test]
fn parenthesis_on_the_same_line_is_still_a_call() {
    let policy = "package t\nf(x) = y { y := x + 1 }\nviolation[v] { v := f(1) }\n";
    let out = violations(policy, "{}").unwrap();
    assert_eq!(out, Value::from_json_str("[2]").unwrap());
}

// KORDON PATCH 4: call arguments are bound outside `not`, as OPA's rewriteDynamicTerms does.
#[test]
fn undefined_argument_of_negated_call_fails_the_literal() {
    let policy = "package t\nok(\"any\", _)\nviolation[\"refused\"] {\n  not ok(input.rule, input.limits)\n}\n";
    let out = violations(policy, r#"{"rule": "any"}"#).unwrap();
    assert_eq!(out, Value::from_json_str("[]").unwrap());
    let out = violations(policy, r#"{"rule": "other", "limits": 1}"#).unwrap();
    assert_eq!(out, Value::from_json_str(r#"["refused"]"#).unwrap());
}

#[test]
fn negated_plain_reference_still_succeeds_when_undefined() {
    let policy = "package t\nviolation[\"missing\"] { not input.a.b }\n";
    let out = violations(policy, r#"{"a": {}}"#).unwrap();
    assert_eq!(out, Value::from_json_str(r#"["missing"]"#).unwrap());
}
