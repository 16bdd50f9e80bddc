package store

// ownTicketsPerAcademyIndexes adds the indexes of a person's own tickets in
// one académie (the REST API's scope=mine list), read as two halves by
// partyScopes:
//   - tickets_requester_academy_idx: the tickets a person filed in an
//     académie, in filing order;
//   - tickets_beneficiary_other_idx: the tickets filed for a person by
//     someone else (partial: most tickets are filed by their beneficiary).
var ownTicketsPerAcademyIndexes = []step{
	both(`CREATE INDEX tickets_requester_academy_idx ON tickets (requester_id, academy_code, created_at, number)`),
	both(`CREATE INDEX tickets_beneficiary_other_idx ON tickets (beneficiary_id, academy_code, created_at, number) WHERE beneficiary_id <> requester_id`),
}
