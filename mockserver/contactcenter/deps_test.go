package contactcenter

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps the domain free of HTTP, Bayeux and the adapters
// built on top of it.
func TestDependencies(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not found:", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		switch {
		case pkg == "net/http" || strings.HasPrefix(pkg, "net/http/"),
			strings.HasSuffix(pkg, "/internal/bayeux") || strings.Contains(pkg, "/internal/bayeux/"),
			strings.Contains(pkg, "/mockserver/httpapi"),
			strings.Contains(pkg, "/mockserver/push"),
			strings.Contains(pkg, "/mockserver/control"):
			t.Errorf("contactcenter imports %s", pkg)
		}
	}
}
