package kordon.hardcoded_credential_in_env

import rego.v1

import data.lib.kordon.pods

name_words := {"PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL", "AUTH_KEY"}

# Suffixes of names that say where a credential is, or how it is used, rather than holding it.
descriptive_suffixes := [
	"_FILE", "_PATH", "_DIR", "_NAME", "_URL", "_URI", "_HOST", "_PORT", "_ENDPOINT", "_REF",
	"_ID", "_KEY_ID", "_ENABLED", "_TYPE", "_TTL", "_TIMEOUT", "_EXPIRY", "_LENGTH", "_HEADER",
	"_ISSUER", "_AUDIENCE", "_KIND", "_MODE", "_FIELD", "_KEY_NAME", "_SECRET_NAME", "_FILENAME",
	"_VERSION", "_SIZE", "_COUNT", "_PREFIX",
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
	msg := sprintf("container %q sets %s to a literal value that %s; take it from a Secret instead", [entry.name, env.name, reason])
}

suspicious(_, value) := "has the shape of a known credential" if {
	some shape in credential_shapes
	regex.match(shape, value)
}

# Cheapest test first: most variables are not named like a credential.
suspicious(name, value) := "looks like a credential by its name" if {
	credential_name(name)
	meaningful(name, value)
	not known_shape(value)
}

known_shape(value) if {
	some shape in credential_shapes
	regex.match(shape, value)
}

# The words to look for, with the configured extra words: a rule, so it is computed once per review.
all_name_words := name_words | {upper(w) | some w in object.get(input.parameters, "extraNameWords", [])}

credential_name(name) if {
	upper_name := upper(name)
	some word in all_name_words
	contains(upper_name, word)
	not descriptive(upper_name)
}

descriptive(upper_name) if {
	some suffix in descriptive_suffixes
	endswith(upper_name, suffix)
}

# A value worth hiding: not empty, not a switch, number, path or reference.
meaningful(name, value) if {
	trimmed := trim_space(value)
	count(trimmed) >= 4
	not lower(trimmed) in {"true", "false", "yes", "no", "none", "null", "enabled", "disabled"}
	not regex.match(`^[0-9.]+[smhd]?$`, trimmed)
	not startswith(trimmed, "/")
	not contains(trimmed, "$(")
	not contains(trimmed, "${")
	not contains(trimmed, "{{")
	not placeholder(name, trimmed)
}

# Values that stand for a credential to be filled in: `<your-token>`, the variable's own name, or
# an upper-case identifier such as GOOGLE_API_KEY_VAL or INSERT_TOKEN_HERE.
placeholder(_, value) if regex.match(`^<[^>]*>$`, value)

placeholder(name, value) if upper(value) == upper(name)

placeholder(_, value) if regex.match(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$`, value)
