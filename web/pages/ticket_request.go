package pages

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/tickets"
	"guichet/workflows"
)

// The ticket logic (package guichet/web/tickets) on a Fiber request: the
// handlers of the pages and of the API call these.

// ActionError is a ticket action that did not happen, with the message to
// show on the form that sent it (tickets.ActionError).
type ActionError = tickets.ActionError

// ticketRequest is a Fiber request as the ticket logic sees it.
type ticketRequest struct {
	s *Pages
	c *fiber.Ctx
}

var _ tickets.Request = ticketRequest{}

func (r ticketRequest) Context() context.Context           { return r.c.UserContext() }
func (r ticketRequest) Person() *store.Person              { return currentUser(r.c) }
func (r ticketRequest) Grants() ([]store.RoleGrant, error) { return r.s.grants(r.c) }
func (r ticketRequest) Lang() string                       { return r.s.lang(r.c) }
func (r ticketRequest) Applied()                           { r.c.Locals(localUpdated, true) }
func (r ticketRequest) UpdateID(personID int64, name string) (string, error) {
	return updateID(r.c, personID, name)
}

// viewer returns the visibility viewer of the signed-in person (an error
// when nobody is signed in).
func (s *Pages) viewer(c *fiber.Ctx) (store.Viewer, error) {
	return s.tickets.Viewer(ticketRequest{s, c})
}

// visibleTicket returns the ticket numbered number if the signed-in person
// may see it, else an ENOTFOUND application error (hidden tickets look
// missing). It also returns the viewer.
func (s *Pages) visibleTicket(c *fiber.Ctx, number string) (*store.Ticket, store.Viewer, error) {
	return s.tickets.Visible(ticketRequest{s, c}, number)
}

// ticketActor returns the signed-in person as a workflow actor, with the
// roles they hold in académie academy.
func (s *Pages) ticketActor(c *fiber.Ctx, academy string) (workflows.Actor, error) {
	return s.tickets.Actor(ticketRequest{s, c}, academy)
}

// updateTicket sends the Update name to the workflow of ticket t as the
// signed-in person and waits until it is applied (tickets.Desk.Update).
func (s *Pages) updateTicket(c *fiber.Ctx, t *store.Ticket, name string, build func(workflows.Actor) any) (workflows.UpdateResult, error) {
	return s.tickets.Update(ticketRequest{s, c}, t, name, build)
}
