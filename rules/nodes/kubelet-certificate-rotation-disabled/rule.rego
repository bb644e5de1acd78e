package kordon.kubelet_certificate_rotation_disabled

import rego.v1

violation contains {"msg": "the kubelet does not rotate its client certificate (rotateCertificates: false)", "details": details} if {
	input.review.object.rotateCertificates == false
	details := {"path": ["rotateCertificates"], "fix": [{"op": "replace", "path": ["rotateCertificates"], "value": true}]}
}

violation contains {"msg": "the kubelet does not rotate its serving certificate (feature gate RotateKubeletServerCertificate: false)", "details": {"path": ["featureGates", "RotateKubeletServerCertificate"]}} if {
	input.review.object.featureGates.RotateKubeletServerCertificate == false
}
