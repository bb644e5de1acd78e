package kordon.kubelet_hostname_override_set

import rego.v1

import data.lib.kordon.kubelet

violation contains {"msg": msg, "details": {"path": s.path}} if {
	some source in kubelet.sources(input.review.object)
	source.type == "flags"
	s := kubelet.setting(source, "hostname-override", [])
	s.value != ""
	msg := sprintf("%s registers under an overridden name (--hostname-override=%s): its serving certificate and the node name it proves can disagree", [source.label, s.value])
}
