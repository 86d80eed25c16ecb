//go:build mutants

package httpapi_test

import (
	"testing"

	"github.com/gwsmock/gwsmock/mockserver/internal/mutantsuite"
)

// TestMutantSuite is the judge of make mutants: the whole conformance
// suite against a mock built from this package as it stands, a mutant of
// it under gremlins.
func TestMutantSuite(t *testing.T) { mutantsuite.Run(t) }
