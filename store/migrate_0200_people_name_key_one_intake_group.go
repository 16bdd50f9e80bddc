package store

// peopleNameKeyOneIntakeGroup adds people.name_key, the accent- and
// case-folded "last first" name that SearchPeople matches by prefix, fills it
// for rows already there, indexes it, and lets an académie have at most one
// intake group (a partial unique index, the same on both databases).
var peopleNameKeyOneIntakeGroup = []step{
	both(`ALTER TABLE people ADD COLUMN name_key VARCHAR NOT NULL DEFAULT ''`),
	{run: fillPeopleNameKeys},
	both(`CREATE INDEX "people_name_key_idx" ON "people" ("academy_code", "name_key")`),
	both(`CREATE UNIQUE INDEX groups_intake_idx ON "groups" (academy_code) WHERE intake`),
}
