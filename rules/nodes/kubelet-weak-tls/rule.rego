package kordon.kubelet_weak_tls

import rego.v1

import data.lib.kordon.control_plane as cp
import data.lib.kordon.kubelet

violation contains {"msg": msg, "details": {"path": s.path}} if {
	some source in kubelet.sources(input.review.object)
	s := kubelet.setting(source, "tls-cipher-suites", ["tlsCipherSuites"])
	weak := [name | some name in kubelet.list(s.value); name != ""; not cp.strong_cipher(name)]
	count(weak) > 0
	msg := sprintf("%s allows TLS cipher suites without forward secrecy or authenticated encryption (%s): %s", [source.label, kubelet.written(source, "tls-cipher-suites", ["tlsCipherSuites"]), concat(", ", weak)])
}

violation contains {"msg": msg, "details": {"path": s.path}} if {
	some source in kubelet.sources(input.review.object)
	s := kubelet.setting(source, "tls-min-version", ["tlsMinVersion"])
	s.value in cp.weak_tls_versions
	msg := sprintf("%s accepts TLS versions older than 1.2 (%s is %s)", [source.label, kubelet.written(source, "tls-min-version", ["tlsMinVersion"]), s.value])
}
