// Package tokens holds every operator gremlins mutates, for replay_test.go
// (tokens.gremlins.json lists the mutants gremlins v0.6.0 makes of it).
package tokens

// F uses every operator once or more.
func F(a, b int, ok bool, xs []int) int {
	if a > b && ok || a < b {
		a++
	}
	if a >= b || a <= b {
		b--
	}
	if a == b || a != b {
		a = -a
	}
	a = a + b - a*b/(b|1)%(b|1)
	a = a&b | a ^ b | a&^b | a<<1 | a>>1 | ^a
	a += b
	a -= b
	a *= b
	a /= b | 1
	a %= b | 1
	a &= b
	a |= b
	a ^= b
	a &^= b
	a <<= 1
	a >>= 1
	a = a*-b + a - -b
	for _, x := range xs {
		if x > 0 {
			continue
		}
		break
	}
	p := &a
	return *p
}
