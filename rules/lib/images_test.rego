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
