package kordon.service_external_ips

import rego.v1

svc(ips) := {"kind": "Service", "metadata": {"name": "web"}, "spec": {"externalIPs": ips}}

test_each_ip_is_reported if {
	results := violation with input as {"review": {"object": svc(["203.0.113.10", "203.0.113.11"])}, "parameters": {}}
	{r.details.path | some r in results} == {["spec", "externalIPs", 0], ["spec", "externalIPs", 1]}
}

test_allowed_ip_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": svc(["203.0.113.10"])}, "parameters": {"allowedIPs": ["203.0.113.10"]}}
}

test_no_external_ips_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": {"kind": "Service", "spec": {}}}, "parameters": {}}
}
