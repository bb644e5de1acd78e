{{- define "common.containers" -}}
containers:
  - name: {{ .Chart.Name }}
    image: "{{ .Values.image }}"
    securityContext:
      privileged: {{ .Values.privileged }}
{{- end -}}
