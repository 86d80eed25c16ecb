package control

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gwsmock/gwsmock/mockserver/journal"
)

// countingJournal is a journal of n entries that records what the handler
// copies out of it and what it had written by then.
type countingJournal struct {
	n       uint64
	w       *httptest.ResponseRecorder
	copied  int   // entries handed out in all
	biggest int   // most entries asked for at once
	written []int // bytes written when each Scan began
}

func (j *countingJournal) Scan(buf []journal.Entry, since uint64, user string, limit int) ([]journal.Entry, uint64) {
	j.written = append(j.written, j.w.Body.Len())
	j.biggest = max(j.biggest, limit)
	buf = buf[:0]
	for s := since + 1; s <= j.n && len(buf) < limit; s++ {
		buf = append(buf, journal.Entry{Seq: s, Kind: journal.Request, Data: json.RawMessage(`"x"`)})
	}
	j.copied += len(buf)
	if len(buf) == 0 {
		return buf, max(since, j.n)
	}
	return buf, buf[len(buf)-1].Seq
}

func (j *countingJournal) Last() uint64 { return j.n }

// Max is the greater of a and b.
func Max[T int | uint64](a, b T) T { return max(a, b) }

// TestJournalAnswerIsStreamedInBoundedChunks: GET /journal used to copy the
// whole journal into one slice and encode it into one buffer, so a few
// slow readers of a full journal pinned gigabytes. A request now holds at
// most journalChunk entries at once, at most limit in all, and writes each
// chunk before it copies the next.
func TestJournalAnswerIsStreamedInBoundedChunks(t *testing.T) {
	for _, tt := range []struct {
		name            string
		entries         uint64
		query           string
		wantEntries     int
		wantNext        uint64
		wantScansAtMost int
	}{
		{"a full journal, default limit", 50000, "", MaxJournalPage, MaxJournalPage, MaxJournalPage/journalChunk + 1},
		{"small limit", 50000, "?limit=7", 7, 7, 1},
		{"since", 50000, "?since=49990", 10, 50000, 2},
		{"empty", 0, "", 0, 0, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			j := &countingJournal{n: tt.entries, w: w}
			a := New(Config{Journal: j})
			a.ServeHTTP(w, httptest.NewRequest("GET", Prefix+"/journal"+tt.query, nil))
			if w.Code != http.StatusOK {
				t.Fatalf("= %d %s", w.Code, w.Body)
			}
			var got struct {
				Entries    []journal.Entry
				Next, Last uint64
			}
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatalf("answer is not JSON: %v\n%.300s", err, w.Body)
			}
			if len(got.Entries) != tt.wantEntries || got.Next != tt.wantNext || got.Last != tt.entries {
				t.Errorf("%d entries, next %d, last %d; want %d, %d, %d", len(got.Entries), got.Next, got.Last, tt.wantEntries, tt.wantNext, tt.entries)
			}
			if j.copied > tt.wantEntries || j.biggest > journalChunk {
				t.Errorf("copied %d entries, up to %d at once; want at most %d, %d at once", j.copied, j.biggest, tt.wantEntries, journalChunk)
			}
			if len(j.written) > tt.wantScansAtMost {
				t.Errorf("%d scans, want at most %d", len(j.written), tt.wantScansAtMost)
			}
			for i := 1; i < len(j.written); i++ {
				if j.written[i] <= j.written[i-1] {
					t.Errorf("scan %d began with %d bytes written, no more than scan %d: chunks are not written as they come", i, j.written[i], i-1)
				}
			}
		})
	}
	t.Run("limit out of range", func(t *testing.T) {
		for _, q := range []string{"0", "1001", "-1", "many"} {
			w := httptest.NewRecorder()
			New(Config{Journal: &countingJournal{w: w}}).ServeHTTP(w, httptest.NewRequest("GET", Prefix+"/journal?limit="+q, nil))
			if w.Code != http.StatusBadRequest {
				t.Errorf("limit=%s = %d, want 400", q, w.Code)
			}
		}
	})
}
