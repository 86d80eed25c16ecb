package conformance

import (
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gwsmock/gwsmock/features"
)

func TestValidate(t *testing.T) {
	const url = "http://127.0.0.1:8090"
	own := DefaultMapping()
	own.Users["alice"] = own.Users["bob"]
	disk := fstest.MapFS{}
	tests := []struct {
		name    string
		in      Options
		wantErr string // a part of the *UsageError; "" for none
		check   func(t *testing.T, o Options)
	}{
		{name: "no target", in: Options{}, wantErr: "no target"},
		{name: "not a URL", in: Options{Targets: []string{"localhost:8090"}}, wantErr: "http://"},
		{name: "one bad target of two", in: Options{Targets: []string{url, "ftp://x"}}, wantErr: `target "ftp://x"`},
		{name: "too much concurrency", in: Options{Targets: []string{url}, Concurrency: 2}, wantErr: "concurrency 2"},
		{name: "negative concurrency", in: Options{Targets: []string{url}, Concurrency: -1}, wantErr: "concurrency -1"},
		{name: "unknown format", in: Options{Targets: []string{url}, Formats: []string{"pdf"}}, wantErr: `format "pdf"`},
		{name: "unknown format to a file", in: Options{Targets: []string{url}, Formats: []string{"pretty", "pdf:out.pdf"}}, wantErr: `format "pdf:out.pdf"`},
		{name: "unknown transport", in: Options{Targets: []string{url}, Transport: "pigeon"}, wantErr: "transport"},
		{
			name: "defaults",
			in:   Options{Targets: []string{url + "/", "https://b.example"}},
			check: func(t *testing.T, o Options) {
				if want := []string{url, "https://b.example"}; !slices.Equal(o.Targets, want) {
					t.Errorf("Targets = %q, want %q", o.Targets, want)
				}
				if o.Concurrency != 2 {
					t.Errorf("Concurrency = %d, want 2", o.Concurrency)
				}
				if !slices.Equal(o.Formats, []string{"pretty"}) {
					t.Errorf("Formats = %q, want [pretty]", o.Formats)
				}
				if o.Features != features.FS {
					t.Errorf("Features is not the embedded suite")
				}
				if o.Tags != "" {
					t.Errorf("Tags = %q, want none", o.Tags)
				}
				if o.Mapping == nil || o.Mapping.Users["alice"] != DefaultMapping().Users["alice"] {
					t.Errorf("Mapping = %v, want the default", o.Mapping)
				}
				if o.Output != os.Stdout || o.Log != io.Discard {
					t.Errorf("Output, Log = %v, %v, want os.Stdout, io.Discard", o.Output, o.Log)
				}
			},
		},
		{
			name: "given values stay",
			in: Options{Targets: []string{url, url}, Concurrency: 1, Formats: []string{"progress", "junit:out.xml"},
				Features: disk, Transport: "websocket", Mapping: &own, Output: io.Discard, Log: os.Stderr},
			check: func(t *testing.T, o Options) {
				if o.Concurrency != 1 || !slices.Equal(o.Formats, []string{"progress", "junit:out.xml"}) || o.Transport != "websocket" {
					t.Errorf("Concurrency, Formats, Transport = %d, %q, %q", o.Concurrency, o.Formats, o.Transport)
				}
				if _, ok := o.Features.(fstest.MapFS); !ok {
					t.Errorf("Features = %T, want the given fstest.MapFS", o.Features)
				}
				if o.Output != io.Discard || o.Log != os.Stderr {
					t.Errorf("Output, Log = %v, %v, want the given ones", o.Output, o.Log)
				}
				if o.Mapping == &own || o.Mapping.Users["alice"] != own.Users["alice"] {
					t.Errorf("Mapping is not a copy of the given one")
				}
			},
		},
		{name: "a malformed tag expression", in: Options{Targets: []string{url}, Tags: "@a and"}, wantErr: "--tags: "},
		{name: "godog's malformed form", in: Options{Targets: []string{url}, Tags: "@a &&"}, wantErr: "--tags: "},
		{
			name: "driver only",
			in:   Options{Targets: []string{url}, DriverOnly: true},
			check: func(t *testing.T, o Options) {
				if o.tags.match([]string{"@mock"}) || !o.tags.match([]string{"@auth"}) {
					t.Errorf("driver only selects @mock, or not @auth")
				}
			},
		},
		{
			name: "driver only narrows the tags",
			in:   Options{Targets: []string{url}, Tags: "@auth", DriverOnly: true},
			check: func(t *testing.T, o Options) {
				if o.tags.match([]string{"@auth", "@mock"}) || !o.tags.match([]string{"@auth"}) || o.tags.match([]string{"@listing"}) {
					t.Errorf("@auth driver only selects the wrong scenarios")
				}
			},
		},
		{
			// Transition: until the feature files are retagged, @control
			// counts as @mock (see isMock).
			name: "driver only leaves out a scenario still tagged @control",
			in:   Options{Targets: []string{url}, WithoutControl: true},
			check: func(t *testing.T, o Options) {
				if o.tags.match([]string{"@control"}) {
					t.Errorf("driver only selects @control")
				}
			},
		},
		{name: "the retired @control", in: Options{Targets: []string{url}, Tags: "@auth and not @control"}, wantErr: "@control was retired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.validate()
			var ue *UsageError
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("validate: %v, want no error", err)
			case tt.wantErr != "" && (!errors.As(err, &ue) || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("validate: %v, want a *UsageError containing %q", err, tt.wantErr)
			}
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
}
