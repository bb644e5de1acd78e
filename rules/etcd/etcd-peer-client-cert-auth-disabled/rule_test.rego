package kordon.etcd_peer_client_cert_auth_disabled

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "etcd"}, "spec": {"containers": [{"name": "etcd", "command": array.concat(["etcd", "--peer-cert-file=/pki/peer.crt", "--peer-key-file=/pki/peer.key"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_missing_is_reported if {
	results := violation with input as review(["--client-cert-auth=true"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command"]
}

test_true_is_quiet if {
	count(violation) == 0 with input as review(["--peer-client-cert-auth=true"])
}

test_missing_peer_certificates_are_reported_at_command if {
	obj := {"kind": "Pod", "spec": {"containers": [{"name": "etcd", "command": ["etcd", "--peer-client-cert-auth=true", "--peer-key-file=/pki/peer.key"]}]}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command"]
	contains(r.msg, "no --peer-cert-file:")
}
