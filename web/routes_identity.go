package web

// routesIdentity registers the second sign-in step, Mon compte and the
// administrators' directory page.
func (s *Server) routesIdentity() {
	s.get("/connexion/otp", s.require(PermPublic), s.loginOTPShow)
	s.get("/connexion/otp/qr.png", s.require(PermPublic), s.loginOTPQR)
	s.post("/connexion/otp", s.require(PermPublic), s.loginOTPSubmit)

	s.get("/compte", s.require(PermSignedIn), s.accountShow)
	s.get("/compte/otp/qr.png", s.require(PermSignedIn), s.accountTOTPQR)
	s.post("/compte/otp/commencer", s.require(PermSignedIn), s.accountTOTPBegin)
	s.post("/compte/otp/confirmer", s.require(PermSignedIn), s.accountTOTPConfirm)
	s.post("/compte/otp/supprimer", s.require(PermSignedIn), s.accountTOTPRemove)
	s.post("/compte/deconnexion-partout", s.require(PermSignedIn), s.accountSignOutEverywhere)
	s.post("/compte/langue", s.require(PermSignedIn), s.accountLang)

	s.get("/admin/annuaire", s.require(PermAcademySettings), s.adminDirectory)
	s.post("/admin/annuaire/import", s.require(PermAcademySettings), s.adminDirectoryImport)
	s.post("/admin/annuaire/synchroniser", s.require(PermAcademySettings), s.adminDirectorySync)
}
