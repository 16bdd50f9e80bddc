package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guichet/config"
)

func TestLDAPAndAuthSettings(t *testing.T) {
	write := func(t *testing.T, yaml string) string {
		t.Helper()
		p := filepath.Join(t.TempDir(), "guichet.yaml")
		if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Run("an académie's ldap block is read with defaults for what it leaves out", func(t *testing.T) {
		cfg, err := config.Load(write(t, `
auth:
  totp_required_roles: [Technician, supervisor]
academies:
  - code: creteil
    name: Créteil
    ldap:
      url: ldaps://ldap.ac-creteil.fr
      bind_dn: cn=guichet,dc=ac-creteil,dc=fr
      bind_password: secret
      base_dn: ou=people,dc=ac-creteil,dc=fr
      attributes: {entity: rneExerc}
      role_rules:
        - {group: support-n1, role: technician}
`), nil)
		if err != nil {
			t.Fatal(err)
		}
		l := cfg.Academies[0].LDAP
		if l == nil || l.Attributes.Entity != "rneExerc" || l.Attributes.LastName != "sn" || l.Timeout != 10*time.Second ||
			!strings.Contains(l.UserFilter, "{login}") || l.RoleRules[0].Role != "technician" {
			t.Fatalf("ldap = %+v", l)
		}
		if got := strings.Join(cfg.Auth.TOTPRequiredRoles, ","); got != "technician,supervisor" {
			t.Errorf("totp_required_roles = %s", got)
		}
	})
	t.Run("bad values are all reported, the password hidden", func(t *testing.T) {
		_, err := config.Load(write(t, `
auth:
  totp_required_roles: [chef]
  max_failures_per_login: 0
academies:
  - code: creteil
    name: Créteil
    ldap:
      url: http://ldap
      bind_dn: cn=x
      bind_password: topsecret
      user_filter: (uid=x)
      role_rules:
        - {group: g, role: boss}
`), nil)
		if err == nil {
			t.Fatal("no error")
		}
		msg := err.Error()
		for _, key := range []string{"auth.totp_required_roles[0]", "auth.max_failures_per_login", "academies[0].ldap.url",
			"academies[0].ldap.base_dn", "academies[0].ldap.user_filter", "academies[0].ldap.role_rules[0].role"} {
			if !strings.Contains(msg, key) {
				t.Errorf("no error about %s in:\n%s", key, msg)
			}
		}
		if strings.Contains(msg, "topsecret") {
			t.Error("the bind password is printed")
		}
	})
}
