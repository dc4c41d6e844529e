package contract

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// TestStops8: the word test finds a byte the string scan stops at whenever one of the eight has
// one.
func TestStops8(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	interesting := []byte{0, 0x1f, 0x20, 0x21, '"', '\\', 0x7f, 0x80, 0xff, 'a', 0x01, 0x5c ^ 0x80, 0x22 ^ 0x80}
	var w [8]byte
	for range 200000 {
		for i := range w {
			if r.IntN(3) == 0 {
				w[i] = interesting[r.IntN(len(interesting))]
			} else {
				w[i] = byte(0x20 + r.IntN(0x60))
			}
		}
		want := false
		for _, b := range w {
			want = want || strStop[b]
		}
		if got := stops8(binary.LittleEndian.Uint64(w[:])); got != want {
			t.Fatalf("% x: %v, want %v", w, got, want)
		}
	}
}
