package conformance

import (
	"strings"
	"testing"
)

func TestClosestSteps(t *testing.T) {
	tests := []struct {
		text  string
		first string // the form of the closest step; "" for none
	}{
		{"alice sends GETT /api/v2/me", "ACTOR sends METHOD PATH"},
		{"alice send GET /api/v2/me", "ACTOR sends METHOD PATH"},
		{"the response status is", "the response status is STATUS"},
		{"the respons status is 200", "the response status is STATUS"},
		{"bob acepts it", "USER accepts it"},
		{"bob transfers it to", "USER transfers it to AGENT"},
		{"an emial arrives", "a[n] email|chat|workitem arrives[ in queue QUEUE]"},
		{"the moon is made of cheese and crackers", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := closestSteps(tt.text, 3)
			switch {
			case tt.first == "" && len(got) > 0:
				t.Errorf("closestSteps = %s..., want none", got[0].Form())
			case tt.first != "" && (len(got) == 0 || got[0].Form() != tt.first):
				var forms []string
				for _, d := range got {
					forms = append(forms, d.Form())
				}
				t.Errorf("closestSteps = %q, want %q first", forms, tt.first)
			}
		})
	}
}

func TestStepHint(t *testing.T) {
	hint := stepHint("alice sends GETT /api/v2/me")
	for _, want := range []string{`did you mean "ACTOR sends METHOD PATH"`, `e.g. "When alice sends GET`, `"gwsmock steps" lists the vocabulary`} {
		if !strings.Contains(hint, want) {
			t.Errorf("stepHint = %q, want it to contain %q", hint, want)
		}
	}
	if strings.Contains(hint, "func ") || strings.Contains(hint, "godog") {
		t.Errorf("stepHint = %q: a Go snippet", hint)
	}
}
