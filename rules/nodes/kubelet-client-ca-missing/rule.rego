package kordon.kubelet_client_ca_missing

import rego.v1

import data.lib.kordon.kubelet

flag := "client-ca-file"

field := ["authentication", "x509", "clientCAFile"]

violation contains {"msg": msg, "details": {"path": kubelet.location(source, flag, field)}} if {
	some source in kubelet.sources(input.review.object)
	kubelet.effective(source, flag, field, "", "") == ""
	msg := sprintf("%s has no client CA (%s): it cannot verify who calls its API", [subject(source), kubelet.written(source, flag, field)])
}

subject(source) := "the kubelet" if source.type == "config"

subject(source) := source.label if source.type == "flags"
