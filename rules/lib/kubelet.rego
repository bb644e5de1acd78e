# Where a kubelet's settings are written, read the same way for every rule: a KubeletConfiguration
# file, the command line of a container that runs the kubelet (a static or DaemonSet pod), and the
# command line of a systemd unit (`kordon.dev/v1` SystemdUnit, which kordon builds from
# `kubelet.service` files and `kubelet.service.d/*.conf` drop-ins, variables expanded).
package lib.kordon.kubelet

import rego.v1

import data.lib.kordon.control_plane as cp
import data.lib.kordon.pods

# Every kubelet the object configures: {"type": "config" | "flags", "label", ...}; a flags source
# carries the `entry` cp.flags reads.
sources(obj) := array.concat(config_sources(obj), flag_sources(obj))

config_sources(obj) := [{"type": "config", "obj": obj, "label": "the kubelet configuration", "fixable": true}] if obj.kind == "KubeletConfiguration"

config_sources(obj) := [] if obj.kind != "KubeletConfiguration"

flag_sources(obj) := array.concat(
	[{"type": "flags", "entry": entry, "label": sprintf("kubelet in container %q", [entry.name]), "hidden": [], "fixable": true} |
		some entry in pods.containers(obj)
		cp.runs(entry.container, "kubelet")
	],
	unit_sources(obj),
)

# A unit's words are not YAML: kordon does not edit them, so unit findings carry no fix.
unit_sources(obj) := [{"type": "flags", "entry": entry, "label": sprintf("kubelet in systemd unit %q", [name]), "hidden": hidden, "fixable": false} |
	obj.kind == "SystemdUnit"
	service := object.get(obj, "service", {})
	is_object(service)
	name := object.get(obj, ["metadata", "name"], "")
	entry := {"container": service, "path": ["service"], "name": name}
	cp.runs(service, "kubelet")
	hidden := [v | some v in object.get(service, "unresolvedVariables", []); is_string(v)]
]

# The setting as written: {"value", "path", "inline"}; undefined when the source leaves it unset.
# `config_path` is the KubeletConfiguration field, `flag` the command-line name.
setting(source, flag, config_path) := {"value": value, "path": config_path, "inline": false} if {
	source.type == "config"
	value := object.get(source.obj, config_path, null)
	value != null
}

setting(source, flag, config_path) := {"value": f.value, "path": f.path, "inline": f.inline} if {
	source.type == "flags"
	f := cp.flag(source.entry, flag)
}

is_set(source, flag, config_path) if setting(source, flag, config_path)

# Whether an unset setting means the built-in default. Not when the command line hands the rest
# to a configuration file (`--config`) or to variables kordon cannot see (an EnvironmentFile):
# the value is then decided elsewhere, and that file is judged on its own.
defaults_apply(source) if source.type == "config"

defaults_apply(source) if {
	source.type == "flags"
	not cp.has_flag(source.entry, "config")
	count(source.hidden) == 0
}

# Where to report an unset setting: the configuration's root field, or the command line.
missing_path(source, config_path) := config_path if source.type == "config"

missing_path(source, _) := cp.flags_location(source.entry) if source.type == "flags"

# The effective value, unset ones replaced by the default of that source (`config_default`,
# `flag_default`); undefined when unset and the default does not apply.
effective(source, flag, config_path, _, _) := s.value if s := setting(source, flag, config_path)

effective(source, flag, config_path, config_default, _) := config_default if {
	source.type == "config"
	not is_set(source, flag, config_path)
}

effective(source, flag, config_path, _, flag_default) := flag_default if {
	source.type == "flags"
	not is_set(source, flag, config_path)
	defaults_apply(source)
}

# Where a finding about the setting points: at it when written, else where it should go.
location(source, flag, config_path) := s.path if s := setting(source, flag, config_path)

location(source, flag, config_path) := missing_path(source, config_path) if not is_set(source, flag, config_path)

# Booleans as Go's flag parser reads them; configuration files hold real booleans.
truthy(value) if value == true

truthy(value) if {
	is_string(value)
	lower(value) in {"true", "1", "t"}
}

falsy(value) if value == false

falsy(value) if {
	is_string(value)
	lower(value) in {"false", "0", "f"}
}

# A number from a configuration value or a flag string; undefined when it is neither.
number(value) := value if is_number(value)

number(value) := to_number(value) if {
	is_string(value)
	regex.match(`^-?[0-9]+(\.[0-9]+)?$`, value)
}

# A list from a configuration list or a comma-separated flag.
list(value) := [v | some v in value; is_string(v)] if is_array(value)

list(value) := [trim_space(v) | some v in split(value, ",")] if is_string(value)

# How the setting is named where it is written, for messages.
written(source, flag, _) := sprintf("--%s", [flag]) if source.type == "flags"

written(source, _, config_path) := concat(".", config_path) if source.type == "config"

# `details` with a fix that writes `config_value` into a configuration, or replaces a one-item
# `--flag=value` with `flag_text`; a setting written any other way gets no fix.
fix_details(source, flag, config_path, config_value, _) := {"path": config_path, "fix": [pods.set_op(source.obj, [], config_path, config_value)]} if {
	source.type == "config"
}

fix_details(source, flag, config_path, _, flag_text) := {"path": s.path, "fix": [{"op": "replace", "path": s.path, "value": flag_text}]} if {
	source.type == "flags"
	s := setting(source, flag, config_path)
	s.inline
	source.fixable
}

fix_details(source, flag, config_path, _, _) := {"path": location(source, flag, config_path)} if {
	source.type == "flags"
	not fixable_setting(source, flag, config_path)
}

fixable_setting(source, flag, config_path) if {
	setting(source, flag, config_path).inline
	source.fixable
}
