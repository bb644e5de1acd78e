# Writes control-plane samples: a kubeadm-like static pod per component with flags edited per rule.
import os, sys
R = '/work/wt-rulesb/rules'
APISERVER = """--advertise-address=10.0.0.10
--allow-privileged=true
--anonymous-auth=false
--audit-log-maxage=30
--audit-log-maxbackup=10
--audit-log-maxsize=100
--audit-log-path=/var/log/kubernetes/audit/audit.log
--audit-policy-file=/etc/kubernetes/audit/policy.yaml
--authorization-mode=Node,RBAC
--client-ca-file=/etc/kubernetes/pki/ca.crt
--enable-admission-plugins=NodeRestriction,AlwaysPullImages,EventRateLimit,DenyServiceExternalIPs
--admission-control-config-file=/etc/kubernetes/admission/config.yaml
--encryption-provider-config=/etc/kubernetes/enc/encryption.yaml
--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
--etcd-servers=https://127.0.0.1:2379
--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt
--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt
--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key
--profiling=false
--request-timeout=60s
--service-account-issuer=https://kubernetes.default.svc.cluster.local
--service-account-key-file=/etc/kubernetes/pki/sa.pub
--service-account-lookup=true
--service-account-signing-key-file=/etc/kubernetes/pki/sa.key
--tls-cert-file=/etc/kubernetes/pki/apiserver.crt
--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305
--tls-min-version=VersionTLS12
--tls-private-key-file=/etc/kubernetes/pki/apiserver.key"""
CONTROLLER = """--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf
--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf
--bind-address=127.0.0.1
--client-ca-file=/etc/kubernetes/pki/ca.crt
--cluster-name=kubernetes
--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt
--cluster-signing-key-file=/etc/kubernetes/pki/ca.key
--controllers=*,bootstrapsigner,tokencleaner
--kubeconfig=/etc/kubernetes/controller-manager.conf
--leader-elect=true
--profiling=false
--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt
--root-ca-file=/etc/kubernetes/pki/ca.crt
--service-account-private-key-file=/etc/kubernetes/pki/sa.key
--terminated-pod-gc-threshold=1000
--use-service-account-credentials=true"""
ETCD = """--advertise-client-urls=https://10.0.0.10:2379
--cert-file=/etc/kubernetes/pki/etcd/server.crt
--client-cert-auth=true
--data-dir=/var/lib/etcd
--initial-advertise-peer-urls=https://10.0.0.10:2380
--initial-cluster=cp-1=https://10.0.0.10:2380
--key-file=/etc/kubernetes/pki/etcd/server.key
--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.10:2379
--listen-peer-urls=https://10.0.0.10:2380
--name=cp-1
--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
--peer-client-cert-auth=true
--peer-key-file=/etc/kubernetes/pki/etcd/peer.key
--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt"""
BASES = {'kube-apiserver': (APISERVER, 'registry.k8s.io/kube-apiserver:v1.30.2'),
         'kube-controller-manager': (CONTROLLER, 'registry.k8s.io/kube-controller-manager:v1.30.2'),
         'etcd': (ETCD, 'registry.k8s.io/etcd:3.5.12-0')}

def pod(component, flags):
    image = BASES[component][1]
    lines = [f"apiVersion: v1", "kind: Pod", "metadata:", f"  name: {component}", "  namespace: kube-system",
             "  labels:", f"    component: {component}", "    tier: control-plane", "spec:", "  hostNetwork: true",
             "  priorityClassName: system-node-critical", "  containers:", f"    - name: {component}",
             f"      image: {image}", "      command:", f"        - {component}"]
    lines += [f"        - {f}" for f in flags]
    return "\n".join(lines) + "\n"

def edit(component, changes):
    """changes: {flag-name: new line or None to drop}; a name absent from the base is appended."""
    flags = BASES[component][0].split("\n")
    out, seen = [], set()
    for f in flags:
        name = f.split("=")[0][2:]
        if name in changes:
            seen.add(name)
            if changes[name] is not None:
                out.append(changes[name])
        else:
            out.append(f)
    out += [v for k, v in changes.items() if k not in seen and v is not None]
    return out

def write(rule, kind, component, disallowed, fixed=None, allowed=None):
    d = f"{R}/{kind}/{rule}/samples"
    os.makedirs(d, exist_ok=True)
    open(f"{d}/allowed.yaml", "w").write(pod(component, edit(component, allowed or {})))
    open(f"{d}/disallowed.yaml", "w").write(pod(component, edit(component, disallowed)))
    if fixed is not None:
        open(f"{d}/fixed.yaml", "w").write(pod(component, edit(component, fixed)))
