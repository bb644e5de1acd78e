package kordon.kubelet_client_ca_missing

import rego.v1

violation contains {"msg": "the kubelet has no client CA (authentication.x509.clientCAFile): it cannot verify who calls its API", "details": {"path": ["authentication", "x509", "clientCAFile"]}} if {
	object.get(input.review.object, ["authentication", "x509", "clientCAFile"], "") == ""
}
