package httpapi

import "sync"

// maxKeptAnswers bounds the bytes of all answers kept: beyond it, answers
// are encoded afresh for every request until the next change empties the
// table.
const maxKeptAnswers = 8 << 20

// keptAnswers holds each user's encoded answer to GET /me/interactions
// with fields=* for one version of the contact center (Center.Version):
// the answer is a function of the user and the state alone, and the state
// of one version never changes, so while Version still returns that number
// the bytes are the answer a fresh encoding would give. A newer version
// empties the table, so it holds at most one answer per user of the
// current state and nothing of users a change removed. Answers are never
// changed once kept: the journal and several responses may hold the same
// bytes.
type keptAnswers struct {
	mu sync.Mutex
	// guards version, byUser, size
	version uint64
	byUser  map[string][]byte // user id -> answer
	size    int               // bytes held by byUser (capacities)
}

// get returns userID's answer made at version, if one is kept.
func (k *keptAnswers) get(userID string, version uint64) ([]byte, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.version != version {
		return nil, false
	}
	b, ok := k.byUser[userID]
	return b, ok
}

// put keeps b, userID's answer made at version, unless the table already
// holds a newer version or is full. The caller must never change b.
func (k *keptAnswers) put(userID string, version uint64, b []byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case version < k.version:
		return
	case version > k.version || k.byUser == nil:
		k.version, k.byUser, k.size = version, map[string][]byte{}, 0
	}
	if old, ok := k.byUser[userID]; ok {
		k.size -= cap(old)
	}
	if k.size+cap(b) > maxKeptAnswers {
		delete(k.byUser, userID)
		return
	}
	k.byUser[userID] = b
	k.size += cap(b)
}
