package store

import "testing"

// TestSchemaChangesInOrder checks schemaChanges lists the migrations in
// the order bun runs them (by id) and keeps every id a release recorded.
func TestSchemaChangesInOrder(t *testing.T) {
	for i := 1; i < len(schemaChanges); i++ {
		if schemaChanges[i-1].id >= schemaChanges[i].id {
			t.Errorf("migration %s (%s) is listed after %s: bun would run it before",
				schemaChanges[i].id, schemaChanges[i].does, schemaChanges[i-1].id)
		}
	}
	shipped := []string{
		"20261128000001", "20261128000050", "20261128000200", "20261128000400", "20261128000500",
		"20261128000600", "20261128000750", "20261128000800", "20261128000900", "20261128000950",
		"20261128001000", "20261128001150", "20261128001300", "20261128001420",
	}
	ids := map[string]bool{}
	for _, m := range schemaChanges {
		ids[m.id] = true
	}
	for _, id := range shipped {
		if !ids[id] {
			t.Errorf("migration %s shipped and is recorded in databases: it must stay in schemaChanges", id)
		}
	}
}

// TestQueueOrderMatchesItsIndex checks the support queue still orders by
// the expression tickets_queue_order_idx was built on, so the index keeps
// serving it.
func TestQueueOrderMatchesItsIndex(t *testing.T) {
	const indexed = "CASE WHEN status = 'new' THEN 0 ELSE 1 END"
	if queueOrderExpr != indexed {
		t.Errorf("queueOrderExpr = %q; tickets_queue_order_idx indexes %q", queueOrderExpr, indexed)
	}
}
