// Package upgrade holds the upgrade drill (TestUpgradeDrill): it builds the
// previous release named in deploy/previous-release and the current tree,
// opens tickets in every open state of the lifecycle on a `guichet dev`
// stack run by the old binary, restarts the stack on the same data
// directory with the new binary, drives every ticket to closure through the
// REST API, and checks that no ticket was lost and that no workflow met a
// non-determinism error (or any workflow task failure) on the new code.
//
// `make test` runs a reduced drill (a few tickets per state);
// `make upgrade-drill` runs the full one (GUICHET_UPGRADE_DRILL=1).
package upgrade
