package catalogue

import (
	"math"
	"testing"
)

func TestNombrePrintsAnUnsignedIntegerPastInt64AsIs(t *testing.T) {
	f := NumberFunc(English)
	if got := f(uint64(math.MaxUint64)); got != "18446744073709551615" {
		t.Errorf("nombre(MaxUint64) = %q, want it unchanged rather than wrapped negative", got)
	}
	if got := f(uint64(math.MaxInt64)); got != "9,223,372,036,854,775,807" {
		t.Errorf("nombre(MaxInt64 as uint64) = %q, want it grouped", got)
	}
}
