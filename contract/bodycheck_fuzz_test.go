package contract

import "testing"

// FuzzBodyCheck_matchesKinOpenAPI holds the body check to kin-openapi over any body, for every
// response body schema of the spec (against the whole of ValidateResponse) and every schema of
// testdata/bodycheck_zoo.yaml (against VisitJSON as ValidateResponse calls it): the same
// problems in the same order (JSON path, keyword and rule), the same total, each max honoured,
// the same decoding failure, and trailing data as contract detects it (see agree).
//
// The seeds are the spec's examples, then bodies generated from each schema: valid, then
// broken (see bodyGen). which picks the schema.
func FuzzBodyCheck_matchesKinOpenAPI(f *testing.F) {
	cases := testBodyCases(f)
	for i, bc := range cases {
		g := newBodyGen(uint64(i) + 1000)
		for _, body := range g.bodies(bc.schema, bc.examples, 12) {
			f.Add(uint8(i), body)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		agree(t, cases[int(which)%len(cases)], body)
	})
}
