package wire

import (
	"net/http"

	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
)

// StatusOf maps a domain error code to an HTTP status: the one place where
// the domain's codes meet HTTP, for the REST and the control API alike.
func StatusOf(code contactcenter.Code) int {
	switch code {
	case contactcenter.Invalid:
		return http.StatusBadRequest
	case contactcenter.Forbidden:
		return http.StatusForbidden
	case contactcenter.NotFound:
		return http.StatusNotFound
	case contactcenter.Conflict:
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}
