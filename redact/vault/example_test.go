package vault_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/vault"
	"github.com/veil-privacy/veil/store/embedded"
)

// A request's email is tokenized before it goes to the chatbot; the chatbot's reply gets the
// value back, for this subject only.
func Example() {
	dir, _ := os.MkdirTemp("", "vault-example")
	defer os.RemoveAll(dir)
	st, err := embedded.Open(filepath.Join(dir, embedded.FileName))
	if err != nil {
		panic(err)
	}
	defer st.Close()
	keys, _ := vault.NewKeyring(vault.GenerateKey()) // from KeysConfig.Keyring in Veil
	v, _ := vault.New(st, keys, vault.Options{})
	ctx := context.Background()

	tok, _ := v.Tokenize(ctx, "subject-1", redact.Email, "anna@example.de", vault.Placeholder, 30*24*time.Hour)
	fmt.Println(len(tok), tok[:7])

	r, _ := v.Restorer(ctx, "subject-1")
	reply, n := r.Restore("Thanks! We will write to " + tok + " today.")
	fmt.Println(reply, n)

	other, _ := v.Restorer(ctx, "subject-2")
	reply, n = other.Restore("Thanks! We will write to " + tok + " today.")
	fmt.Println(reply == "Thanks! We will write to "+tok+" today.", n)
	// Output:
	// 14 [EMAIL_
	// Thanks! We will write to anna@example.de today. 1
	// true 0
}
