package kordon.kubelet_certificate_rotation_disabled

import rego.v1

import data.lib.kordon.kubelet

flag := "rotate-certificates"

field := ["rotateCertificates"]

gate := "RotateKubeletServerCertificate"

# Only a written `false` is reported: the default differs between releases and installers (kubeadm
# writes `true`), and CIS asks that the setting not be false.
violation contains {"msg": msg, "details": kubelet.fix_details(source, flag, field, true, "--rotate-certificates=true")} if {
	some source in kubelet.sources(input.review.object)
	kubelet.falsy(kubelet.setting(source, flag, field).value)
	msg := sprintf("%s does not rotate its client certificate (%s: false)", [subject(source), kubelet.written(source, flag, field)])
}

violation contains {"msg": msg, "details": {"path": ["featureGates", gate]}} if {
	input.review.object.kind == "KubeletConfiguration"
	kubelet.falsy(object.get(input.review.object, ["featureGates", gate], true))
	msg := sprintf("the kubelet does not rotate its serving certificate (feature gate %s: false)", [gate])
}

# `--feature-gates=A=true,RotateKubeletServerCertificate=false` on a command line.
violation contains {"msg": msg, "details": {"path": gates.path}} if {
	some source in kubelet.flag_sources(input.review.object)
	gates := kubelet.setting(source, "feature-gates", ["featureGates"])
	is_string(gates.value)
	some item in split(gates.value, ",")
	parts := split(trim_space(item), "=")
	count(parts) == 2
	parts[0] == gate
	kubelet.falsy(parts[1])
	msg := sprintf("%s does not rotate its serving certificate (--feature-gates %s=false)", [source.label, gate])
}

subject(source) := "the kubelet" if source.type == "config"

subject(source) := source.label if source.type == "flags"
