package kordon.controller_manager_kubelet_server_cert_rotation_disabled

import rego.v1

import data.lib.kordon.control_plane as cp

gate := "RotateKubeletServerCertificate"

# The spellings Go's strconv.ParseBool reads as false, as the feature-gate parser does.
false_words := {"false", "0", "f", "F", "FALSE", "False"}

violation contains {"msg": msg, "details": {"path": cp.flag(entry, "feature-gates").path}} if {
	some entry in cp.component_containers(input.review.object, "kube-controller-manager")
	gate_value(entry) in false_words
	msg := sprintf("kube-controller-manager in container %q turns off %s in --feature-gates: kubelet serving certificates are not rotated before they expire", [entry.name, gate])
}

# The gate's value in the flag: later entries of the list win, as the component parses it.
gate_value(entry) := value if {
	settings := [[trim_space(parts[0]), trim_space(parts[1])] |
		some item in cp.flag_list(entry, "feature-gates")
		parts := split(item, "=")
		count(parts) == 2
	]
	values := [v | some [k, v] in settings; k == gate]
	count(values) > 0
	value := values[count(values) - 1]
}
