package kordon.service_external_ips

import rego.v1

violation contains {"msg": msg, "details": {"path": ["spec", "externalIPs", i]}} if {
	obj := input.review.object
	some i, ip in object.get(obj, ["spec", "externalIPs"], [])
	not ip in object.get(input.parameters, "allowedIPs", [])
	msg := sprintf("Service %q claims external IP %v: every node will capture traffic to that address (CVE-2020-8554)", [object.get(obj, ["metadata", "name"], ""), ip])
}
