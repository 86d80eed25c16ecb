package conformance

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestControlNoteNamesFilesStillTaggedControl: a feature file written
// before @control was retired runs as @mock, and the run says which files
// and what replaced the tag.
func TestControlNoteNamesFilesStillTaggedControl(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
		want  []string // "" means no note
	}{
		{"none", fstest.MapFS{"a.feature": {Data: []byte("@chat\nFeature: A\n  Scenario: S\n    Given alice is listening\n")}}, nil},
		{"one old file", fstest.MapFS{
			"a.feature":   {Data: []byte("Feature: A\n  Scenario: S\n    Given alice is listening\n")},
			"old.feature": {Data: []byte("@control\nFeature: Old\n  Scenario: S\n    Given alice is listening\n")},
		}, []string{"old.feature", "run as @mock", "@control was retired"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := loadFeatures(tt.files)
			if err != nil {
				t.Fatal(err)
			}
			note := controlNote(files)
			if len(tt.want) == 0 {
				if note != "" {
					t.Fatalf("note %q, want none", note)
				}
				return
			}
			for _, w := range tt.want {
				if !strings.Contains(note, w) {
					t.Errorf("note %q lacks %q", note, w)
				}
			}
			if strings.Contains(note, "a.feature") {
				t.Errorf("note %q names a file without @control", note)
			}
		})
	}
	if !isMock([]string{"@control"}) || isMock([]string{"@chat"}) {
		t.Error("isMock: @control must count as @mock, @chat must not")
	}
}
