package kordon.apiserver_admission_plugin_missing

import rego.v1

import data.lib.kordon.control_plane as cp

# Plugins kube-apiserver turns on by itself unless `--disable-admission-plugins` names them.
on_by_default := {
	"CertificateApproval", "CertificateSigning", "CertificateSubjectRestriction",
	"DefaultIngressClass", "DefaultStorageClass", "DefaultTolerationSeconds", "LimitRanger",
	"MutatingAdmissionWebhook", "NamespaceLifecycle", "PersistentVolumeClaimResize",
	"PodSecurity", "Priority", "ResourceQuota", "RuntimeClass", "ServiceAccount",
	"StorageObjectInUseProtection", "TaintNodesByCondition", "ValidatingAdmissionPolicy",
	"ValidatingAdmissionWebhook",
}

consequence := {
	"AlwaysPullImages": "a pod can start from an image another tenant pulled to the node, without the registry checking its pull credentials",
	"EventRateLimit": "a noisy or hostile client can flood the API server and etcd with events",
	"NamespaceLifecycle": "objects can be created in namespaces that are being deleted or do not exist",
	"ServiceAccount": "pods are not tied to an existing ServiceAccount and tokens are not mounted under its control",
	"DenyServiceExternalIPs": "anyone who can create a Service can claim external IPs and intercept traffic to them (CVE-2020-8554)",
}

# The plugins the server runs. The legacy `--admission-control` flag replaces the whole list,
# defaults included; `--enable-admission-plugins` adds to the defaults.
enabled_set(entry) := {plugin | some plugin in cp.flag_list(entry, "admission-control")} if cp.has_flag(entry, "admission-control")

enabled_set(entry) := on_by_default | {plugin | some plugin in cp.flag_list(entry, "enable-admission-plugins")} if {
	not cp.has_flag(entry, "admission-control")
}

disabled_set(entry) := {plugin | some plugin in cp.flag_list(entry, "disable-admission-plugins")}

violation contains {"msg": msg, "details": cp.flag_details(entry, "disable-admission-plugins", "")} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	off := disabled_set(entry)
	some plugin in required
	plugin in off
	msg := sprintf("kube-apiserver in container %q disables the %s admission plugin: %s", [entry.name, plugin, reason(plugin)])
}

violation contains {"msg": msg, "details": cp.flag_details(entry, list_flag(entry), "")} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	off := disabled_set(entry)
	on := enabled_set(entry)
	some plugin in required
	not plugin in off
	not plugin in on
	msg := sprintf("kube-apiserver in container %q does not enable the %s admission plugin: %s", [entry.name, plugin, reason(plugin)])
}

required := [plugin | some plugin in object.get(input.parameters, "plugins", ["AlwaysPullImages", "EventRateLimit", "NamespaceLifecycle", "ServiceAccount", "DenyServiceExternalIPs"]); is_string(plugin)]

list_flag(entry) := "admission-control" if cp.has_flag(entry, "admission-control")

list_flag(entry) := "enable-admission-plugins" if not cp.has_flag(entry, "admission-control")

reason(plugin) := consequence[plugin]

reason(plugin) := "the cluster's admission policy requires it" if not consequence[plugin]
