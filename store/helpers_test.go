package store_test

import (
	"cmp"
	"slices"
)

// collect returns f of every x, in order (nil for none).
func collect[X, V any](xs []X, f func(X) V) []V {
	var out []V
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

// sortedKeys returns key of every hit, sorted: the hits a search found,
// whatever their rank.
func sortedKeys[H any, K cmp.Ordered](hits []H, key func(H) K) []K {
	out := collect(hits, key)
	slices.Sort(out)
	return out
}
