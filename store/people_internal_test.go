package store

import (
	"testing"

	"github.com/alexedwards/argon2id"
)

func TestDummyHash(t *testing.T) {
	t.Run("the dummy hash uses the parameters of new hashes so unknown logins cost the same", func(t *testing.T) {
		params, _, _, err := argon2id.DecodeHash(dummyHash)
		if err != nil {
			t.Fatal(err)
		}
		if *params != *passwordParams() {
			t.Fatalf("dummy hash params %+v, want %+v: regenerate dummyHash", *params, *passwordParams())
		}
	})
}
