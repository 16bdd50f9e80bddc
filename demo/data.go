package demo

// The fixed material of the demo: geography of the académies, names,
// categories, news. Everything here is constant data read by generate.

// department is one département of an académie, with its DSDEN.
type department struct {
	Num        string   // "94"
	Of         string   // "DU VAL-DE-MARNE": completes "DSDEN …"
	DSDENCity  string   // where the DSDEN sits
	Cities     []string // towns for schools
	PhonePlace string   // first digits of school phone numbers
}

// geography places an académie's rectorat and départements.
type geography struct {
	RectoratDept string // "94"
	RectoratCity string // "CRETEIL"
	Upper        string // "CRETEIL": the name in entity paths
	Domain       string // "ac-creteil.fr"
	RectoratTel  string // "01 57 02": rectorat phone prefix
	Departments  []department
}

// geographies of the default académies; others get a generic one.
func geographies() map[string]geography {
	return map[string]geography{
		"creteil": {
			RectoratDept: "94", RectoratCity: "CRETEIL", Upper: "CRETEIL", Domain: "ac-creteil.fr", RectoratTel: "01 57 02",
			Departments: []department{
				{"77", "DE SEINE-ET-MARNE", "MELUN", []string{"MEAUX", "CHELLES", "FONTAINEBLEAU", "TORCY", "PONTAULT-COMBAULT"}, "01 60"},
				{"93", "DE LA SEINE-SAINT-DENIS", "BOBIGNY", []string{"SAINT-DENIS", "MONTREUIL", "AUBERVILLIERS", "AULNAY-SOUS-BOIS", "PANTIN"}, "01 48"},
				{"94", "DU VAL-DE-MARNE", "CRETEIL", []string{"VITRY-SUR-SEINE", "IVRY-SUR-SEINE", "CHAMPIGNY-SUR-MARNE", "VINCENNES", "MAISONS-ALFORT"}, "01 43"},
			},
		},
		"rouen": {
			RectoratDept: "76", RectoratCity: "ROUEN", Upper: "ROUEN", Domain: "ac-rouen.fr", RectoratTel: "02 32 08",
			Departments: []department{
				{"27", "DE L'EURE", "EVREUX", []string{"VERNON", "LOUVIERS", "BERNAY", "PONT-AUDEMER", "GISORS"}, "02 32"},
				{"76", "DE LA SEINE-MARITIME", "ROUEN", []string{"LE HAVRE", "DIEPPE", "FECAMP", "ELBEUF", "SOTTEVILLE-LES-ROUEN"}, "02 35"},
			},
		},
		"versailles": {
			RectoratDept: "78", RectoratCity: "VERSAILLES", Upper: "VERSAILLES", Domain: "ac-versailles.fr", RectoratTel: "01 30 83",
			Departments: []department{
				{"78", "DES YVELINES", "GUYANCOURT", []string{"SAINT-GERMAIN-EN-LAYE", "MANTES-LA-JOLIE", "POISSY", "RAMBOUILLET", "TRAPPES"}, "01 30"},
				{"91", "DE L'ESSONNE", "EVRY-COURCOURONNES", []string{"MASSY", "CORBEIL-ESSONNES", "PALAISEAU", "ETAMPES", "SAVIGNY-SUR-ORGE"}, "01 69"},
				{"92", "DES HAUTS-DE-SEINE", "NANTERRE", []string{"BOULOGNE-BILLANCOURT", "COLOMBES", "ANTONY", "ASNIERES-SUR-SEINE", "CLAMART"}, "01 47"},
				{"95", "DU VAL-D'OISE", "CERGY", []string{"ARGENTEUIL", "SARCELLES", "PONTOISE", "GONESSE", "ERMONT"}, "01 34"},
			},
		},
	}
}

func firstNames() []string {
	return []string{
		"Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Françoise", "Valérie", "Christine",
		"Sandrine", "Stéphanie", "Céline", "Véronique", "Aurélie", "Émilie", "Sophie", "Julie",
		"Camille", "Laetitia", "Hélène", "Anne-Sophie", "Chloé", "Inès", "Léa", "Manon", "Agnès",
		"Brigitte", "Élodie", "Fatima", "Yasmina", "Nadia", "Amandine", "Mélanie", "Maëlle", "Noémie",
		"Jean", "Philippe", "Michel", "Alain", "Patrick", "Nicolas", "Christophe", "Pierre",
		"Stéphane", "Frédéric", "Laurent", "Éric", "Olivier", "Sébastien", "Thierry", "David",
		"Julien", "Jérôme", "François", "Vincent", "Thomas", "Mathieu", "Guillaume", "Karim",
		"Mehdi", "Antoine", "Hugo", "Maxime", "Jean-Pierre", "Jean-Luc", "Benoît", "Yannick",
		"Loïc", "Cédric", "Rémi", "Hervé", "Grégoire", "Mohamed", "Damien", "Xavier",
	}
}

func lastNames() []string {
	return []string{
		"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
		"Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
		"Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont",
		"Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau",
		"Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu",
		"Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson",
		"Sanchez", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier",
		"Roger", "Roche", "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Jean", "Pérez", "Marchand",
		"Dufour", "Blanchard", "Marie", "Barbier", "Brun", "Dumas", "Brunet", "Schmitt", "Leroux",
		"Colin", "Fernandez", "Pierre", "Renard", "Arnaud", "Rolland", "Caron", "Aubert", "Giraud",
		"Leclerc", "Vidal", "Bourgeois", "Renaud", "Lemoine", "Picard", "Gaillard", "Philippe",
		"Lacroix", "Dupuis", "Olivier", "Rodriguez", "Da Silva", "Hubert", "Louis", "Charles",
		"Guillot", "Rivière", "Le Gall", "Guillaume", "Adam", "Rey", "Moulin", "Gonzalez", "Berger",
		"Lecomte", "Ménard", "Fleury", "Deschamps", "Carpentier", "Julien", "Benoît", "Paris",
		"Maillard", "Marchal", "Aubry", "Vasseur", "Le Roux", "Renault", "Jacquet", "Collet",
		"Prévost", "Poirier", "Charpentier", "Royer", "Huet", "Baron", "Dupuy", "Pons", "Paul",
		"Laine", "Carré", "Breton", "Rémy", "Schneider", "Perrot", "Barré", "Marty", "Cousin",
		"Benali", "Haddad", "Diallo", "Traoré", "Belkacem", "Hamidi", "Ait Ahmed", "Da Costa",
		"Hébert", "Lemonnier", "Leblond", "Quesnel", "Lecœur", "Hamelin", "Letellier",
	}
}

func schoolPatrons() []string {
	return []string{
		"JEAN MOULIN", "VICTOR HUGO", "JULES FERRY", "PABLO PICASSO", "LOUISE MICHEL", "ALBERT CAMUS",
		"JEAN JAURES", "MARIE CURIE", "GEORGE SAND", "PAUL ELUARD", "JACQUES PREVERT", "SIMONE VEIL",
		"LEONARD DE VINCI", "ROSA PARKS", "ANTOINE DE SAINT-EXUPERY", "CONDORCET", "GUSTAVE FLAUBERT",
		"CLAUDE MONET", "JEAN MACE", "HENRI WALLON", "JOLIOT-CURIE", "ELSA TRIOLET", "ROMAIN ROLLAND",
		"DIDEROT", "GEORGES BRASSENS", "LOUIS ARAGON", "PIERRE CORNEILLE", "JEAN DE LA FONTAINE",
		"OLYMPE DE GOUGES", "GALILEE", "MARCEL PAGNOL", "ARTHUR RIMBAUD", "LOUIS PASTEUR", "VOLTAIRE",
	}
}

func schoolKinds() []string {
	return []string{"COLLEGE", "COLLEGE", "COLLEGE", "LYCEE", "LYCEE PROFESSIONNEL", "LYCEE POLYVALENT"}
}

func rectoratServices() []string {
	return []string{
		"DSI - Division des systèmes d'information",
		"DIPER - Division des personnels enseignants",
		"DIPATE - Division des personnels administratifs et techniques",
		"DEC - Division des examens et concours",
		"DAF - Division des affaires financières",
		"Cabinet du recteur",
		"DAFPIC - Formation des personnels",
		"SAIO - Service académique d'information et d'orientation",
		"Service communication",
		"Secrétariat général",
	}
}

func dsdenServices() []string {
	return []string{
		"Division des élèves",
		"Service départemental des examens",
		"Pôle ressources humaines du 1er degré",
		"Service informatique départemental",
		"Secrétariat général",
		"Inspection de l'éducation nationale",
	}
}

func schoolServices() []string {
	return []string{
		"Direction", "Secrétariat de direction", "Intendance", "Vie scolaire", "CDI",
		"Enseignement", "Enseignement", "Laboratoire de sciences", "Accueil",
	}
}

// assetKind lists the models the demo hands out for one kind of equipment.
type assetKind struct {
	Kind   string
	Models [][2]string // brand, model
}

func assetKinds() []assetKind {
	return []assetKind{
		{"Poste de travail", [][2]string{{"Dell", "OptiPlex 7010"}, {"HP", "EliteDesk 800 G9"}, {"Lenovo", "ThinkCentre M70q"}}},
		{"Écran", [][2]string{{"Dell", "P2422H"}, {"iiyama", "ProLite XU2493HS"}, {"Philips", "243V7QDAB"}}},
		{"Ordinateur portable", [][2]string{{"Dell", "Latitude 5440"}, {"HP", "ProBook 450 G10"}, {"Lenovo", "ThinkPad E14"}}},
		{"Imprimante", [][2]string{{"Brother", "HL-L5100DN"}, {"HP", "LaserJet Pro M404dn"}, {"Kyocera", "ECOSYS P3145dn"}}},
		{"Vidéoprojecteur", [][2]string{{"Epson", "EB-W49"}, {"BenQ", "MW560"}}},
	}
}

func maintenances() []string {
	return []string{
		"Garantie constructeur jusqu'en 09/2027",
		"Garantie constructeur jusqu'en 03/2028",
		"Marché académique UGAP",
		"Maintenance DSI",
		"Hors maintenance",
	}
}

// categoryNode is one node of the demo category tree. Route names the
// group (by its key) the node's tickets go to; empty follows the parent.
type categoryNode struct {
	Name     string
	Route    string
	Children []categoryNode
}

// Group keys used by categoryNode.Route.
const (
	groupIntake  = "intake"
	groupNetwork = "network"
	groupApps    = "apps"
)

func leaves(names ...string) []categoryNode {
	ns := make([]categoryNode, len(names))
	for i, n := range names {
		ns[i] = categoryNode{Name: n}
	}
	return ns
}

// categoryTree is the category tree every académie gets.
func categoryTree() []categoryNode {
	return []categoryNode{
		{Name: "Matériel", Children: leaves("Écran", "Imprimante", "Poste de travail", "Ordinateur portable", "Vidéoprojecteur", "Scanner", "Clavier, souris et périphériques")},
		{Name: "Applications académiques", Route: groupApps, Children: []categoryNode{
			{Name: "Scolarité du 2nd degré", Children: leaves("SIECLE - Base élèves", "STS-web", "Affelnet", "LSU - Livret scolaire")},
			{Name: "Examens et concours", Children: leaves("Cyclades", "Lot - Gestion des sujets")},
			{Name: "Gestion des personnels", Children: leaves("I-Prof", "GAIA - Formation", "Colibris")},
			{Name: "Référentiels et outils", Children: leaves("ARENA - Portail des applications", "Annuaire académique")},
		}},
		{Name: "Messagerie", Children: leaves("Accès au webmail", "Boîte pleine, quota", "Listes de diffusion", "Messagerie sur smartphone", "Courriels indésirables")},
		{Name: "Réseau et Internet", Route: groupNetwork, Children: leaves("Connexion filaire", "Wi-Fi", "Accès distant (VPN)", "Site web d'établissement", "Filtrage Internet")},
		{Name: "Comptes et accès", Children: leaves("Mot de passe oublié", "Identifiant académique", "Clé OTP", "Droits d'accès aux applications")},
		{Name: "Téléphonie", Route: groupNetwork, Children: leaves("Poste fixe", "Téléphone mobile", "Messagerie vocale")},
		{Name: "Logiciels bureautiques", Children: leaves("Traitement de texte et tableur", "Navigateur", "Installation d'un logiciel")},
		{Name: "Autre demande"},
	}
}

// newsItem is a demo Actualités entry; DaysAgo dates it from the load.
type newsItem struct {
	Title   string
	Body    string
	DaysAgo int
}

func welcomeNews(name string) newsItem {
	return newsItem{
		Title: "Bienvenue sur Guichet, la plateforme d'assistance de l'académie de " + name,
		Body: "Guichet remplace l'ancienne interface des tickets d'assistance. Votre demande devient un ticket dès qu'elle est saisie : " +
			"elle est relevée dans les 10 minutes par la plateforme d'assistance, composée d'une dizaine d'agents dédiés et en contact avec toute la DSI.\n\n" +
			"Quelques bonnes pratiques :\n" +
			"- donnez un maximum d'informations dans la description (message d'erreur, matériel concerné, disponibilités) ;\n" +
			"- ne doublez jamais un ticket d'un appel, d'un autre ticket ou d'un courriel ;\n" +
			"- vous pouvez à tout moment compléter votre ticket depuis « Suivi des incidents » ;\n" +
			"- une fois la solution apportée, validez vous-même la clôture de votre demande.\n\n" +
			"La Direction des systèmes d'information",
		DaysAgo: 20,
	}
}

func mailMaintenanceNews(domain string) newsItem {
	return newsItem{
		Title: "Maintenance programmée de la messagerie académique",
		Body: "Une opération de maintenance de la messagerie (" + domain + ") aura lieu samedi de 20 h à 23 h. " +
			"Pendant cette période, le webmail et la synchronisation des smartphones seront indisponibles ; " +
			"les messages reçus seront distribués à la fin de l'intervention.\n\n" +
			"Inutile de créer un ticket pour signaler cette indisponibilité.\n\nLa Direction des systèmes d'information",
		DaysAgo: 2,
	}
}

// academyNews returns the demo news of an académie.
func academyNews(code, name, domain string) []newsItem {
	items := []newsItem{welcomeNews(name)}
	switch code {
	case "creteil":
		items = append(items, newsItem{
			Title: "Sites web hébergés par le rectorat",
			Body: "Depuis le 11 mars, les sites web disciplinaires et des établissements hébergés au rectorat sont d'un accès difficile. " +
				"Nombre d'entre eux ne sont techniquement pas à jour et posent ainsi des problèmes de sécurité qui pénalisent l'ensemble des sites hébergés.\n\n" +
				"Le CERT-RENATER, organisme en charge de la sécurité pour le réseau de l'éducation et des universités, nous préconise l'interdiction " +
				"des fonctionnalités à l'origine de cette situation. Les fonctions PHP en cause ont donc été désactivées.\n\n" +
				"Cette mesure, qui permet à nouveau l'accès aux sites, empêche l'accès aux interfaces de contribution et d'administration de certains d'entre eux. " +
				"L'équipe nationale de sécurité affinera son analyse dans les prochains jours et nous livrera un diagnostic précis.\n\n" +
				"Nous avons bien conscience de la gêne occasionnée et travaillons à une solution à la fois satisfaisante et sécurisée.\n\n" +
				"La Direction des systèmes d'information",
			DaysAgo: 5,
		}, mailMaintenanceNews(domain))
	case "rouen":
		items = append(items, newsItem{
			Title: "Mouvement intra-départemental des enseignants du 1er degré de l'Eure (027)",
			Body: "Le serveur de saisie des vœux du mouvement intra-départemental des enseignants du 1er degré de l'Eure est ouvert. " +
				"Pour toute difficulté de connexion à I-Prof, créez un ticket dans la catégorie « Applications académiques › Gestion des personnels › I-Prof » : " +
				"inutile d'indiquer votre NUMEN, votre identifiant académique suffit.\n\n" +
				"La plateforme d'assistance est renforcée pendant toute la durée de la campagne.\n\nLa Direction des systèmes d'information",
			DaysAgo: 7,
		})
	default:
		items = append(items, mailMaintenanceNews(domain), newsItem{
			Title: "Renouvellement des clés OTP",
			Body: "Les clés OTP distribuées il y a trois ans arrivent en fin de vie. Si la vôtre affiche un message de pile faible, " +
				"créez un ticket dans la catégorie « Comptes et accès › Clé OTP » : une nouvelle clé vous sera remise par votre correspondant.\n\n" +
				"La Direction des systèmes d'information",
			DaysAgo: 9,
		})
	}
	return items
}
