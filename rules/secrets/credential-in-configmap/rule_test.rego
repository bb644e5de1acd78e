package kordon.credential_in_configmap

import rego.v1

configmap(data) := {"kind": "ConfigMap", "metadata": {"name": "c"}, "data": data}

review(data) := {"review": {"object": configmap(data)}, "parameters": {}}

test_password_key_is_reported if {
	results := violation with input as review({"LOG_LEVEL": "info", "db_password": "s3cr3t-Pa55"})
	count(results) == 1
	some r in results
	r.details.path == ["data", "db_password"]
}

test_private_key_inside_a_file_is_reported if {
	count(violation) == 1 with input as review({"app.conf": "listen 443\nkey = '''\n-----BEGIN PRIVATE KEY-----\nMIIEvQ\n"})
}

test_placeholders_and_references_are_quiet if {
	count(violation) == 0 with input as review({"API_TOKEN": "<set-me>", "AUTH_SECRET": "${AUTH_SECRET}", "TOKEN_URL": "https://id.example.com/token"})
}

test_allowed_keys_are_quiet if {
	count(violation) == 0 with input as {"review": {"object": configmap({"API_TOKEN": "abcd1234efgh"})}, "parameters": {"allowedKeys": ["API_TOKEN"]}}
}

test_other_kinds_are_quiet if {
	count(violation) == 0 with input as {"review": {"object": {"kind": "Secret", "data": {"password": "abcd1234"}}}, "parameters": {}}
}
