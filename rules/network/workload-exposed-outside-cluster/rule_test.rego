package kordon.workload_exposed_outside_cluster

import rego.v1

deployment := {
	"apiVersion": "apps/v1", "kind": "Deployment",
	"metadata": {"name": "web", "namespace": "shop"},
	"spec": {"template": {"metadata": {"labels": {"app": "web", "tier": "front"}}, "spec": {"containers": [{"name": "web"}]}}},
}

service_of(type, selector) := {"spec": {"type": type, "selector": selector}}

review(namespaces) := results if {
	results := violation with input as {"review": {"object": deployment}, "parameters": {}}
		with data.inventory as {"cluster": {}, "namespace": namespaces}
}

http_route(ref) := {"gateway.networking.k8s.io/v1": {"HTTPRoute": {"r": {"spec": {"rules": [{"backendRefs": [ref]}]}}}}}

test_load_balancer_service_is_reported if {
	results := review({"shop": {"v1": {"Service": {"web": service_of("LoadBalancer", {"app": "web"})}}}})
	count(results) == 1
	some r in results
	contains(r.msg, `Service "web" of type LoadBalancer selects its pods`)
	r.details.related[0].path == ["spec", "type"]
	r.details.path == ["spec", "template", "metadata", "labels"]
}

test_node_port_is_reported if {
	count(review({"shop": {"v1": {"Service": {"web": service_of("NodePort", {"tier": "front"})}}}})) == 1
}

test_cluster_ip_alone_and_unmatched_or_selectorless_services_are_quiet if {
	count(review({"shop": {"v1": {"Service": {"web": service_of("ClusterIP", {"app": "web"})}}}})) == 0
	count(review({"shop": {"v1": {"Service": {"web": service_of("LoadBalancer", {"app": "api"})}}}})) == 0
	count(review({"shop": {"v1": {"Service": {"web": {"spec": {"type": "LoadBalancer"}}}}}})) == 0
	count(review({"other": {"v1": {"Service": {"web": service_of("LoadBalancer", {"app": "web"})}}}})) == 0
}

test_ingress_rule_and_default_backend if {
	svc := {"v1": {"Service": {"web": service_of("ClusterIP", {"app": "web"})}}}
	rule := {"rules": [{"http": {"paths": [{"backend": {"service": {"name": "web"}}}]}}]}
	results := review({"shop": object.union(svc, {"networking.k8s.io/v1": {"Ingress": {"shop": {"spec": rule}}}})})
	some r in results
	contains(r.msg, `Ingress "shop" routes to Service "web"`)
	r.details.related[1].path == ["spec", "rules", 0, "http", "paths", 0, "backend"]
	fallback := {"networking.k8s.io/v1": {"Ingress": {"all": {"spec": {"defaultBackend": {"service": {"name": "web"}}}}}}}
	count(review({"shop": object.union(svc, fallback)})) == 1
	other := {"networking.k8s.io/v1": {"Ingress": {"all": {"spec": {"defaultBackend": {"service": {"name": "api"}}}}}}}
	count(review({"shop": object.union(svc, other)})) == 0
}

test_http_route_in_another_namespace if {
	svc := {"v1": {"Service": {"web": service_of("ClusterIP", {"app": "web"})}}}
	results := review({"shop": svc, "edge": http_route({"name": "web", "namespace": "shop"})})
	some r in results
	contains(r.msg, `HTTPRoute "r" routes to Service "web"`)
	r.details.related[1].namespace == "edge"
	count(review({"shop": svc, "edge": http_route({"name": "web"})})) == 0
	count(review({"shop": object.union(svc, http_route({"name": "web", "kind": "ServiceImport", "group": "multicluster.x-k8s.io"}))})) == 0
	count(review({"shop": object.union(svc, http_route({"name": "web"}))})) == 1
}

test_scaled_to_zero_is_skipped if {
	zero := object.union(deployment, {"spec": {"replicas": 0}})
	count(violation) == 0 with input as {"review": {"object": zero}, "parameters": {}}
		with data.inventory as {"cluster": {}, "namespace": {"shop": {"v1": {"Service": {"web": service_of("LoadBalancer", {"app": "web"})}}}}}
}
