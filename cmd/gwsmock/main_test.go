package main

import (
	"bytes"
	"errors"
	"flag"
	"testing"
)

func TestExitStatusPrintsNoStrayLine(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		stderr string
	}{
		{"success", nil, 0, ""},
		{"help", flag.ErrHelp, 0, ""},
		{"explained already", exitCode(2), 2, ""},
		{"a failed suite", exitCode(1), 1, ""},
		{"any other error", errors.New("serve: listen: address in use"), 1, "gwsmock: serve: listen: address in use\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if got := status(tt.err, &stderr); got != tt.status {
				t.Errorf("status = %d, want %d", got, tt.status)
			}
			if stderr.String() != tt.stderr {
				t.Errorf("stderr = %q, want %q", stderr.String(), tt.stderr)
			}
		})
	}
}
