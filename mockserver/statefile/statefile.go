// Package statefile keeps a contact center's state in a file, so that a
// restarted gwsmock (--state-file) goes on where it stopped. The file is a
// state document (the fixtures package's format, the one of
// GET /control/v1/state), replaced atomically: written to a temporary file
// in the same directory, synced, renamed over the old one, and the
// directory synced. A reader never sees half a file, and a crash leaves the
// previous complete state.
//
// Loading validates the whole document before anything uses it; a file that
// does not hold together is refused with a message naming the file and the
// problem, never half-loaded. Temporary files a killed write left behind
// are removed at start-up (RemoveStale).
package statefile

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gwsmock/gwsmock/fixtures"
	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
)

// DefaultInterval is how long a Saver lets changes gather before it writes.
const DefaultInterval = 100 * time.Millisecond

// Load reads and validates the state document at path. A file that does not
// exist is not an error: found is false. Any other problem (unreadable, not
// JSON, not a valid state document) is an error naming path; the
// document's consistency (references, states) is checked by
// contactcenter.New, which the caller runs next.
func Load(path string) (snap contactcenter.Snapshot, found bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return contactcenter.Snapshot{}, false, nil
	}
	if err != nil {
		return contactcenter.Snapshot{}, false, fmt.Errorf("state file %s: %w", path, err)
	}
	snap, err = fixtures.Decode(b)
	if err != nil {
		return contactcenter.Snapshot{}, true, fmt.Errorf("state file %s is refused, nothing was loaded: %w (fix the file, or move it away to start from the fixture)", path, err)
	}
	return snap, true, nil
}

// Write replaces the file at path with snap, atomically.
func Write(path string, snap contactcenter.Snapshot) error {
	b, err := fixtures.Encode(snap)
	if err != nil {
		return fmt.Errorf("state file %s: encode: %w", path, err)
	}
	return writeAtomic(path, append(b, '\n'))
}

func writeAtomic(path string, data []byte) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, tempPrefix(base)+"*") // mode 0600: the state holds passwords
	if err != nil {
		return fmt.Errorf("state file %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
			err = fmt.Errorf("state file %s: %w", path, err)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	// The rename is durable once the directory is.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// tempPrefix begins the name of every temporary file Write makes for the
// state file named base; os.CreateTemp ends it with digits.
func tempPrefix(base string) string { return "." + base + ".tmp-" }

// RemoveStale removes the temporary files that writes of path killed midway
// left next to it: each is a copy of the state, passwords included, and
// nothing else would ever remove it. Only regular files named as Write
// names its own temporaries for path are touched. It returns the paths
// removed; a directory that does not exist holds none. Call it before the
// state file is written, not while another process writes it.
func RemoveStale(path string) (removed []string, err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state file %s: look for stale temporary files: %w", path, err)
	}
	for _, e := range entries {
		digits, ok := strings.CutPrefix(e.Name(), tempPrefix(base))
		if !ok || digits == "" || strings.Trim(digits, "0123456789") != "" || !e.Type().IsRegular() {
			continue
		}
		stale := filepath.Join(dir, e.Name())
		if err := os.Remove(stale); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("state file %s: remove stale temporary file: %w", path, err)
		}
		removed = append(removed, stale)
	}
	return removed, nil
}

// Source returns the state and its version (contactcenter's
// VersionedSnapshot); a version the Saver has written already is not
// written again.
type Source func() (contactcenter.Snapshot, uint64)

// Saver writes the state to its file shortly after changes: Changed marks
// the state dirty (cheap, never blocks), and within Interval the Saver
// writes the newest state, however many changes came meanwhile. Close
// writes what is still unwritten. Create it with NewSaver, call Changed
// from anywhere, Start once the source exists.
type Saver struct {
	path     string
	interval time.Duration
	logger   *slog.Logger
	dirty    chan struct{}
	stop     chan struct{}
	done     chan struct{}
	once     sync.Once

	mu sync.Mutex
	// guards source, saved, err, started
	source  Source
	saved   uint64
	err     error // the last write's
	started bool
}

// NewSaver returns a Saver for path that waits interval (0:
// DefaultInterval) before it writes; logger (nil: discard) hears of write
// errors, which do not stop it: the next change tries again.
func NewSaver(path string, interval time.Duration, logger *slog.Logger) *Saver {
	if interval <= 0 {
		interval = DefaultInterval
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Saver{
		path: path, interval: interval, logger: logger,
		dirty: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
	}
}

// Changed tells the Saver the state changed. It never blocks.
func (s *Saver) Changed() {
	select {
	case s.dirty <- struct{}{}:
	default:
	}
}

// Start begins saving from source, taking saved as the version the file
// already holds.
func (s *Saver) Start(source Source, saved uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return
	}
	s.started, s.source, s.saved = true, source, saved
	go s.run()
}

func (s *Saver) run() {
	defer close(s.done)
	for {
		select {
		case <-s.dirty:
			t := time.NewTimer(s.interval)
			select {
			case <-t.C:
			case <-s.stop:
				t.Stop()
				return // Close writes
			}
			_ = s.Save()
		case <-s.stop:
			return
		}
	}
}

// Save writes the state now unless the file already holds its version.
func (s *Saver) Save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.source == nil {
		return nil
	}
	snap, v := s.source()
	if v == s.saved && s.err == nil {
		return nil
	}
	if err := Write(s.path, snap); err != nil {
		s.err = err
		s.logger.Error("state file not written", "path", s.path, "err", err)
		return err
	}
	s.saved, s.err = v, nil
	return nil
}

// Saved returns the version the file holds.
func (s *Saver) Saved() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saved
}

// Close stops the Saver and writes what is not written yet; it returns that
// write's error. Idempotent.
func (s *Saver) Close() error {
	var err error
	s.once.Do(func() {
		close(s.stop)
		s.mu.Lock()
		started := s.started
		s.mu.Unlock()
		if started {
			<-s.done
		}
		err = s.Save()
	})
	return err
}
