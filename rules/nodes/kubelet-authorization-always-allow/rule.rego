package kordon.kubelet_authorization_always_allow

import rego.v1

import data.lib.kordon.kubelet

path := ["authorization", "mode"]

violation contains {"msg": "the kubelet authorizes every request to its API (authorization.mode: AlwaysAllow)", "details": details} if {
	input.review.object.kind == "KubeletConfiguration"
	object.get(input.review.object, path, "Webhook") == "AlwaysAllow"
	details := {"path": path, "fix": [{"op": "replace", "path": path, "value": "Webhook"}]}
}

# On the command line the default is the opposite of the file's: every request is allowed.
violation contains {"msg": msg, "details": kubelet.fix_details(source, "authorization-mode", path, "Webhook", "--authorization-mode=Webhook")} if {
	some source in kubelet.flag_sources(input.review.object)
	kubelet.effective(source, "authorization-mode", path, "Webhook", "AlwaysAllow") == "AlwaysAllow"
	msg := sprintf("%s authorizes every request to its API (--authorization-mode is %s)", [source.label, shown(source)])
}

shown(source) := sprintf("%q", [kubelet.setting(source, "authorization-mode", path).value]) if kubelet.is_set(source, "authorization-mode", path)

shown(source) := "unset, so AlwaysAllow" if not kubelet.is_set(source, "authorization-mode", path)
