package demo

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"

	"guichet/store"
	"guichet/workflows"
)

// Submitter stores a ticket and starts its workflow (intake.Service).
type Submitter interface {
	Submit(ctx context.Context, t *store.Ticket, files []store.Attachment) (string, error)
}

// Updater sends Updates to ticket workflows (a Temporal client).
type Updater interface {
	UpdateWorkflow(ctx context.Context, options client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error)
}

// demoTicket is one demo ticket and the actions that bring it to its state.
type demoTicket struct {
	requester, category, description string
	urgency                          int
	private                          bool
	steps                            []step
}

type step struct {
	by     string // "tech" or "req"
	update string
	arg    func(actor workflows.Actor) any
}

// Tickets files a few demo tickets per académie through the real intake and
// drives them with real workflow Updates into different states: new, in
// progress, waiting for information, resolved (awaiting validation) and
// closed. It runs once, right after Load loaded the demo data, while the
// worker is running.
func Tickets(ctx context.Context, db *store.DB, academies []string, in Submitter, c Updater) error {
	pickUp := step{"tech", workflows.UpdatePickUp, func(a workflows.Actor) any { return workflows.PickUpInput{Actor: a} }}
	resolve := step{"tech", workflows.UpdateResolve, func(a workflows.Actor) any {
		return workflows.ResolveInput{Actor: a, Solution: "Le pilote de l'imprimante a été réinstallé à distance et la file d'impression vidée. Une page de test est sortie correctement."}
	}}
	set := []demoTicket{
		{requester: "agent", category: "Imprimante", urgency: 2,
			description: "L'imprimante du bureau 214 affiche « bourrage papier » alors qu'il n'y a plus de papier coincé.\nLes impressions restent bloquées dans la file d'attente depuis ce matin."},
		{requester: "agent", category: "Écran", urgency: 3, steps: []step{pickUp},
			description: "Mon deuxième écran clignote puis s'éteint toutes les dix minutes environ.\nLe câble a déjà été changé."},
		{requester: "collegue", category: "Messagerie", urgency: 2, steps: []step{pickUp,
			{"tech", workflows.UpdateRequestInfo, func(a workflows.Actor) any {
				return workflows.RequestInfoInput{Actor: a, Question: "Pouvez-vous nous indiquer le message d'erreur exact affiché par la messagerie, et depuis quel poste vous vous connectez ?"}
			}}},
			description: "Je ne reçois plus les messages envoyés par les établissements depuis hier après-midi."},
		{requester: "agent", category: "Poste de travail", urgency: 1, steps: []step{pickUp, resolve},
			description: "Le poste ne démarre plus : écran noir après le logo du constructeur.\nJ'ai une réunion de conseil de classe à préparer pour demain."},
		{requester: "collegue", category: "Vidéoprojecteur", urgency: 3, private: true, steps: []step{pickUp, resolve,
			{"req", workflows.UpdateAccept, func(a workflows.Actor) any {
				return workflows.AcceptInput{Actor: a, RatingDelay: 5, RatingQuality: 4, Comment: "Merci pour la rapidité d'intervention."}
			}}},
			description: "Le vidéoprojecteur de la salle de réunion n'affiche rien en HDMI."},
	}
	for _, code := range academies {
		tech, err := db.GetPersonByLogin(ctx, "tech."+code)
		if err != nil {
			return fmt.Errorf("demo tickets: %w", err)
		}
		techActor := workflows.Actor{PersonID: tech.ID, Roles: []string{workflows.RoleTechnician}, Name: tech.Login}
		for i, d := range set {
			p, err := db.GetPersonByLogin(ctx, d.requester+"."+code)
			if err != nil {
				return fmt.Errorf("demo tickets: %w", err)
			}
			cat, err := leafNamed(ctx, db, code, d.category)
			if err != nil {
				return err
			}
			t := &store.Ticket{
				AcademyCode: code, RequesterID: p.ID, BeneficiaryID: p.ID,
				Location: p.Location, Entity: p.Entity, Phone: p.Phone, Service: p.Service, Office: p.Office,
				Availability: "Du lundi au vendredi, 9 h – 17 h",
				CategoryID:   cat.ID, CategoryPath: cat.Path,
				Urgency: d.urgency, Impact: workflows.LevelLow, Priority: workflows.Priority(d.urgency, workflows.LevelLow),
				Private: d.private, Description: d.description,
				CreatedAt: time.Now().Add(-time.Duration(len(set)-i) * 37 * time.Minute),
			}
			number, err := in.Submit(ctx, t, nil)
			if err != nil {
				return fmt.Errorf("demo tickets: submit: %w", err)
			}
			reqActor := workflows.Actor{PersonID: p.ID, Roles: []string{workflows.RoleRequester}, Name: p.Login}
			for _, s := range d.steps {
				actor := techActor
				if s.by == "req" {
					actor = reqActor
				}
				if err := update(ctx, c, number, s.update, s.arg(actor)); err != nil {
					return fmt.Errorf("demo tickets: %s %s: %w", number, s.update, err)
				}
			}
		}
	}
	return nil
}

// leafNamed finds the académie's leaf category with that name.
func leafNamed(ctx context.Context, db *store.DB, academy, name string) (store.Category, error) {
	leaves, err := db.Leaves(ctx, academy)
	if err != nil {
		return store.Category{}, fmt.Errorf("demo tickets: categories: %w", err)
	}
	for _, c := range leaves {
		if c.Name == name {
			return c, nil
		}
	}
	if len(leaves) == 0 {
		return store.Category{}, fmt.Errorf("demo tickets: académie %s has no category", academy)
	}
	return leaves[0], nil
}

// update sends one Update and waits until the workflow has applied it. The
// workflow may still be starting (the worker just came up): retry a little.
func update(ctx context.Context, c Updater, number, name string, arg any) error {
	var last error
	for attempt := 0; attempt < 20; attempt++ {
		h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID:   workflows.TicketWorkflowID(number),
			UpdateName:   name,
			Args:         []any{arg},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			var res workflows.UpdateResult
			return h.Get(ctx, &res)
		}
		last = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	return last
}
