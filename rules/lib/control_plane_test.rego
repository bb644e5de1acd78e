package lib.kordon.control_plane_test

import rego.v1

import data.lib.kordon.control_plane as cp

static_pod(container) := {"kind": "Pod", "metadata": {"name": "kube-apiserver", "namespace": "kube-system"}, "spec": {"containers": [container]}}

test_kubeadm_style_command_is_recognised if {
	pod := static_pod({"name": "kube-apiserver", "command": ["kube-apiserver", "--profiling=false"]})
	count(cp.component_containers(pod, "kube-apiserver")) == 1
	count(cp.component_containers(pod, "etcd")) == 0
}

test_full_path_and_hyperkube if {
	count(cp.component_containers(static_pod({"command": ["/usr/local/bin/kube-apiserver"]}), "kube-apiserver")) == 1
	count(cp.component_containers(static_pod({"command": ["/hyperkube", "apiserver"]}), "kube-apiserver")) == 1
}

test_image_entrypoint_with_args if {
	pod := static_pod({"image": "registry.k8s.io/kube-apiserver:v1.30.2", "args": ["--profiling=false"]})
	count(cp.component_containers(pod, "kube-apiserver")) == 1
}

test_flag_forms_and_last_wins if {
	pod := static_pod({"command": ["kube-apiserver", "--anonymous-auth=true", "--profiling", "--audit-log-path", "/var/log/a.log", "--anonymous-auth=false"]})
	[entry] := cp.component_containers(pod, "kube-apiserver")
	cp.flag(entry, "anonymous-auth").value == "false"
	cp.flag(entry, "anonymous-auth").path == ["spec", "containers", 0, "command", 5]
	cp.flag(entry, "profiling").value == "true"
	cp.flag(entry, "audit-log-path").value == "/var/log/a.log"
	not cp.has_flag(entry, "token-auth-file")
}

test_flag_list if {
	pod := static_pod({"command": ["kube-apiserver", "--authorization-mode=Node, RBAC"]})
	[entry] := cp.component_containers(pod, "kube-apiserver")
	cp.flag_list(entry, "authorization-mode") == ["Node", "RBAC"]
	cp.flag_list(entry, "enable-admission-plugins") == []
}

test_missing_flag_points_at_command if {
	pod := static_pod({"command": ["kube-apiserver"]})
	[entry] := cp.component_containers(pod, "kube-apiserver")
	cp.flags_location(entry) == ["spec", "containers", 0, "command"]
}

test_flag_details_forms if {
	pod := static_pod({"command": ["kube-apiserver", "--profiling=true", "--audit-log-path", "-"]})
	[entry] := cp.component_containers(pod, "kube-apiserver")
	cp.flag_details(entry, "profiling", "--profiling=false").fix[0].path == ["spec", "containers", 0, "command", 1]
	cp.flag_details(entry, "audit-log-path", "--audit-log-path=/x") == {"path": ["spec", "containers", 0, "command", 2]}
	cp.flag_details(entry, "token-auth-file", "") == {"path": ["spec", "containers", 0, "command"]}
	cp.describe(entry, "anonymous-auth", "true") == "unset, so true"
}

test_durations if {
	cp.duration_seconds("60s") == 60
	cp.duration_seconds("1m30s") == 90
	cp.duration_seconds("2h") == 7200
	cp.duration_seconds("500ms") == 0.5
	cp.duration_seconds("0") == 0
	not cp.duration_seconds("45")
	not cp.duration_seconds("soon")
	not cp.duration_seconds("5x")
}

test_cipher_strength if {
	cp.strong_cipher("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
	cp.strong_cipher("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")
	cp.strong_cipher("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305")
	cp.strong_cipher("TLS_AES_256_GCM_SHA384")
	not cp.strong_cipher("TLS_RSA_WITH_AES_128_GCM_SHA256")
	not cp.strong_cipher("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")
	not cp.strong_cipher("TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA")
}
