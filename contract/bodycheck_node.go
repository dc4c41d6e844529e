package contract

import (
	"github.com/getkin/kin-openapi/openapi3"
)

// A node is one schema compiled for the body check: what kin-openapi's 3.0 validator
// (openapi3/schema_3point0_validator.go) would look up in the schema for every value, worked
// out once, with the reasons of its errors already written. Nodes are built for each
// *openapi3.Schema once, so a schema that refers to itself (through properties or items) is a
// cycle of nodes.
type node struct {
	// always is 1 for the boolean schema true, -1 for false, 0 otherwise.
	always int8
	// empty is kin-openapi's Schema.IsEmpty: such a schema accepts any value but null.
	empty bool
	// nullable: null is accepted before any other keyword is looked at.
	nullable bool

	// composite is set when the schema has not, oneOf, anyOf or allOf, which are applied to the
	// same value before anything else.
	composite bool
	not       *node
	oneOf     []*node
	anyOf     []*node
	allOf     []*node
	// oneOfRefs and anyOfRefs are the $ref of each alternative, which a discriminator's mapping
	// selects.
	oneOfRefs, anyOfRefs []string
	disc                 *discriminator

	enum *enumSet

	// woDeclared holds the names this schema or its allOf subschemas declare writeOnly: a
	// missing required property of that name is no error in a response, for any schema the
	// value is visited through (kin-openapi's readOnlyOrWriteOnlyInAllOf).
	woDeclared map[string]bool

	// types holds the JSON types the schema's type permits (all when it has none); typeRule is
	// the reason of the error when the value's type is not permitted.
	types    typeMask
	typeRule string

	// plainString: a string is checked by enum and the string keywords alone (the schema is no
	// boolean, empty or composite one, and the chain of schemas matters only for objects), so
	// a member's string value can take a short cut past visitNode.
	plainString bool

	number *numberRules
	str    *stringRules
	array  *arrayRules
	object *objectRules
}

// typeMask is a set of JSON Schema types.
type typeMask uint8

const (
	typeBoolean typeMask = 1 << iota
	typeInteger
	typeNumber
	typeString
	typeArray
	typeObject
)

// discriminator is a oneOf's or anyOf's discriminator, as kin-openapi reads it: the property's
// value selects the alternatives whose $ref the mapping gives it, and with no mapping, none.
type discriminator struct {
	property                                string
	mapping                                 map[string]string // value → $ref, empty for none
	missingRule, notStringRule, invalidRule string
}

type numberRules struct {
	requireInteger bool // type integer and not number: a value must be integral
	format         string
	intFormat      openapi3.IntegerFormatValidator
	numFormat      openapi3.NumberFormatValidator
	// The bounds, with 3.0's boolean exclusiveMinimum/Maximum or 3.1's numbers, resolved into
	// the bound the comparison uses.
	exclMin, exclMax, min, max *float64
	exclMinRule, exclMaxRule   string
	minRule, maxRule           string
	multipleOf                 *float64
	multipleOfRule             string
}

type stringRules struct {
	minLength        uint64
	maxLength        *uint64
	minRule, maxRule string
	pattern          *patternMatcher
	patternRule      string
	format           string
	formatCheck      openapi3.StringFormatValidator
	lengthChecked    bool // minLength or maxLength is set
}

type arrayRules struct {
	minItems         uint64
	maxItems         *uint64
	minRule, maxRule string
	uniqueItems      bool
	items            *node // nil: any item
}

type objectRules struct {
	// names are the declared properties and the required names, sorted. byLen lists their
	// indices by the length of the name, up to maxBucketedLen; lookup holds longer ones.
	names  []propName
	byLen  [][]int32
	lookup map[string]int32
	// byFirst lists, by their first byte, the names that a key written plainly spells out (no
	// quote, backslash or control byte, not empty).
	byFirst [128][]int32
	// props lists the indices of declared properties in name order, the order kin-openapi
	// reports writeOnly properties in.
	props []int32
	// required lists the required names' indices, in the schema's order, repeats included.
	required []int32
	// writeOnly: some property is writeOnly, an error when present (and not null) in a
	// response.
	writeOnly bool

	minProps          uint64
	maxProps          *uint64
	minRule, maxRule  string
	additionalAllowed bool  // additionalProperties is not false
	additional        *node // its schema, nil for any value
	needDistinct      bool  // minProperties or maxProperties count the distinct keys
}

// propName is a name an object schema knows: a property (node set) or a required name.
type propName struct {
	name          string
	node          *node  // nil: not a declared property
	writeOnly     bool   // the property is writeOnly
	requiredRule  string // property "x" is missing
	writeOnlyRule string // writeOnly property "x" in response
}
