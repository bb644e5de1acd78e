# Whether a name and literal value look like a credential: the detector behind the environment
# variable and ConfigMap rules, with the placeholder logic that keeps filled-in-later values out.
package lib.kordon.credentials

import rego.v1

name_words := {"PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL", "AUTH_KEY", "BEARER"}

# Clouds whose credentials are plain `*_KEY` names (AZURE_STORAGE_KEY, OCI_FINGERPRINT_KEY...):
# a `_KEY` suffix alone is too common (CACHE_KEY, SORT_KEY) to report without the prefix.
key_prefixes := ["AZURE_", "AZ_", "OCI_"]

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
	`-{3,}BEGIN [A-Z ]*PRIVATE KEY-{3,}`,
	`^gh[pousr]_[A-Za-z0-9]{36,}$`,
	`^glpat-[A-Za-z0-9_-]{20,}$`,
	`^xox[abposr]-[A-Za-z0-9-]{10,}$`,
	`^sk_live_[A-Za-z0-9]{20,}$`,
]

# Why `value`, under `name`, looks like a credential; undefined when it does not.
suspicious(_, value, _) := "has the shape of a known credential" if {
	some shape in credential_shapes
	regex.match(shape, value)
}

# Cheapest test first: most variables are not named like a credential.
suspicious(name, value, extra_words) := "looks like a credential by its name" if {
	credential_name(name, extra_words)
	meaningful(name, value)
	not known_shape(value)
}

known_shape(value) if {
	some shape in credential_shapes
	regex.match(shape, value)
}

# `extra_words` are the configured extra name words, upper-cased by the caller.
credential_name(name, extra_words) if {
	upper_name := upper(name)
	some word in name_words | extra_words
	contains(upper_name, word)
	not descriptive(upper_name)
}

credential_name(name, _) if {
	upper_name := upper(name)
	endswith(upper_name, "_KEY")
	some prefix in key_prefixes
	startswith(upper_name, prefix)
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
