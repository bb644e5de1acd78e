package kordon.ingress_without_tls

import rego.v1

tls_entries(obj) := [t | some t in object.get(obj, ["spec", "tls"], []); is_object(t)]

violation contains {"msg": msg, "details": {"path": ["spec"]}} if {
	obj := input.review.object
	count(tls_entries(obj)) == 0
	msg := sprintf("Ingress %q has no TLS: its hosts are served over plain HTTP", [object.get(obj, ["metadata", "name"], "")])
}

violation contains {"msg": msg, "details": {"path": ["spec", "rules", i, "host"]}} if {
	obj := input.review.object
	entries := tls_entries(obj)
	count(entries) > 0
	not covers_everything(entries)
	some i, rule in object.get(obj, ["spec", "rules"], [])
	host := rule.host
	not covered(entries, host)
	msg := sprintf("Ingress %q serves host %q without TLS: no tls entry lists it", [object.get(obj, ["metadata", "name"], ""), host])
}

covers_everything(entries) if {
	some t in entries
	count(object.get(t, "hosts", [])) == 0
}

covered(entries, host) if {
	some t in entries
	some pattern in t.hosts
	host_matches(pattern, host)
}

host_matches(pattern, host) if pattern == host

host_matches(pattern, host) if {
	startswith(pattern, "*.")
	suffix := substring(pattern, 1, -1)
	endswith(host, suffix)
	not contains(substring(host, 0, count(host) - count(suffix)), ".")
}
