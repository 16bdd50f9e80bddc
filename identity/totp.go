package identity

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"guichet/store"
)

// TOTP parameters: the ones every authenticator app supports.
const (
	totpPeriod = 30
	totpSkew   = 1 // steps accepted either side of now
)

// sealer encrypts TOTP secrets at rest with AES-256-GCM when a key is
// configured; without one, secrets are stored as they are (marked so).
type sealer struct {
	aead cipher.AEAD
}

// newSealer derives the AES-256 key from the configured secret.
func newSealer(key string) sealer {
	if key == "" {
		return sealer{}
	}
	k := sha256.Sum256([]byte("guichet totp v1\x00" + key))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return sealer{aead: aead}
}

func (s sealer) seal(secret string) (string, error) {
	if s.aead == nil {
		return "plain:" + secret, nil
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("identity: seal totp secret: %w", err)
	}
	return "v1:" + base64.RawStdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, []byte(secret), nil)), nil
}

func (s sealer) open(sealed string) (string, error) {
	if rest, ok := strings.CutPrefix(sealed, "plain:"); ok {
		return rest, nil
	}
	rest, ok := strings.CutPrefix(sealed, "v1:")
	if !ok || s.aead == nil {
		return "", errors.New("identity: totp secret sealed with a key that is not configured (auth.totp_key)")
	}
	raw, err := base64.RawStdEncoding.DecodeString(rest)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return "", errors.New("identity: totp secret: malformed")
	}
	plain, err := s.aead.Open(nil, raw[:s.aead.NonceSize()], raw[s.aead.NonceSize():], nil)
	if err != nil {
		return "", errors.New("identity: totp secret: cannot decrypt (auth.totp_key changed?)")
	}
	return string(plain), nil
}

// SecondFactor says what the second sign-in step must do for a person.
type SecondFactor struct {
	// Enrolled: the person has a confirmed TOTP secret and must type a code.
	Enrolled bool
	// Required: a role of the person requires TOTP (auth.totp_required_roles).
	Required bool
}

// Needed reports whether a second step is needed at all.
func (f SecondFactor) Needed() bool { return f.Enrolled || f.Required }

// SecondFactorOf tells whether the person must give a TOTP code (enrolled)
// or enrol first (required, not enrolled).
func (s *Service) SecondFactorOf(ctx context.Context, p *store.Person) (SecondFactor, error) {
	var f SecondFactor
	sec, err := s.db.GetTOTP(ctx, p.ID)
	switch {
	case err == nil:
		f.Enrolled = sec.ConfirmedAt != nil
	case !errors.Is(err, store.ErrNotFound):
		return f, fmt.Errorf("identity: second factor: %w", err)
	}
	f.Required, err = s.TOTPRequired(ctx, p)
	return f, err
}

// TOTPRequired reports whether a role of the person (in any académie)
// requires TOTP; a global administrator counts as administrator.
func (s *Service) TOTPRequired(ctx context.Context, p *store.Person) (bool, error) {
	want := s.cfg.Auth.TOTPRequiredRoles
	if len(want) == 0 {
		return false, nil
	}
	has := map[string]bool{}
	if p.GlobalAdmin {
		has[store.RoleAdministrator] = true
	}
	grants, err := s.db.Roles(ctx, p.ID)
	if err != nil {
		return false, fmt.Errorf("identity: totp required: %w", err)
	}
	for _, g := range grants {
		has[g.Role] = true
	}
	for _, r := range want {
		if has[r] {
			return true, nil
		}
	}
	return false, nil
}

// TOTPEnrolled reports whether the person has a confirmed second factor.
func (s *Service) TOTPEnrolled(ctx context.Context, personID int64) (bool, error) {
	sec, err := s.db.GetTOTP(ctx, personID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("identity: totp enrolled: %w", err)
	}
	return sec.ConfirmedAt != nil, nil
}

// BeginEnrolment gives the person a new, unconfirmed TOTP secret (replacing
// an unconfirmed one) and returns it (base32, for typing by hand). It is
// confirmed by the first valid code given to VerifyTOTP.
func (s *Service) BeginEnrolment(ctx context.Context, p *store.Person) (string, error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: s.cfg.Auth.TOTPIssuer, AccountName: p.Login, Period: totpPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", fmt.Errorf("identity: generate totp secret: %w", err)
	}
	sealed, err := s.seal.seal(key.Secret())
	if err != nil {
		return "", err
	}
	if err := s.db.SetPendingTOTP(ctx, p.ID, sealed); err != nil {
		return "", fmt.Errorf("identity: begin enrolment: %w", err)
	}
	return key.Secret(), nil
}

// PendingSecret returns the secret of the person's enrolment in progress,
// or an error wrapping ErrNoPendingTOTP. A confirmed secret is never given
// out again.
func (s *Service) PendingSecret(ctx context.Context, personID int64) (string, error) {
	sec, err := s.db.GetTOTP(ctx, personID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && sec.ConfirmedAt != nil) {
		return "", fmt.Errorf("identity: person %d: %w", personID, ErrNoPendingTOTP)
	}
	if err != nil {
		return "", fmt.Errorf("identity: pending secret: %w", err)
	}
	return s.seal.open(sec.Secret)
}

// EnrolmentQR returns the PNG of the QR code of the person's enrolment in
// progress (an otpauth:// URL for authenticator apps), size×size pixels.
func (s *Service) EnrolmentQR(ctx context.Context, p *store.Person, size int) ([]byte, error) {
	secret, err := s.PendingSecret(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	key, err := otp.NewKeyFromURL(s.keyURL(p.Login, secret))
	if err != nil {
		return nil, fmt.Errorf("identity: totp key url: %w", err)
	}
	img, err := key.Image(size, size)
	if err != nil {
		return nil, fmt.Errorf("identity: totp qr code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("identity: encode qr code: %w", err)
	}
	return buf.Bytes(), nil
}

// keyURL is the otpauth:// URL of a secret, as authenticator apps read it.
func (s *Service) keyURL(login, secret string) string {
	issuer := s.cfg.Auth.TOTPIssuer
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", issuer)
	v.Set("period", "30")
	v.Set("algorithm", "SHA1")
	v.Set("digits", "6")
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + login, RawQuery: v.Encode()}
	return u.String()
}

// VerifyTOTP checks a code against the person's secret (confirmed, or the
// enrolment in progress, which it then confirms), accepting one step of
// clock skew either side, each code once. A bad code gives ErrInvalidCode.
func (s *Service) VerifyTOTP(ctx context.Context, personID int64, code string) error {
	code = strings.Join(strings.Fields(code), "")
	sec, err := s.db.GetTOTP(ctx, personID)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("identity: person %d has no totp: %w", personID, ErrInvalidCode)
	}
	if err != nil {
		return fmt.Errorf("identity: verify totp: %w", err)
	}
	secret, err := s.seal.open(sec.Secret)
	if err != nil {
		return err
	}
	if len(code) != 6 {
		return fmt.Errorf("identity: totp code of person %d: %w", personID, ErrInvalidCode)
	}
	now := s.now()
	opts := totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	for d := -totpSkew; d <= totpSkew; d++ {
		t := now.Add(time.Duration(d*totpPeriod) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, t, opts)
		if err != nil {
			return fmt.Errorf("identity: totp code: %w", err)
		}
		if want != code {
			continue
		}
		ok, err := s.db.UseTOTPStep(ctx, personID, t.Unix()/totpPeriod)
		if err != nil {
			return fmt.Errorf("identity: verify totp: %w", err)
		}
		if !ok {
			return fmt.Errorf("identity: totp code of person %d already used: %w", personID, ErrInvalidCode)
		}
		return nil
	}
	return fmt.Errorf("identity: totp code of person %d: %w", personID, ErrInvalidCode)
}

// RemoveTOTP removes the person's second factor, unless a role requires it
// (ErrTOTPRequired).
func (s *Service) RemoveTOTP(ctx context.Context, p *store.Person) error {
	req, err := s.TOTPRequired(ctx, p)
	if err != nil {
		return err
	}
	if req {
		return fmt.Errorf("identity: remove totp of person %d: %w", p.ID, ErrTOTPRequired)
	}
	return s.db.DeleteTOTP(ctx, p.ID)
}
