package kordon.kubelet_serving_cert_missing

import rego.v1

import data.lib.kordon.kubelet

violation contains {"msg": msg, "details": {"path": kubelet.location(source, "tls-cert-file", ["tlsCertFile"])}} if {
	some source in kubelet.sources(input.review.object)
	kubelet.defaults_apply(source)
	not has_value(source, "tls-cert-file", ["tlsCertFile"])
	not kubelet.truthy(object.get(rotation(source), "value", false))
	msg := sprintf("%s has no serving certificate (%s) and does not request one (%s): it serves a self-signed certificate the API server cannot verify", [source.label, kubelet.written(source, "tls-cert-file", ["tlsCertFile"]), kubelet.written(source, "rotate-server-certificates", ["serverTLSBootstrap"])])
}

has_value(source, flag, field) if kubelet.setting(source, flag, field).value != ""

rotation(source) := s if s := kubelet.setting(source, "rotate-server-certificates", ["serverTLSBootstrap"])

rotation(source) := {} if not kubelet.is_set(source, "rotate-server-certificates", ["serverTLSBootstrap"])
