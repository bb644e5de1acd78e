package lib.kordon.credentials_test

import rego.v1

import data.lib.kordon.credentials

test_bearer_names_are_credentials if {
	credentials.suspicious("UPSTREAM_BEARER", "c2VjcmV0LXRva2Vu", set())
}

test_azure_and_oci_keys_are_credentials if {
	credentials.suspicious("AZURE_STORAGE_ACCOUNT_KEY", "q1w2e3r4t5y6u7i8o9p0", set())
	credentials.suspicious("OCI_FINGERPRINT_KEY", "3f:2a:9b:77:10", set())
}

test_other_key_suffixes_are_not if {
	not credentials.suspicious("CACHE_KEY", "user-profile", set())
	not credentials.suspicious("AZURE_KEY_VAULT_NAME", "shop-vault", set())
}

test_aws_secret_access_key_is_a_credential if {
	credentials.suspicious("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", set())
}

test_pem_headers_with_any_dash_count if {
	credentials.suspicious("TLS", "---BEGIN RSA PRIVATE KEY---\nMIIE", set())
	credentials.suspicious("TLS", "-----BEGIN PRIVATE KEY-----\nMIIE", set())
	credentials.suspicious("TLS", "--------BEGIN EC PRIVATE KEY--------\nMHc", set())
}

test_placeholders_stay_quiet if {
	not credentials.suspicious("API_TOKEN", "<your-token>", set())
	not credentials.suspicious("API_TOKEN", "REPLACE_WITH_TOKEN", set())
	not credentials.suspicious("API_TOKEN", "${API_TOKEN}", set())
}

test_extra_words if {
	credentials.suspicious("SIGNING_PHRASE", "correct horse battery", {"PHRASE"})
	not credentials.suspicious("SIGNING_PHRASE", "correct horse battery", set())
}
