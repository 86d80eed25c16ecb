package statefile

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/fixtures"
	"github.com/gwsmock/gwsmock/internal/wait"
	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
)

func encode(t *testing.T, s contactcenter.Snapshot) []byte {
	t.Helper()
	b, err := fixtures.Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLoadMissingFileIsNotAnError(t *testing.T) {
	_, found, err := Load(filepath.Join(t.TempDir(), "state.json"))
	if found || err != nil {
		t.Fatalf("Load of a missing file = found %v, err %v", found, err)
	}
}

func TestWriteThenLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	want := fixtures.Default()
	if err := Write(path, want); err != nil {
		t.Fatal(err)
	}
	got, found, err := Load(path)
	if !found || err != nil {
		t.Fatalf("Load = found %v, err %v", found, err)
	}
	if !bytes.Equal(encode(t, got), encode(t, want)) {
		t.Fatal("the state read back differs from the state written")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600 (the state holds passwords)", fi.Mode().Perm())
	}
}

// TestWriteReplacesAtomically: many writes leave one complete file and no
// temporary files behind.
func TestWriteReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	snap := fixtures.Default()
	for i := range 20 {
		snap.Name = strings.Repeat("x", i+1)
		if err := Write(path, snap); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "state.json" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("directory holds %v, want only state.json", names)
	}
	got, _, err := Load(path)
	if err != nil || got.Name != snap.Name {
		t.Fatalf("Load = %q, %v; want the last write", got.Name, err)
	}
}

func TestWriteIntoMissingDirectoryFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "state.json")
	err := Write(path, fixtures.Default())
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want one naming %s", err, path)
	}
}

// TestCorruptFilesAreRefused: a file that is not a valid state document is
// refused with a message naming the file and the problem.
func TestCorruptFilesAreRefused(t *testing.T) {
	valid := string(encode(t, fixtures.Default()))
	tests := []struct {
		name, content, wantText string
	}{
		{"empty", "", "not JSON"},
		{"truncated", valid[:len(valid)/2], "not JSON"},
		{"not JSON", "users: alice", "not JSON"},
		{"trailing garbage", valid + "}", "trailing"},
		{"wrong version", strings.Replace(valid, `"version": 1`, `"version": 7`, 1), "version"},
		{"user without a name", strings.Replace(valid, `"userName": "alice",`, ``, 1), "userName"},
		{"nested too deep", `{"version":1,"users":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}`, "deeper than 128"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, found, err := Load(path)
			if !found || err == nil {
				t.Fatalf("Load = found %v, err %v; want a refusal", found, err)
			}
			for _, want := range []string{path, tt.wantText, "nothing was loaded"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
}

// fakeSource is a state whose version the test bumps.
type fakeSource struct {
	mu      sync.Mutex
	snap    contactcenter.Snapshot
	version uint64
}

func (f *fakeSource) change(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.snap.Name = name
	f.version++
}

func (f *fakeSource) get() (contactcenter.Snapshot, uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snap, f.version
}

func fileName(t *testing.T, path string) string {
	t.Helper()
	s, _, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return s.Name
}

// TestSaverWritesAfterChanges: changes reach the file within the interval,
// however many there are, and only the newest state is written.
func TestSaverWritesAfterChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	src := &fakeSource{snap: fixtures.Default()}
	s := NewSaver(path, 10*time.Millisecond, nil)
	s.Start(src.get, 0)
	defer s.Close()
	for i := range 50 {
		src.change("v" + strings.Repeat("i", i%5))
		s.Changed()
	}
	src.change("last")
	s.Changed()
	wait.For(t, "the last version to be written", func() bool { return s.Saved() == 51 })
	if got := fileName(t, path); got != "last" {
		t.Fatalf("file holds %q, want the newest state", got)
	}
}

// TestSaverCloseWritesWhatIsPending: Close writes a change even when the
// interval has not run out, and nothing when nothing changed.
func TestSaverCloseWritesWhatIsPending(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	src := &fakeSource{snap: fixtures.Default()}
	s := NewSaver(path, time.Hour, nil)
	s.Start(src.get, 0)
	src.change("pending")
	s.Changed()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := fileName(t, path); got != "pending" {
		t.Fatalf("file holds %q after Close, want the pending change", got)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	untouched := filepath.Join(t.TempDir(), "state.json")
	s2 := NewSaver(untouched, time.Hour, nil)
	s2.Start(src.get, src.version)
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(untouched); !os.IsNotExist(err) {
		t.Fatalf("Close without changes wrote a file: %v", err)
	}
}

// TestSaverRetriesAfterAFailedWrite: a write that fails (the directory is
// gone) is logged and tried again at the next change.
func TestSaverRetriesAfterAFailedWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "state.json")
	src := &fakeSource{snap: fixtures.Default()}
	s := NewSaver(path, time.Hour, nil)
	s.Start(src.get, 0)
	defer s.Close()
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	src.change("x")
	if err := s.Save(); err == nil {
		t.Fatal("Save into a removed directory succeeded")
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(); err != nil {
		t.Fatalf("Save after the directory is back: %v", err)
	}
	if got := fileName(t, path); got != "x" {
		t.Fatalf("file holds %q", got)
	}
}
