package kordon.hardcoded_credential_in_env

import rego.v1

pod(env) := {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "app", "env": env}]}}

review(env) := {"review": {"object": pod(env)}, "parameters": {}}

test_password_literal_is_reported_at_value if {
	results := violation with input as review([{"name": "LOG_LEVEL", "value": "info"}, {"name": "DB_PASSWORD", "value": "s3cr3t-Pa55"}])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "env", 1, "value"]
}

test_known_shape_under_any_name if {
	count(violation) == 1 with input as review([{"name": "AWS_X", "value": "AKIAABCDEFGHIJKLMNOP"}])
}

test_descriptive_names_are_quiet if {
	count(violation) == 0 with input as review([
		{"name": "PASSWORD_FILE", "value": "/run/secrets/db"},
		{"name": "TOKEN_URL", "value": "https://auth.example.com/token"},
		{"name": "SECRET_NAME", "value": "db-credentials"},
		{"name": "AWS_ACCESS_KEY_ID", "value": "from-instance-profile"},
	])
}

test_harmless_values_are_quiet if {
	count(violation) == 0 with input as review([
		{"name": "TOKEN_REFRESH", "value": "true"},
		{"name": "SECRET_ROTATION", "value": "30d"},
		{"name": "API_TOKEN", "value": "$(TOKEN_FROM_SECRET)"},
		{"name": "DB_PASSWORD", "value": ""},
	])
}

test_secret_key_ref_is_quiet if {
	count(violation) == 0 with input as review([{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}])
}

test_allowed_name_and_extra_words if {
	count(violation) == 0 with input as {"review": {"object": pod([{"name": "DB_PASSWORD", "value": "hunter22"}])}, "parameters": {"allowedNames": ["DB_PASSWORD"]}}
	count(violation) == 1 with input as {"review": {"object": pod([{"name": "SIGNING_SALT", "value": "a9f8e7d6"}])}, "parameters": {"extraNameWords": ["salt"]}}
}
