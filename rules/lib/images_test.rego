package lib.kordon.images_test

import rego.v1

import data.lib.kordon.images

test_plain_name if {
	images.parse("nginx") == {"registry": "docker.io", "repository": "nginx", "tag": "", "digest": ""}
}

test_registry_with_port_and_tag if {
	images.parse("registry.local:5000/team/app:1.2") == {"registry": "registry.local:5000", "repository": "team/app", "tag": "1.2", "digest": ""}
}

test_registry_port_without_tag if {
	images.parse("localhost:5000/app") == {"registry": "localhost:5000", "repository": "app", "tag": "", "digest": ""}
}

test_digest if {
	r := images.parse("ghcr.io/org/app@sha256:abc")
	r.digest == "sha256:abc"
	r.tag == ""
	r.registry == "ghcr.io"
}

test_effective_tag if {
	images.effective_tag("nginx") == "latest"
	images.effective_tag("nginx:1.27") == "1.27"
	images.effective_tag("nginx@sha256:abc") == ""
	images.pinned(concat("", ["nginx:1.27@sha256:", good_sha256]))
	not images.pinned("nginx:1.27")
}

test_from_registry if {
	images.from_registry("ghcr.io/org/app:1", "ghcr.io")
	images.from_registry("nginx:1", "docker.io")
	images.from_registry("registry.example.com/team/app:1", "registry.example.com/team/")
	not images.from_registry("registry.example.com/other/app:1", "registry.example.com/team/")
	not images.from_registry("evil.io/ghcr.io/app:1", "ghcr.io")
}

test_placeholders if {
	images.placeholder("$IMAGE_URL")
	images.placeholder("${IMAGE_URI}")
	images.placeholder("{{ .Values.image }}")
	images.placeholder("REGION_NAME-docker.pkg.dev/PROJECT_ID/repo/app:latest")
	not images.placeholder("registry.example.com/app:V1.2")
	not images.placeholder("nginx")
}

test_tag_and_digest_edges if {
	images.parse("nginx:") == {"registry": "docker.io", "repository": "nginx", "tag": "", "digest": ""}
	images.parse("org/app:1.0") == {"registry": "docker.io", "repository": "org/app", "tag": "1.0", "digest": ""}
	images.parse("a/b:c/d") == {"registry": "docker.io", "repository": "a/b:c/d", "tag": "", "digest": ""}
	images.parse("localhost/app") == {"registry": "localhost", "repository": "app", "tag": "", "digest": ""}
	images.parse("my.registry/team/app:v1@sha256:abc") == {"registry": "my.registry", "repository": "team/app", "tag": "v1", "digest": "sha256:abc"}
}

good_sha256 := "4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f"

test_malformed_digests_pin_nothing if {
	not images.pinned("nginx@sha256:abc")
	not images.pinned(concat("", ["nginx@sha256:", upper(good_sha256)]))
	not images.pinned(concat("", ["nginx@sha256:", good_sha256, "0"]))
	not images.pinned(concat("", ["nginx@md5:", good_sha256]))
	images.pinned(concat("", ["nginx@sha512:", good_sha256, good_sha256]))
}
