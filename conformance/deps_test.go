package conformance_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoMockImports enforces the fence of the house style: the conformance
// runner sees an implementation only through URLs, the spec and raw JSON,
// so no package of conformance/... may depend on the mock.
func TestNoMockImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/gwsmock/gwsmock/conformance/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps listed only %d packages:\n%s", len(deps), out)
	}
	for _, dep := range deps {
		if dep == "github.com/gwsmock/gwsmock/mockserver" || strings.HasPrefix(dep, "github.com/gwsmock/gwsmock/mockserver/") {
			t.Errorf("conformance depends on %s", dep)
		}
	}
}
