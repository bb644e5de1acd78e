# Control-plane static pods (kube-apiserver, etcd, kube-controller-manager, kube-scheduler) and
# their command-line flags, each with the path of the command or args item that sets it.
package lib.kordon.control_plane

import rego.v1

import data.lib.kordon.images
import data.lib.kordon.pods

# The containers of a Pod (static pods are plain Pods) that run `component`.
component_containers(obj, component) := [entry |
	obj.kind == "Pod"
	some entry in pods.containers(obj)
	runs(entry.container, component)
]

# The binary is the first command item, by path or bare name.
runs(container, component) if basename(object.get(container, ["command", 0], "")) == component

# Old hyperkube images: `hyperkube kube-apiserver ...` or `hyperkube apiserver ...`.
runs(container, component) if {
	basename(object.get(container, ["command", 0], "")) == "hyperkube"
	object.get(container, ["command", 1], "") in {component, trim_prefix(component, "kube-")}
}

# No command: the image's entrypoint is the component, flags come in args.
runs(container, component) if {
	count(object.get(container, "command", [])) == 0
	count(object.get(container, "args", [])) > 0
	basename(images.parse(object.get(container, "image", "")).repository) == component
}

basename(path) := parts[count(parts) - 1] if parts := split(path, "/")

# Every flag of a container, from command then args: {"name", "value", "path", "order"}. Both
# `--name=value` and `--name value` are read; a bare `--name` has the value "true".
flags(entry) := [flag |
	some field in ["command", "args"]
	items := object.get(entry.container, field, [])
	is_array(items)
	some i, item in items
	is_string(item)
	startswith(item, "--")
	flag := parse_flag(entry, field, items, i, item)
]

parse_flag(entry, field, _, i, item) := flag if {
	contains(item, "=")
	at := indexof(item, "=")
	flag := {
		"name": substring(item, 2, at - 2),
		"value": substring(item, at + 1, -1),
		"path": array.concat(entry.path, [field, i]),
		"order": order(field, i),
		"inline": true,
	}
}

parse_flag(entry, field, items, i, item) := flag if {
	not contains(item, "=")
	flag := {
		"name": substring(item, 2, -1),
		"value": separate_value(items, i),
		"path": array.concat(entry.path, [field, i]),
		"order": order(field, i),
		"inline": false,
	}
}

separate_value(items, i) := items[i + 1] if {
	count(items) > i + 1
	is_string(items[i + 1])
	not startswith(items[i + 1], "-")
}

separate_value(items, i) := "true" if {
	count(items) > i + 1
	startswith(items[i + 1], "-")
}

separate_value(items, i) := "true" if count(items) <= i + 1

order("command", i) := i

order("args", i) := 100000 + i

# The flag `name` as the component reads it: the last occurrence wins. Undefined when absent.
flag(entry, name) := chosen if {
	found := [f | some f in flags(entry); f.name == name]
	count(found) > 0
	last := max([f.order | some f in found])
	some chosen in found
	chosen.order == last
}

# Whether the flag is set at all.
has_flag(entry, name) if flag(entry, name)

# Whether the flag is set to `value` (or to one of `values`). Rules negate these instead of writing
# `not flag(entry, name).value == value`: OPA hoists a call nested in a negated expression out of the
# `not`, so that form is undefined, not true, under Gatekeeper when the flag is absent.
flag_is(entry, name, value) if flag(entry, name).value == value

flag_in(entry, name, values) if flag(entry, name).value in values

# Whether the flag is set to a non-empty value.
flag_set(entry, name) if flag(entry, name).value != ""

# The comma-separated values of a flag (empty when absent).
flag_list(entry, name) := [trim_space(v) | some v in split(flag(entry, name).value, ",")]

flag_list(entry, name) := [] if not has_flag(entry, name)

# Where to point when a flag is missing: the command (or args) list that should carry it.
flags_location(entry) := array.concat(entry.path, ["command"]) if count(object.get(entry.container, "command", [])) > 0

flags_location(entry) := array.concat(entry.path, ["args"]) if {
	count(object.get(entry.container, "command", [])) == 0
	count(object.get(entry.container, "args", [])) > 0
}

flags_location(entry) := entry.path if {
	count(object.get(entry.container, "command", [])) == 0
	count(object.get(entry.container, "args", [])) == 0
}

# The API server, controller manager, scheduler and etcd.
components := ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"]

# `details` for a finding about flag `name`: at the flag, with a fix writing `replacement` in
# its place when the flag is one `--name=value` item (pass "" for no fix); at the command list
# when the flag is absent.
flag_details(entry, name, replacement) := {"path": f.path, "fix": [{"op": "replace", "path": f.path, "value": replacement}]} if {
	f := flag(entry, name)
	fixable(f, replacement)
}

flag_details(entry, name, replacement) := {"path": f.path} if {
	f := flag(entry, name)
	not fixable(f, replacement)
}

flag_details(entry, name, _) := {"path": flags_location(entry)} if not has_flag(entry, name)

fixable(f, replacement) if {
	f.inline
	replacement != ""
}

# How a flag is set, for messages: its value quoted, or `unset (default)`.
describe(entry, name, fallback) := sprintf("%q", [flag(entry, name).value]) if has_flag(entry, name)

describe(entry, name, fallback) := sprintf("unset, so %s", [fallback]) if not has_flag(entry, name)

# A Go duration ("90s", "1m30s", "2h", "1.5h") in seconds; undefined when the text is not one
# (Go accepts a bare number only for zero).
duration_seconds("0") := 0

duration_seconds(text) := total if {
	regex.match(`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`, text)
	parts := regex.find_all_string_submatch_n(`([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)`, text, -1)
	total := sum([seconds | some part in parts; seconds := to_number(part[1]) * unit_seconds[part[2]]])
}

unit_seconds := {"ns": 0.000000001, "us": 0.000001, "µs": 0.000001, "ms": 0.001, "s": 1, "m": 60, "h": 3600}

# TLS cipher suites that give forward secrecy and authenticated encryption (ECDHE with GCM or
# ChaCha20-Poly1305, and the TLS 1.3 suites); anything else (RSA key exchange, CBC, 3DES, RC4)
# is weak.
strong_cipher(name) if {
	startswith(name, "TLS_ECDHE_")
	regex.match(`_(AES_128_GCM|AES_256_GCM|CHACHA20_POLY1305)(_SHA256|_SHA384)?$`, name)
}

strong_cipher(name) if name in {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}

# TLS versions below 1.2, as Go's flag values name them.
weak_tls_versions := {"VersionTLS10", "VersionTLS11"}
