package kordon.deprecated_api_version

import rego.v1

# "apiVersion kind" -> [replacement apiVersion, Kubernetes release that removed or will remove it]
replacements := {
	"extensions/v1beta1 Deployment": ["apps/v1", "1.16"],
	"extensions/v1beta1 DaemonSet": ["apps/v1", "1.16"],
	"extensions/v1beta1 ReplicaSet": ["apps/v1", "1.16"],
	"extensions/v1beta1 NetworkPolicy": ["networking.k8s.io/v1", "1.16"],
	"extensions/v1beta1 PodSecurityPolicy": ["(none: use Pod Security admission)", "1.16"],
	"extensions/v1beta1 Ingress": ["networking.k8s.io/v1", "1.22"],
	"apps/v1beta1 Deployment": ["apps/v1", "1.16"],
	"apps/v1beta1 StatefulSet": ["apps/v1", "1.16"],
	"apps/v1beta2 Deployment": ["apps/v1", "1.16"],
	"apps/v1beta2 StatefulSet": ["apps/v1", "1.16"],
	"apps/v1beta2 DaemonSet": ["apps/v1", "1.16"],
	"apps/v1beta2 ReplicaSet": ["apps/v1", "1.16"],
	"networking.k8s.io/v1beta1 Ingress": ["networking.k8s.io/v1", "1.22"],
	"networking.k8s.io/v1beta1 IngressClass": ["networking.k8s.io/v1", "1.22"],
	"rbac.authorization.k8s.io/v1beta1 ClusterRole": ["rbac.authorization.k8s.io/v1", "1.22"],
	"rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding": ["rbac.authorization.k8s.io/v1", "1.22"],
	"rbac.authorization.k8s.io/v1beta1 Role": ["rbac.authorization.k8s.io/v1", "1.22"],
	"rbac.authorization.k8s.io/v1beta1 RoleBinding": ["rbac.authorization.k8s.io/v1", "1.22"],
	"rbac.authorization.k8s.io/v1alpha1 ClusterRole": ["rbac.authorization.k8s.io/v1", "1.22"],
	"rbac.authorization.k8s.io/v1alpha1 ClusterRoleBinding": ["rbac.authorization.k8s.io/v1", "1.22"],
	"rbac.authorization.k8s.io/v1alpha1 Role": ["rbac.authorization.k8s.io/v1", "1.22"],
	"rbac.authorization.k8s.io/v1alpha1 RoleBinding": ["rbac.authorization.k8s.io/v1", "1.22"],
	"apiextensions.k8s.io/v1beta1 CustomResourceDefinition": ["apiextensions.k8s.io/v1", "1.22"],
	"admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfiguration": ["admissionregistration.k8s.io/v1", "1.22"],
	"admissionregistration.k8s.io/v1beta1 MutatingWebhookConfiguration": ["admissionregistration.k8s.io/v1", "1.22"],
	"apiregistration.k8s.io/v1beta1 APIService": ["apiregistration.k8s.io/v1", "1.22"],
	"certificates.k8s.io/v1beta1 CertificateSigningRequest": ["certificates.k8s.io/v1", "1.22"],
	"coordination.k8s.io/v1beta1 Lease": ["coordination.k8s.io/v1", "1.22"],
	"scheduling.k8s.io/v1beta1 PriorityClass": ["scheduling.k8s.io/v1", "1.22"],
	"scheduling.k8s.io/v1alpha1 PriorityClass": ["scheduling.k8s.io/v1", "1.17"],
	"storage.k8s.io/v1beta1 StorageClass": ["storage.k8s.io/v1", "1.22"],
	"storage.k8s.io/v1beta1 VolumeAttachment": ["storage.k8s.io/v1", "1.22"],
	"storage.k8s.io/v1beta1 CSIDriver": ["storage.k8s.io/v1", "1.22"],
	"storage.k8s.io/v1beta1 CSINode": ["storage.k8s.io/v1", "1.22"],
	"storage.k8s.io/v1beta1 CSIStorageCapacity": ["storage.k8s.io/v1", "1.27"],
	"batch/v1beta1 CronJob": ["batch/v1", "1.25"],
	"batch/v2alpha1 CronJob": ["batch/v1", "1.21"],
	"discovery.k8s.io/v1beta1 EndpointSlice": ["discovery.k8s.io/v1", "1.25"],
	"events.k8s.io/v1beta1 Event": ["events.k8s.io/v1", "1.25"],
	"policy/v1beta1 PodDisruptionBudget": ["policy/v1", "1.25"],
	"policy/v1beta1 PodSecurityPolicy": ["(none: use Pod Security admission)", "1.25"],
	"node.k8s.io/v1beta1 RuntimeClass": ["node.k8s.io/v1", "1.25"],
	"autoscaling/v2beta1 HorizontalPodAutoscaler": ["autoscaling/v2", "1.25"],
	"autoscaling/v2beta2 HorizontalPodAutoscaler": ["autoscaling/v2", "1.26"],
	"flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema": ["flowcontrol.apiserver.k8s.io/v1", "1.26"],
	"flowcontrol.apiserver.k8s.io/v1beta1 PriorityLevelConfiguration": ["flowcontrol.apiserver.k8s.io/v1", "1.26"],
	"flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema": ["flowcontrol.apiserver.k8s.io/v1", "1.29"],
	"flowcontrol.apiserver.k8s.io/v1beta2 PriorityLevelConfiguration": ["flowcontrol.apiserver.k8s.io/v1", "1.29"],
	"flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema": ["flowcontrol.apiserver.k8s.io/v1", "1.32"],
	"flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration": ["flowcontrol.apiserver.k8s.io/v1", "1.32"],
}

violation contains {"msg": msg, "details": details} if {
	obj := input.review.object
	[replacement, removed] := replacements[concat(" ", [obj.apiVersion, obj.kind])]
	msg := sprintf("%s %s is deprecated and removed in Kubernetes %s; use %s", [obj.apiVersion, obj.kind, removed, replacement])
	details := object.union({"path": ["apiVersion"]}, fix(replacement))
}

fix(replacement) := {"fix": [{"op": "replace", "path": ["apiVersion"], "value": replacement}]} if not startswith(replacement, "(")

fix(replacement) := {} if startswith(replacement, "(")
