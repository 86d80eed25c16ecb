package wire_test

import (
	"net/http"
	"testing"

	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/mockserver/wire"
)

// TestStatusOf pins the one table of domain codes to HTTP statuses.
func TestStatusOf(t *testing.T) {
	tests := []struct {
		name string
		code contactcenter.Code
		want int
	}{
		{"invalid", contactcenter.Invalid, http.StatusBadRequest},
		{"forbidden", contactcenter.Forbidden, http.StatusForbidden},
		{"not found", contactcenter.NotFound, http.StatusNotFound},
		{"conflict", contactcenter.Conflict, http.StatusConflict},
		{"internal", contactcenter.Internal, http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := wire.StatusOf(tt.code); got != tt.want {
				t.Errorf("StatusOf(%v) = %d, want %d", tt.code, got, tt.want)
			}
		})
	}
}
