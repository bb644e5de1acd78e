package kordon.hardcoded_credential_in_env

import rego.v1

import data.lib.kordon.pods

name_words := {"PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL", "AUTH_KEY"}

# Suffixes of names that say where a credential is, or how it is used, rather than holding it.
descriptive_suffixes := [
	"_FILE", "_PATH", "_DIR", "_NAME", "_URL", "_URI", "_HOST", "_PORT", "_ENDPOINT", "_REF",
	"_ID", "_KEY_ID", "_ENABLED", "_TYPE", "_TTL", "_TIMEOUT", "_EXPIRY", "_LENGTH", "_HEADER",
	"_ISSUER", "_AUDIENCE", "_KIND", "_MODE", "_FIELD", "_KEY_NAME", "_SECRET_NAME", "_FILENAME",
]

# Shapes of credentials issued by well-known services: reported whatever the variable is called.
credential_shapes := [
	`^AKIA[0-9A-Z]{16}$`,
	`-----BEGIN [A-Z ]*PRIVATE KEY-----`,
	`^gh[pousr]_[A-Za-z0-9]{36,}$`,
	`^glpat-[A-Za-z0-9_-]{20,}$`,
	`^xox[abposr]-[A-Za-z0-9-]{10,}$`,
	`^sk_live_[A-Za-z0-9]{20,}$`,
]

violation contains {"msg": msg, "details": {"path": array.concat(entry.path, ["env", i, "value"])}} if {
	some entry in pods.containers(input.review.object)
	some i, env in object.get(entry.container, "env", [])
	is_string(env.value)
	not env.name in object.get(input.parameters, "allowedNames", [])
	reason := suspicious(env.name, env.value)
	msg := sprintf("container %q sets %s to a literal value that %s; take it from a Secret instead", [entry.container.name, env.name, reason])
}

suspicious(_, value) := "has the shape of a known credential" if {
	some shape in credential_shapes
	regex.match(shape, value)
}

suspicious(name, value) := "looks like a credential by its name" if {
	not known_shape(value)
	credential_name(name)
	meaningful(value)
}

known_shape(value) if {
	some shape in credential_shapes
	regex.match(shape, value)
}

credential_name(name) if {
	upper_name := upper(name)
	words := name_words | {upper(w) | some w in object.get(input.parameters, "extraNameWords", [])}
	some word in words
	contains(upper_name, word)
	not descriptive(upper_name)
}

descriptive(upper_name) if {
	some suffix in descriptive_suffixes
	endswith(upper_name, suffix)
}

# A value worth hiding: not empty, not a switch, number, path or reference.
meaningful(value) if {
	trimmed := trim_space(value)
	count(trimmed) >= 4
	not lower(trimmed) in {"true", "false", "yes", "no", "none", "null", "enabled", "disabled"}
	not regex.match(`^[0-9.]+[smhd]?$`, trimmed)
	not startswith(trimmed, "/")
	not contains(trimmed, "$(")
	not contains(trimmed, "${")
	not contains(trimmed, "{{")
}
