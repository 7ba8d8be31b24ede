{{/* Chart name, shortened to the 63 characters of a label value. */}}
{{- define "streamspace-api.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's objects. */}}
{{- define "streamspace-api.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "streamspace-api.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "streamspace-api.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: streamspace
{{- end }}

{{- define "streamspace-api.selectorLabels" -}}
app.kubernetes.io/name: {{ include "streamspace-api.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: api
{{- end }}

{{- define "streamspace-api.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "streamspace-api.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The chart's own Secret (generated JWT and database passwords, credentials given as values). */}}
{{- define "streamspace-api.secretName" -}}
{{- include "streamspace-api.fullname" . }}
{{- end }}

{{- define "streamspace-api.postgresql.fullname" -}}
{{- printf "%s-postgresql" (include "streamspace-api.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "streamspace-api.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
The value of a key of the chart's Secret as stored in the cluster, or "" on first install and in
`helm template` (lookup returns nothing without a cluster).
*/}}
{{- define "streamspace-api.storedSecretValue" -}}
{{- $secret := lookup "v1" "Secret" .context.Release.Namespace (include "streamspace-api.secretName" .context) }}
{{- if and $secret $secret.data (hasKey $secret.data .key) }}
{{- index $secret.data .key | b64dec }}
{{- end }}
{{- end }}

{{/* Fails the render when no database is configured. */}}
{{- define "streamspace-api.validateDatabase" -}}
{{- $db := .Values.database }}
{{- $external := or $db.url $db.existingSecret $db.host }}
{{- if and .Values.postgresql.enabled $external }}
{{- fail "database: set either postgresql.enabled (bundled) or database.url / database.existingSecret / database.host (external), not both" }}
{{- end }}
{{- if not (or .Values.postgresql.enabled $external) }}
{{- fail "database: enable the bundled postgresql (postgresql.enabled=true) or set database.url, database.existingSecret or database.host" }}
{{- end }}
{{- if gt (len (compact (list $db.url $db.existingSecret $db.host))) 1 }}
{{- fail "database: set only one of database.url, database.existingSecret and database.host" }}
{{- end }}
{{- end }}

{{/* A secretKeyRef env entry. */}}
{{- define "streamspace-api.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
{{- end }}
