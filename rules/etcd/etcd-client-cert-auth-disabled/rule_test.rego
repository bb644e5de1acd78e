package kordon.etcd_client_cert_auth_disabled

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "etcd"}, "spec": {"containers": [{"name": "etcd", "command": array.concat(["etcd"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_disabled_is_reported_with_fix if {
	results := violation with input as review(["--cert-file=/c", "--key-file=/k", "--client-cert-auth=false"])
	count(results) == 1
	some r in results
	r.details.fix[0].path == ["spec", "containers", 0, "command", 3]
}

test_missing_tls_is_reported if {
	count(violation) == 2 with input as review(["--client-cert-auth=true"])
}

test_hardened_is_quiet if {
	count(violation) == 0 with input as review(["--cert-file=/c", "--key-file=/k", "--client-cert-auth=true"])
}
