package workflows

import "testing"

func TestAResolutionCarriesItsDocumentsAndArticleToTheProjection(t *testing.T) {
	h := newHarness(t, monday10(t))
	h.update(1*minute, UpdatePickUp, PickUpInput{Actor: technician})
	solve := h.update(2*minute, UpdateResolve, ResolveInput{Actor: technician, Solution: "Pilote réinstallé, procédure jointe.",
		ArticleID: 7, AttachmentIDs: []int64{11, 12}})
	h.stopAt(3 * minute)
	h.run()

	accepted(t, solve)
	ev := h.fake.event(t, EventResolved)
	if len(ev.AttachmentIDs) != 2 || ev.AttachmentIDs[0] != 11 || ev.AttachmentIDs[1] != 12 {
		t.Errorf("resolved event attachments = %v, want [11 12]", ev.AttachmentIDs)
	}
	if ev.Data["article"] != "7" || !ev.Public {
		t.Errorf("resolved event data %v public %v", ev.Data, ev.Public)
	}
}
