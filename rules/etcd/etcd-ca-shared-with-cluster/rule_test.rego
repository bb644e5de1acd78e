package kordon.etcd_ca_shared_with_cluster

import rego.v1

static_pod(name, command) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "kube-system"}, "spec": {"containers": [{"name": command[0], "command": command}]}}

etcd(ca) := static_pod("etcd-cp1", ["etcd", "--client-cert-auth=true", sprintf("--trusted-ca-file=%s", [ca])])

apiserver(ca) := static_pod("kube-apiserver-cp1", ["kube-apiserver", sprintf("--client-ca-file=%s", [ca])])

inventory(pods) := {"namespace": {"kube-system": {"v1": {"Pod": {p.metadata.name: p | some p in pods}}}}}

review(obj) := {"review": {"object": obj}, "parameters": {}}

test_shared_ca_is_reported_at_the_etcd_flag if {
	results := violation with input as review(etcd("/etc/kubernetes/pki/ca.crt"))
		with data.inventory as inventory([etcd("/etc/kubernetes/pki/ca.crt"), apiserver("/etc/kubernetes/pki/ca.crt")])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 2]
	contains(r.msg, "kube-system/kube-apiserver-cp1")
}

test_separate_ca_is_quiet if {
	count(violation) == 0 with input as review(etcd("/etc/kubernetes/pki/etcd/ca.crt")) with data.inventory as inventory([apiserver("/etc/kubernetes/pki/ca.crt")])
}

# Nothing to compare with: the rule reports only what it sees.
test_no_api_server_in_the_scan_is_quiet if {
	count(violation) == 0 with input as review(etcd("/etc/kubernetes/pki/ca.crt")) with data.inventory as inventory([])
}

test_only_etcd_is_judged if {
	count(violation) == 0 with input as review(apiserver("/etc/kubernetes/pki/ca.crt")) with data.inventory as inventory([apiserver("/etc/kubernetes/pki/ca.crt")])
}
