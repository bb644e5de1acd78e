package kordon.credential_in_configmap

import rego.v1

import data.lib.kordon.credentials

violation contains {"msg": msg, "details": {"path": ["data", key]}} if {
	obj := input.review.object
	obj.kind == "ConfigMap"
	extra := {upper(w) | some w in object.get(input.parameters, "extraNameWords", [])}
	entries := object.get(obj, "data", {})
	is_object(entries)
	some key, value in entries
	is_string(value)
	not key in object.get(input.parameters, "allowedKeys", [])
	reason := credentials.suspicious(key, value, extra)
	msg := sprintf("ConfigMap %q holds %s, a literal value that %s: ConfigMaps are not access-controlled like Secrets; move it to a Secret", [object.get(obj, ["metadata", "name"], ""), key, reason])
}
