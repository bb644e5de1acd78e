//! Calls to functions that exist nowhere. regorus reports such a call only when a body reaches
//! it, so a policy calling a builtin this build lacks (or a misspelt helper) loads and then
//! silently never holds on the paths that call it. OPA refuses it at compile time; this finds
//! every such call once the modules are loaded, resolving names as regorus does when it evaluates
//! a call: the module's import aliases, the policy's functions (by full path or relative to the
//! module's package), `default` functions, then the builtins.
//!
//! It reads regorus's AST through `regorus::unstable`, so it works with regorus as published, not
//! only with kordon's vendored copy.

use std::collections::{BTreeMap, BTreeSet};

use regorus::unstable::{Expr, Literal, Module, Query, Ref, Rule, RuleHead, Span};
use regorus::utils::get_path_string;

/// Every call in `modules` to a function that is neither defined by them nor a builtin of this
/// regorus, as located error messages.
pub(crate) fn unknown_function_calls(modules: &[Ref<Module>]) -> Result<Vec<String>, String> {
    let functions = regorus::utils::gather_functions(modules).map_err(|e| e.to_string())?;
    let mut known: BTreeSet<String> = functions.keys().cloned().collect();
    for module in modules {
        let package = package_path(module)?;
        for rule in &module.policy {
            if let Rule::Default { refr, args, .. } = rule.as_ref()
                && !args.is_empty()
                && let Ok(name) = get_path_string(refr, None)
            {
                known.insert(format!("{package}.{name}"));
            }
        }
    }
    let mut unknown = Vec::new();
    for module in modules {
        let package = package_path(module)?;
        let aliases = import_aliases(module);
        let mut calls = Vec::new();
        for rule in &module.policy {
            calls_in_rule(rule, &mut calls);
        }
        for (span, path) in calls {
            if !is_known(&path, &package, &aliases, &known) {
                unknown.push(
                    span.error(&format!(
                        "unknown function `{path}`: neither defined by the policy nor a builtin of this engine"
                    ))
                    .to_string(),
                );
            }
        }
    }
    Ok(unknown)
}

fn package_path(module: &Module) -> Result<String, String> {
    get_path_string(&module.package.refr, Some("data")).map_err(|e| e.to_string())
}

/// `import data.lib.x` → `x` ↦ `data.lib.x`; `import data.lib.x as y` → `y` ↦ `data.lib.x`.
fn import_aliases(module: &Module) -> BTreeMap<String, String> {
    module
        .imports
        .iter()
        .filter_map(|import| {
            let path = get_path_string(&import.refr, None).ok()?;
            let alias = match &import.r#as {
                Some(alias) => alias.text().to_string(),
                None => path.rsplit('.').next()?.to_string(),
            };
            Some((alias, path))
        })
        .collect()
}

fn is_known(
    path: &str,
    package: &str,
    aliases: &BTreeMap<String, String>,
    known: &BTreeSet<String>,
) -> bool {
    let (head, rest) = path
        .split_once('.')
        .map_or((path, None), |(h, r)| (h, Some(r)));
    if let Some(target) = aliases.get(head) {
        let candidate = rest.map_or_else(|| target.clone(), |rest| format!("{target}.{rest}"));
        if known.contains(&candidate) {
            return true;
        }
    }
    let qualified = if path.starts_with("data.") {
        path.to_string()
    } else {
        format!("{package}.{path}")
    };
    path == "print" || known.contains(&qualified) || regorus::unstable::BUILTINS.contains_key(path)
}

fn calls_in_rule(rule: &Ref<Rule>, calls: &mut Vec<(Span, String)>) {
    match rule.as_ref() {
        Rule::Spec { head, bodies, .. } => {
            match head {
                RuleHead::Compr { refr, assign, .. } => {
                    calls_in_expr(refr, calls);
                    if let Some(assign) = assign {
                        calls_in_expr(&assign.value, calls);
                    }
                }
                RuleHead::Set { refr, key, .. } => {
                    calls_in_expr(refr, calls);
                    if let Some(key) = key {
                        calls_in_expr(key, calls);
                    }
                }
                RuleHead::Func { args, assign, .. } => {
                    for arg in args {
                        calls_in_expr(arg, calls);
                    }
                    if let Some(assign) = assign {
                        calls_in_expr(&assign.value, calls);
                    }
                }
            }
            for body in bodies {
                if let Some(assign) = &body.assign {
                    calls_in_expr(&assign.value, calls);
                }
                calls_in_query(&body.query, calls);
            }
        }
        Rule::Default { value, .. } => calls_in_expr(value, calls),
    }
}

fn calls_in_query(query: &Ref<Query>, calls: &mut Vec<(Span, String)>) {
    for stmt in &query.stmts {
        match &stmt.literal {
            Literal::SomeVars { .. } => {}
            Literal::SomeIn {
                key,
                value,
                collection,
                ..
            } => {
                if let Some(key) = key {
                    calls_in_expr(key, calls);
                }
                calls_in_expr(value, calls);
                calls_in_expr(collection, calls);
            }
            Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => {
                calls_in_expr(expr, calls)
            }
            Literal::Every { domain, query, .. } => {
                calls_in_expr(domain, calls);
                calls_in_query(query, calls);
            }
        }
        // `with f as g`: the replaced function need not exist, its replacement must.
        for modifier in &stmt.with_mods {
            calls_in_expr(&modifier.r#as, calls);
        }
    }
}

fn calls_in_expr(expr: &Ref<Expr>, calls: &mut Vec<(Span, String)>) {
    match expr.as_ref() {
        Expr::Call {
            span, fcn, params, ..
        } => {
            if let Ok(path) = get_path_string(fcn, None) {
                calls.push((span.clone(), path));
            }
            for param in params {
                calls_in_expr(param, calls);
            }
        }
        Expr::Array { items, .. } | Expr::Set { items, .. } => {
            for item in items {
                calls_in_expr(item, calls);
            }
        }
        Expr::Object { fields, .. } => {
            for (_, key, value) in fields {
                calls_in_expr(key, calls);
                calls_in_expr(value, calls);
            }
        }
        Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
            calls_in_expr(term, calls);
            calls_in_query(query, calls);
        }
        Expr::ObjectCompr {
            key, value, query, ..
        } => {
            calls_in_expr(key, calls);
            calls_in_expr(value, calls);
            calls_in_query(query, calls);
        }
        Expr::UnaryExpr { expr, .. } => calls_in_expr(expr, calls),
        Expr::RefDot { refr, .. } => calls_in_expr(refr, calls),
        Expr::RefBrack { refr, index, .. } => {
            calls_in_expr(refr, calls);
            calls_in_expr(index, calls);
        }
        Expr::BinExpr { lhs, rhs, .. }
        | Expr::BoolExpr { lhs, rhs, .. }
        | Expr::ArithExpr { lhs, rhs, .. }
        | Expr::AssignExpr { lhs, rhs, .. } => {
            calls_in_expr(lhs, calls);
            calls_in_expr(rhs, calls);
        }
        Expr::Membership {
            key,
            value,
            collection,
            ..
        } => {
            if let Some(key) = key {
                calls_in_expr(key, calls);
            }
            calls_in_expr(value, calls);
            calls_in_expr(collection, calls);
        }
        _ => {}
    }
}
