package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// GWS statusCode values (docs/behavior.md B4.15, B4.29).
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

// gwsCodeOf maps an HTTP status to the GWS statusCode of an error.
func gwsCodeOf(status int) int {
	switch status {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
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

// jsonContentType is the Content-Type header of JSON answers, as
// Header.Set would make it, made once: answers share it, so nothing may
// change it.
var jsonContentType = []string{"application/json"}

type statusBody struct {
	StatusCode    int    `json:"statusCode"`
	StatusMessage string `json:"statusMessage"`
}

// opError is the failure answer of an operation: the seed page's status and
// errorDescription, and the published statusCode and statusMessage.
type opError struct {
	Status           string `json:"status"`
	ErrorDescription string `json:"errorDescription"`
	StatusCode       int    `json:"statusCode"`
	StatusMessage    string `json:"statusMessage"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeEncodeFailure(w)
		return
	}
	writeJSONBytes(w, status, b)
}

// writeEncodeFailure answers an answer that json.Marshal refused.
func writeEncodeFailure(w http.ResponseWriter) {
	writeJSONBytes(w, http.StatusInternalServerError, []byte(`{"statusCode":4,"statusMessage":"could not encode the response"}`))
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

// writeOpError answers an operation with
// {"status":"error","errorDescription","statusCode","statusMessage"}.
func writeOpError(w http.ResponseWriter, status int, msg string) {
	msg = clip(msg)
	writeJSON(w, status, opError{Status: "error", ErrorDescription: msg, StatusCode: gwsCodeOf(status), StatusMessage: msg})
}

// writeOK answers a successful operation with its referenceId.
func writeOK(w http.ResponseWriter, ref int64) {
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(http.StatusOK)
	b := make([]byte, 0, 64)
	b = append(b, `{"status":"ok","statusCode":0,"referenceId":`...)
	b = strconv.AppendInt(b, ref, 10)
	_, _ = w.Write(append(b, '}'))
}
