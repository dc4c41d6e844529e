package contract

import "testing"

// TestBodyCheck_agreesOnGenerated holds the body check to kin-openapi over bodies generated
// from every schema: valid ones, then broken in the usual ways (see bodyGen).
func TestBodyCheck_agreesOnGenerated(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 50
	}
	for i, bc := range testBodyCases(t) {
		t.Run(bc.name, func(t *testing.T) {
			g := newBodyGen(uint64(i) + 1)
			for _, body := range g.bodies(bc.schema, bc.examples, n) {
				agree(t, bc, body)
			}
		})
	}
}
