package contactcenter

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestJSONSizeMatchesEncoding(t *testing.T) {
	tests := []string{
		`{}`,
		`{"a":1,"b":"two","c":[true,false,null],"d":{"e":[]}}`,
		`{"n":-12.5,"s":"","list":["x","y"]}`,
		// Regression: numbers were counted as fmt.Sprint writes them,
		// 1048576 as 1.048576e+06, so a value of exactly the limit was
		// refused.
		`{"mega":-1048576,"tiny":0.000001,"tinier":1e-7,"huge":1e+21,"short":123456789012345680000}`,
	}
	for _, in := range tests {
		var v map[string]any
		if err := json.Unmarshal([]byte(in), &v); err != nil {
			t.Fatal(err)
		}
		if got := jsonSize(v, 0); got != len(in) {
			t.Errorf("jsonSize(%s) = %d, want %d", in, got, len(in))
		}
	}
	big := map[string]any{"a": strings.Repeat("x", 1000), "b": strings.Repeat("y", 1000)}
	if got, full := jsonSize(big, 10), jsonSize(big, 0); got <= 10 || got >= full {
		t.Errorf("jsonSize with limit 10 = %d (full %d), want it to stop before the end", got, full)
	}
}

func maxValueBytes(n int) option {
	return func(c *Config, _ *Snapshot) { c.MaxValueBytes = n }
}

// TestValuesStayBounded: merge patches cannot grow an interaction's
// properties or channel data past MaxValueBytes; a refused patch changes
// nothing and sends nothing.
func TestValuesStayBounded(t *testing.T) {
	const limit = 100
	tests := []struct {
		name string
		do   func(h *harness, id string) error
	}{
		{"one big property", func(h *harness, id string) error {
			return errOf(h.c.UpdateProperties(userIDs["alice"], id, map[string]any{"k": strings.Repeat("x", limit)}))
		}},
		{"properties grown by small patches", func(h *harness, id string) error {
			for i := range 20 {
				if err := errOf(h.c.UpdateProperties(userIDs["alice"], id, map[string]any{string(rune('a' + i)): "0123456789"})); err != nil {
					return err
				}
			}
			return nil
		}},
		{"workitem data", func(h *harness, id string) error {
			return errOf(h.c.UpdateChannelData(userIDs["alice"], id, Workitem, map[string]any{"notes": strings.Repeat("x", limit)}))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, maxValueBytes(limit), onWorkitem("alice"))
			id := h.id(h.owned(Workitem, "alice"))
			h.sink.take()
			err := tt.do(h, id)
			if CodeOf(err) != Invalid || !strings.Contains(err.Error(), "100") {
				t.Fatalf("err = %v, want Invalid naming the limit", err)
			}
			v := h.view(h.label(id))
			if jsonSize(v.UserData, 0) > limit || jsonSize(v.ChannelData, 0) > limit {
				t.Fatalf("values grew past the limit: %v %v", v.UserData, v.ChannelData)
			}
			before := h.c.Snapshot()
			h.sink.take()
			if err := tt.do(h, id); err == nil {
				t.Fatal("a second try succeeded")
			}
			if !reflect.DeepEqual(h.c.Snapshot(), before) {
				t.Fatal("a refused patch changed the state")
			}
		})
	}
	t.Run("create", func(t *testing.T) {
		h := newHarness(t, maxValueBytes(limit))
		_, err := h.c.Create(NewInteraction{Channel: Email, UserData: map[string]any{"k": strings.Repeat("x", limit)}})
		if CodeOf(err) != Invalid {
			t.Fatalf("err = %v, want Invalid", err)
		}
		if got := len(h.c.Snapshot().Interactions); got != 0 {
			t.Fatalf("%d interactions after a refused create", got)
		}
	})
}

// TestNegativeMaxValueBytesMeansNoBound: a negative MaxValueBytes takes
// the bound away, so a userData past DefaultMaxValueBytes is created.
func TestNegativeMaxValueBytesMeansNoBound(t *testing.T) {
	h := newHarness(t, maxValueBytes(-1))
	big := map[string]any{"k": strings.Repeat("x", DefaultMaxValueBytes)}
	if _, err := h.c.Create(NewInteraction{Channel: Email, UserData: big}); err != nil {
		t.Fatalf("Create with %d bytes of userData and no bound: %v", jsonSize(big, 0), err)
	}
}
