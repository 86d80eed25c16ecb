package contactcenter

import (
	"math/rand/v2"
	"sync"
)

const idAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// NewIDSource returns a generator of interaction ids: 16 characters
// [0-9A-Za-z], the same sequence for the same seed. It is safe for
// concurrent use.
func NewIDSource(seed int64) func() string {
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		var b [16]byte
		for i := range b {
			b[i] = idAlphabet[r.IntN(len(idAlphabet))]
		}
		return string(b[:])
	}
}

func validInteractionID(s string) bool {
	if len(s) != 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

// validUserID reports whether s is 32 lowercase hex digits.
func validUserID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isLowerHex(s[i]) {
			return false
		}
	}
	return true
}

// validUUID reports whether s is a UUID in the 8-4-4-4-12 hex form (any case).
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isLowerHex(c) && !('A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

func isLowerHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f'
}
