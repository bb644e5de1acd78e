package kordon.secret_data_in_manifest

import rego.v1

placeholder_shapes := [
	`^<[^>]*>$`,
	`^\$\{[^}]*\}$`,
	`^\{\{.*\}\}$`,
	`^(?i)(changeme|change_me|change-me|replace_?me|replace-me|todo|tbd|placeholder|redacted|xxx+)$`,
]

real_entries(obj) := [{"path": [field, key], "key": key} |
	some field in ["data", "stringData"]
	values := object.get(obj, field, {})
	is_object(values)
	some key, value in values
	real_value(field, value)
]

real_value(_, value) if {
	is_string(value)
	trim_space(value) != ""
	not placeholder(trim_space(value))
}

placeholder(value) if {
	some shape in placeholder_shapes
	regex.match(shape, value)
}

violation contains {"msg": msg, "details": {"path": first.path}} if {
	obj := input.review.object
	not object.get(obj, "type", "Opaque") in object.get(input.parameters, "ignoredTypes", [])
	entries := sort_entries(real_entries(obj))
	count(entries) > 0
	first := entries[0]
	others := count(entries) - 1
	msg := sprintf("Secret %q has its value for %q%s written in the manifest; anyone who can read the file has it", [object.get(obj, ["metadata", "name"], ""), first.key, more(others)])
}

sort_entries(entries) := [e | some pair in sort([[x.path, i] | some i, x in entries]); e := entries[pair[1]]]

more(0) := ""

more(n) := sprintf(" (and %d more)", [n]) if n > 0
