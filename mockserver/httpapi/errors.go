package httpapi

import (
	"encoding/json"
	"net/http"
)

// GWS statusCode values of resource errors (behavior.md §4).
const (
	codeOK            = 0
	codeMissingParam  = 1
	codeInvalidState  = 2
	codeForbidden     = 3
	codeInternal      = 4
	codeNoPermission  = 5
	codeNotFound      = 6
	codeUnauthorized  = 20
	maxErrorTextBytes = 512
)

// gwsCodeOf maps an HTTP status to the GWS statusCode of resource errors.
func gwsCodeOf(status int) int {
	switch status {
	case http.StatusBadRequest:
		return codeMissingParam
	case http.StatusConflict:
		return codeInvalidState
	case http.StatusForbidden:
		return codeNoPermission
	case http.StatusNotFound:
		return codeNotFound
	case http.StatusUnauthorized:
		return codeUnauthorized
	}
	return codeInternal
}

type statusBody struct {
	StatusCode    int    `json:"statusCode"`
	StatusMessage string `json:"statusMessage"`
}

type opResult struct {
	Status           string `json:"status"`
	ErrorDescription string `json:"errorDescription,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"statusCode":4,"statusMessage":"could not encode the response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func clip(s string) string {
	if len(s) > maxErrorTextBytes {
		return s[:maxErrorTextBytes] + "..."
	}
	return s
}

// writeStatusError answers a resource request with {"statusCode","statusMessage"}.
func writeStatusError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, statusBody{StatusCode: gwsCodeOf(status), StatusMessage: clip(msg)})
}

// writeOpError answers an operation with {"status":"error","errorDescription"}.
func writeOpError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, opResult{Status: "error", ErrorDescription: clip(msg)})
}

func writeOK(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"status":"ok"}`))
}
