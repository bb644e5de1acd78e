//! The vendored regorus reads these Rego constructs as OPA does (vendor/regorus/KORDON-PATCHES.md).
//! Each test names the patch it guards; Gatekeeper templates are loaded as Rego v0, as here.

fn violations(policy: &str, input: &str) -> Result<serde_json::Value, String> {
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(true);
    engine.set_strict_builtin_errors(false);
    engine
        .add_policy("t.rego".into(), policy.into())
        .map_err(|e| e.to_string())?;
    engine.set_input(regorus::Value::from_json_str(input).map_err(|e| e.to_string())?);
    let value = engine
        .eval_rule("data.t.violation".into())
        .map_err(|e| e.to_string())?;
    serde_json::to_value(&value).map_err(|e| e.to_string())
}

fn messages(value: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.get("msg").and_then(|m| m.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn patch_1_sprintf_with_a_verb_too_many_writes_missing() {
    let policy = "package t\nviolation[{\"msg\": m}] { m := sprintf(\"%v and %v\", [1]) }\n";
    let out = violations(policy, "{}").expect("evaluates");
    assert_eq!(messages(&out), ["1 and %!v(MISSING)"]);
}

#[test]
fn patch_2_a_set_rule_with_several_bodies_adds_each_bodys_members() {
    let policy = "package t\n\nviolation[{\"msg\": m}] {\n  input.a == 1\n  m := \"a\"\n} {\n  input.b == 1 # two\n  m := \"b\"\n}\n";
    let both = violations(policy, r#"{"a": 1, "b": 1}"#).expect("loads");
    assert_eq!(messages(&both), ["a", "b"]);
    let second_only = violations(policy, r#"{"b": 1}"#).expect("loads");
    assert_eq!(messages(&second_only), ["b"]);
    let none = violations(policy, "{}").expect("loads");
    assert!(messages(&none).is_empty(), "{none}");
}

#[test]
fn patch_2_else_is_still_refused_on_a_set_rule() {
    let policy = "package t\n\nviolation[x] { x := 1 } else { x := 2 }\n";
    let error = violations(policy, "{}").expect_err("else has no meaning for a set rule");
    assert!(error.contains("else"), "{error}");
}

#[test]
fn patch_3_a_line_starting_with_a_parenthesis_is_a_new_statement() {
    let policy =
        "package t\n\nviolation[{\"msg\": \"big\"}] {\n  x := input.n\n  (x - 1) >= 2\n}\n";
    assert_eq!(
        messages(&violations(policy, r#"{"n": 5}"#).expect("loads")),
        ["big"]
    );
    assert!(messages(&violations(policy, r#"{"n": 1}"#).expect("loads")).is_empty());
}

#[test]
fn patch_3_calls_and_continuation_lines_keep_their_meaning() {
    let policy = "package t\n\nviolation[{\"msg\": m}] {\n  m := concat(\"\", [\n  (\"x\"), \"y\"])\n  y := 1 +\n  (2)\n  y == 3\n}\n";
    assert_eq!(messages(&violations(policy, "{}").expect("loads")), ["xy"]);
}

/// Not a patch: regorus reads it natively; kordon's former text rewrite broke it (seccomp).
#[test]
fn a_function_whose_value_is_an_object_literal_followed_by_its_body() {
    let policy = "package t\n\nprofile(c) = {\"type\": t, \"at\": \"container\"} {\n  t := c.profile\n}\n\nprofile(c) = {\"type\": \"none\", \"at\": \"nowhere\"} {\n  not c.profile\n}\n\nviolation[{\"msg\": msg}] {\n  c := input.containers[_]\n  p := profile(c)\n  p.type != \"RuntimeDefault\"\n  msg := sprintf(\"%v at %v\", [p.type, p.at])\n}\n";
    let out = violations(
        policy,
        r#"{"containers": [{"profile": "Unconfined"}, {}, {"profile": "RuntimeDefault"}]}"#,
    )
    .expect("loads");
    assert_eq!(
        messages(&out),
        ["Unconfined at container", "none at nowhere"]
    );
}

#[test]
fn patch_4_an_undefined_argument_of_a_negated_call_makes_the_literal_fail() {
    let policy = "package t\n\nallowed(\"any\", _)\n\nallowed(\"range\", limits) { limits.max > 10 }\n\nviolation[{\"msg\": \"refused\"}] {\n  rule := input.parameters.rule\n  not allowed(rule, input.parameters.limits)\n}\n";
    // OPA: `t = input.parameters.limits; not allowed(rule, t)` — undefined, so no violation.
    let out = violations(policy, r#"{"parameters": {"rule": "any"}}"#).expect("loads");
    assert!(messages(&out).is_empty(), "{out}");
    let out =
        violations(policy, r#"{"parameters": {"rule": "other", "limits": {}}}"#).expect("loads");
    assert_eq!(messages(&out), ["refused"]);
    let out = violations(
        policy,
        r#"{"parameters": {"rule": "range", "limits": {"max": 20}}}"#,
    )
    .expect("loads");
    assert!(messages(&out).is_empty(), "{out}");
}

#[test]
fn patch_4_a_plain_reference_and_operators_keep_regorus_reading() {
    let reference = "package t\n\nviolation[{\"msg\": \"missing\"}] { not input.a.b }\n";
    let out = violations(reference, r#"{"a": {}}"#).expect("loads");
    assert_eq!(messages(&out), ["missing"]);
    // OPA would bind `input.a` outside the `not` and find nothing; kordon's own rules still rely
    // on this reading (KORDON-PATCHES.md, patch 4), so it is pinned until they change.
    let compare = "package t\n\nviolation[{\"msg\": \"differs\"}] { not input.a == 1 }\n";
    let out = violations(compare, "{}").expect("loads");
    assert_eq!(messages(&out), ["differs"]);
}

#[test]
fn patch_5_rules_that_read_no_input_are_kept_and_the_others_are_not() {
    let policy = "package t\nimport rego.v1\n\ncount_names := n if n := count(data.names)\n\nsees_input := input.x\n\nviolation contains {\"msg\": sprintf(\"%v %v\", [count_names, input.x])} if input.x\n";
    let mut engine = regorus::Engine::new();
    engine
        .add_policy("t.rego".into(), policy.into())
        .expect("loads");
    engine
        .add_data(regorus::Value::from_json_str(r#"{"names": ["a", "b"]}"#).expect("json"))
        .expect("data");
    engine.set_input(regorus::Value::new_object());
    let kept = engine
        .keep_input_independent_rules(&["data.t.count_names".into()])
        .expect("evaluates");
    assert!(kept, "a rule of data alone is kept");
    for x in [1, 2] {
        engine.set_input(regorus::Value::from_json_str(&format!(r#"{{"x": {x}}}"#)).expect("json"));
        let value = engine
            .eval_rule("data.t.violation".into())
            .expect("evaluates");
        let out = serde_json::to_value(&value).expect("json");
        assert_eq!(messages(&out), [format!("2 {x}")]);
    }
    // A rule that reads input is not kept: every evaluation sees its own input.
    let kept = engine
        .keep_input_independent_rules(&["data.t.sees_input".into()])
        .expect("evaluates");
    assert!(!kept, "a rule that reads input is not kept");
    engine.set_input(regorus::Value::from_json_str(r#"{"x": 3}"#).expect("json"));
    let value = engine
        .eval_rule("data.t.sees_input".into())
        .expect("evaluates");
    assert_eq!(
        serde_json::to_value(&value).expect("json"),
        serde_json::json!(3)
    );
    // New data is not served from values kept before it.
    engine
        .keep_input_independent_rules(&["data.t.count_names".into()])
        .expect("evaluates");
    engine
        .add_data(regorus::Value::from_json_str(r#"{"more": 1}"#).expect("json"))
        .expect("data");
    let value = engine
        .eval_rule("data.t.count_names".into())
        .expect("evaluates");
    assert_eq!(
        serde_json::to_value(&value).expect("json"),
        serde_json::json!(2)
    );
}

/// Evaluates `rule` of `policy` on regorus's VM (the `rvm` feature kordon evaluates its rule
/// groups on).
fn on_vm(policy: &str, rule: &str, input: &str) -> serde_json::Value {
    let mut engine = regorus::Engine::new();
    engine
        .add_policy("t.rego".into(), policy.into())
        .expect("loads");
    let compiled = engine
        .compile_with_entrypoint(&std::sync::Arc::from(rule))
        .expect("compiles");
    let program =
        regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, &[rule])
            .expect("compiles to the VM");
    let mut vm = regorus::rvm::RegoVM::new_with_policy(compiled);
    vm.load_program(program);
    vm.set_data(regorus::Value::new_object()).expect("data");
    vm.set_input(regorus::Value::from_json_str(input).expect("json"));
    let value = vm.execute_entry_point_by_name(rule).expect("runs");
    serde_json::to_value(&value).expect("json")
}

#[test]
fn patch_6_on_the_vm_an_undefined_statement_fails_its_body_and_else_is_tried() {
    // The shape of `lib.kordon.pods.template_path`: a table lookup, else another table.
    let policy = "package t\nimport rego.v1\n\nby_group := {}\nby_kind := {\"Deployment\": [\"spec\", \"template\"]}\n\npath(obj) := p if {\n\tp := by_group[obj.kind]\n} else := by_kind[obj.kind]\n\nrule_path := p if {\n\tp := by_group.absent\n} else := 7\n\nviaf := path(input)\n";
    let input = r#"{"kind": "Deployment"}"#;
    assert_eq!(
        on_vm(policy, "data.t.viaf", input),
        serde_json::json!(["spec", "template"])
    );
    assert_eq!(
        on_vm(policy, "data.t.rule_path", input),
        serde_json::json!(7)
    );
    // A first body that holds still wins over its `else`.
    let holds = "package t\nimport rego.v1\n\nr := p if {\n\tp := input.kind\n} else := 7\n";
    assert_eq!(
        on_vm(holds, "data.t.r", input),
        serde_json::json!("Deployment")
    );
}

#[test]
fn patch_7_on_the_vm_an_undefined_assignment_fails_its_body() {
    let policy = "package t\nimport rego.v1\n\none(x) := 1 if x.present\n\nin_body := true if {\n\tv := one(input)\n\tnot v == 2\n}\n\nin_comprehension := [v | v := one(input)]\n\ndefined := true if {\n\tv := one({\"present\": true})\n\tnot v == 2\n}\n";
    assert_eq!(
        on_vm(policy, "data.t.in_body", "{}"),
        serde_json::json!("<undefined>")
    );
    assert_eq!(
        on_vm(policy, "data.t.in_comprehension", "{}"),
        serde_json::json!([])
    );
    assert_eq!(
        on_vm(policy, "data.t.defined", "{}"),
        serde_json::json!(true)
    );
}

/// Evaluates each of `rules` of `policy` in the interpreter on `input`.
fn interpreted(policy: &str, rules: &[&str], input: &str) -> Vec<serde_json::Value> {
    let mut engine = regorus::Engine::new();
    engine
        .add_policy("t.rego".into(), policy.into())
        .expect("loads");
    engine.set_input(regorus::Value::from_json_str(input).expect("json"));
    rules
        .iter()
        .map(|rule| {
            let value = engine.eval_rule((*rule).into()).expect("evaluates");
            serde_json::to_value(&value).expect("json")
        })
        .collect()
}

#[test]
fn patch_8_refs_indexed_by_a_variable_read_rules_of_data_input_and_locals_as_before() {
    // Only a ref under `data` names rules to evaluate first; refs into input, locals and
    // values computed in the body are indexed directly.
    let policy = "package t\nimport rego.v1\n\nby_name[name] := count(input.items) if some name in [\"a\", \"b\"]\n\nnames contains n if some n in [\"a\", \"b\"]\n\nfrom_rules := [v | some k in [\"a\", \"b\"]; v := data.t.by_name[k]]\n\nmembers := [n | some n in [\"a\", \"z\"]; data.t.names[n]]\n\nfrom_input := [i | some i, _ in input.items; input.items[i] > 1]\n\nfrom_local := [x | xs := [\"p\", \"q\"]; some j, _ in xs; x := xs[j]]\n\nfrom_call := [x | some k in [\"a\", \"b\"]; x := object.union({}, data.t.by_name)[k]]\n";
    let values = interpreted(
        policy,
        &[
            "data.t.from_rules",
            "data.t.members",
            "data.t.from_input",
            "data.t.from_local",
            "data.t.from_call",
        ],
        r#"{"items": [1, 2, 3]}"#,
    );
    assert_eq!(
        values,
        [
            serde_json::json!([3, 3]),
            serde_json::json!(["a"]),
            serde_json::json!([1, 2]),
            serde_json::json!(["p", "q"]),
            serde_json::json!([3, 3]),
        ]
    );
}

#[test]
fn patch_9_the_vm_starts_each_execution_from_kept_rule_values() {
    let policy = "package t\nimport rego.v1\n\nnames_seen := count(data.names)\n\nlabel(x) := sprintf(\"%v\", [x])\n\nviolation contains sprintf(\"%v of %v\", [input.n, names_seen]) if input.n < names_seen\n";
    let rule = "data.t.violation";
    let mut engine = regorus::Engine::new();
    engine
        .add_policy("t.rego".into(), policy.into())
        .expect("loads");
    let compiled = engine
        .compile_with_entrypoint(&std::sync::Arc::from(rule))
        .expect("compiles");
    let program =
        regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, &[rule])
            .expect("compiles to the VM");
    let mut vm = regorus::rvm::RegoVM::new_with_policy(compiled);
    vm.load_program(program.clone());
    vm.set_data(regorus::Value::from_json_str(r#"{"names": ["a", "b"]}"#).expect("json"))
        .expect("data");
    let run = |vm: &mut regorus::rvm::RegoVM, n: i64| {
        vm.set_input(regorus::Value::from_json_str(&format!(r#"{{"n": {n}}}"#)).expect("json"));
        let value = vm.execute_entry_point_by_name(rule).expect("runs");
        serde_json::to_value(&value).expect("json")
    };
    assert_eq!(run(&mut vm, 1), serde_json::json!(["1 of 2"]));
    // A kept value (here deliberately not the one data gives) is what every later execution
    // reads; a function and a path that names no rule are not kept.
    let kept = vm.keep_rule_values(&[
        ("data.t.names_seen".into(), regorus::Value::from(5)),
        ("data.t.label".into(), regorus::Value::from("x")),
        ("data.t.absent".into(), regorus::Value::from(1)),
    ]);
    assert_eq!(kept, 1);
    assert_eq!(run(&mut vm, 1), serde_json::json!(["1 of 5"]));
    assert_eq!(run(&mut vm, 4), serde_json::json!(["4 of 5"]));
    // Loading a program forgets the kept values.
    vm.load_program(program);
    assert_eq!(run(&mut vm, 4), serde_json::json!([]));
}

/// Compiles `rule` of the modules `policies` to regorus's VM.
fn vm_program(policies: &[(&str, &str)], rule: &str) -> (regorus::Engine, regorus::rvm::RegoVM) {
    let mut engine = regorus::Engine::new();
    for (name, text) in policies {
        engine
            .add_policy((*name).into(), (*text).into())
            .expect("loads");
    }
    let compiled = engine
        .compile_with_entrypoint(&std::sync::Arc::from(rule))
        .expect("compiles");
    let program =
        regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, &[rule])
            .unwrap_or_else(|e| panic!("compiles to the VM: {e:?}"));
    let mut vm = regorus::rvm::RegoVM::new_with_policy(compiled);
    vm.load_program(program);
    vm.set_data(regorus::Value::new_object()).expect("data");
    (engine, vm)
}

#[test]
fn patch_10_a_cached_regex_matches_as_often_as_it_is_used() {
    // The same patterns over and over, as a rule uses them on every container: each call
    // reads the cached, shared regex.
    let policy = "package t\nimport rego.v1\n\nversions := [v | some image in input.images; [m] := regex.find_all_string_submatch_n(`:v?([0-9]+)\\.([0-9]+)`, image, 1); v := [m[1], m[2]]]\n\ndigests := [image | some image in input.images; regex.match(`@sha256:[a-f0-9]{4}$`, image)]\n";
    let input = r#"{"images": ["a:1.2", "b:v3.4", "c@sha256:beef", "d:latest", "e:10.20"]}"#;
    let expected = [
        serde_json::json!([["1", "2"], ["3", "4"], ["10", "20"]]),
        serde_json::json!(["c@sha256:beef"]),
    ];
    for _ in 0..3 {
        assert_eq!(
            interpreted(policy, &["data.t.versions", "data.t.digests"], input),
            expected
        );
    }
}

#[test]
fn patch_11_on_the_vm_a_ref_through_an_import_calls_the_rule_it_names() {
    let views = "package lib.views\nimport rego.v1\n\nby_name[name] := n if some name, n in data.counts\n\nsizes contains count(data.counts)\n\nhelper := \"kept\"\n";
    let rule = "package t\nimport rego.v1\nimport data.lib.views\nimport data.lib.views.by_name as names\nimport input.review as review\n\nr := [views.by_name[review.k], names[review.k], views.sizes, views.helper, count(views)]\n";
    let modules = [("views.rego", views), ("t.rego", rule)];
    let (mut engine, mut vm) = vm_program(&modules, "data.t.r");
    let data = regorus::Value::from_json_str(r#"{"counts": {"a": 1, "b": 2}}"#).expect("json");
    vm.set_data(data.clone()).expect("data");
    engine.add_data(data).expect("data");
    let input = regorus::Value::from_json_str(r#"{"review": {"k": "b"}}"#).expect("json");
    vm.set_input(input.clone());
    engine.set_input(input);
    let on_vm = serde_json::to_value(vm.execute_entry_point_by_name("data.t.r").expect("runs"))
        .expect("json");
    let interpreted = serde_json::to_value(engine.eval_rule("data.t.r".into()).expect("evaluates"))
        .expect("json");
    assert_eq!(on_vm, serde_json::json!([2, 2, [2], "kept", 3]));
    assert_eq!(on_vm, interpreted);
    // Only `count(views)`, which needs the package as a whole, builds its virtual document.
    let program = vm.get_program();
    assert_eq!(
        program
            .instruction_data
            .virtual_data_document_lookup_params
            .len(),
        1
    );
}

#[test]
fn patch_12_on_the_vm_a_function_that_read_no_input_is_remembered_and_one_that_did_is_not() {
    let policy = "package t\nimport rego.v1\n\nsize(x) := count(data.names) + x\n\nseen := input.n\n\nplus_input(x) := input.n + x\n\nplus_rule(x) := seen + x\n\nr := [seen, size(1), plus_input(1), plus_rule(1), size(1)]\n";
    let (_, mut vm) = vm_program(&[("t.rego", policy)], "data.t.r");
    vm.set_data(regorus::Value::from_json_str(r#"{"names": ["a", "b"]}"#).expect("json"))
        .expect("data");
    vm.set_function_memo(true);
    let run = |vm: &mut regorus::rvm::RegoVM, n: i64| {
        vm.set_input(regorus::Value::from_json_str(&format!(r#"{{"n": {n}}}"#)).expect("json"));
        let value = vm.execute_entry_point_by_name("data.t.r").expect("runs");
        (
            serde_json::to_value(&value).expect("json"),
            vm.function_memo_len(),
        )
    };
    // Only `size(1)` is remembered: the others read input, directly or through `seen` (here
    // computed before `plus_rule` reads it).
    assert_eq!(run(&mut vm, 10), (serde_json::json!([10, 3, 11, 11, 3]), 1));
    assert_eq!(run(&mut vm, 20), (serde_json::json!([20, 3, 21, 21, 3]), 1));
    // New data forgets what was remembered from the old.
    vm.set_data(regorus::Value::from_json_str(r#"{"names": ["a"]}"#).expect("json"))
        .expect("data");
    vm.set_function_memo(true);
    assert_eq!(run(&mut vm, 30), (serde_json::json!([30, 2, 31, 31, 2]), 1));
}

#[test]
fn patch_13_on_the_vm_a_multi_value_rule_is_an_object_of_sets() {
    // Two definitions add to the same key; a key with no member is absent; a rule with no
    // member at all is undefined (as in the interpreter; a partial object rule is `{}`);
    // `q["x"] contains v` is still the set rule `q.x`.
    let policy = "package t\nimport rego.v1\n\nbyk[k] contains v if {\n\tsome k, vs in input.m\n\tsome v in vs\n}\n\nbyk[k] contains \"extra\" if {\n\tsome k in [\"a\", \"z\"]\n}\n\nnone[k] contains k if {\n\tsome k in []\n}\n\nobj[k] := 1 if {\n\tsome k in []\n}\n\nq[\"x\"] contains 1\n\nr := [byk, byk.a, object.get(byk, \"b\", \"absent\"), obj, q.x]\n\nno_member := true if not none\n";
    let input = regorus::Value::from_json_str(r#"{"m": {"a": [1, 2], "c": [3]}}"#).expect("json");
    let mut results = Vec::new();
    for rule in ["data.t.r", "data.t.no_member"] {
        let (mut engine, mut vm) = vm_program(&[("t.rego", policy)], rule);
        vm.set_input(input.clone());
        engine.set_input(input.clone());
        let on_vm = serde_json::to_value(vm.execute_entry_point_by_name(rule).expect("runs"))
            .expect("json");
        let interpreted =
            serde_json::to_value(engine.eval_rule(rule.into()).expect("evaluates")).expect("json");
        assert_eq!(on_vm, interpreted, "{rule}");
        results.push(on_vm);
    }
    assert_eq!(
        results,
        [
            serde_json::json!([
                {"a": [1, 2, "extra"], "c": [3], "z": ["extra"]},
                [1, 2, "extra"],
                "absent",
                {},
                [1]
            ]),
            serde_json::json!(true)
        ]
    );
}
