package contract

import (
	"math"
	"math/big"
	"strconv"
)

// parseNumber reads the number at pos and converts it as json.Number.Float64 does; the error
// is that of a number beyond float64 (strconv.ErrRange).
func parseNumber(c *checker) (float64, error) {
	start, end := c.num()
	return strconv.ParseFloat(string(c.data[start:end]), 64)
}

// multipleOf reports whether v is a multiple of m as kin-openapi judges it
// (schema_3point0_validator.go, multipleOfFailure): exactly, on rationals, within a few units
// in the last place of v (2^-51 of |v|); a multipleOf that is not finite constrains nothing,
// one not above zero fails every number.
func multipleOf(v, m float64) bool {
	if math.IsNaN(m) || math.IsInf(m, 0) {
		return true
	}
	if m <= 0 {
		return false
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return true
	}
	// Integers of less than 51 bits: the remainder is exact, and a non-zero one (at least 1)
	// is beyond the slack (less than 1).
	if v == math.Trunc(v) && m == math.Trunc(m) && math.Abs(v) < 1<<51 {
		return math.Mod(v, m) == 0
	}
	// r is v's remainder modulo m, in [0, m); the nearest multiple is r below v or m-r above.
	x := new(big.Rat).SetFloat64(v)
	y := new(big.Rat).SetFloat64(m)
	q := new(big.Rat).Quo(x, y)
	n := new(big.Int).Div(q.Num(), q.Denom()) // the floor: the denominator is positive
	r := new(big.Rat).Sub(x, new(big.Rat).Mul(new(big.Rat).SetInt(n), y))
	if above := new(big.Rat).Sub(y, r); above.Cmp(r) < 0 {
		r = above
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), 51)))
	return r.Cmp(new(big.Rat).Abs(x)) <= 0
}
