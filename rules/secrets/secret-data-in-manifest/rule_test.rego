package kordon.secret_data_in_manifest

import rego.v1

secret(extra) := object.union({"kind": "Secret", "metadata": {"name": "db"}}, extra)

review(extra) := {"review": {"object": secret(extra)}, "parameters": {"ignoredTypes": ["kubernetes.io/service-account-token"]}}

test_data_value_is_reported_once if {
	results := violation with input as review({"data": {"user": "YWRtaW4=", "password": "cDRzc3cwcmQ="}})
	count(results) == 1
	some r in results
	r.details.path == ["data", "password"]
	contains(r.msg, "and 1 more")
}

test_string_data_is_reported if {
	count(violation) == 1 with input as review({"stringData": {"password": "p4ssw0rd"}})
}

test_placeholders_and_empty_are_quiet if {
	count(violation) == 0 with input as review({"data": {"a": ""}, "stringData": {"b": "<password>", "c": "${DB_PASSWORD}", "d": "CHANGEME", "e": "{{ .Values.x }}"}})
}

test_no_data_is_quiet if {
	count(violation) == 0 with input as review({"type": "kubernetes.io/tls"})
}

test_ignored_type_is_quiet if {
	count(violation) == 0 with input as review({"type": "kubernetes.io/service-account-token", "data": {"token": "abc"}})
}
