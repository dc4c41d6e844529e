package emulator_test

import (
	"errors"
	"io/fs"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/emulator"
)

// Every option's errors are *ConfigErrors naming the option and, for an option of several
// arguments, the one at fault; none quotes a token or a secret key.
func TestNew_configErrors(t *testing.T) {
	badSeed := emulator.Seed{Clusters: []emulator.SeedCluster{{ProjectID: "p", ClusterID: "a/b"}}}
	tests := []struct {
		name        string
		opt         emulator.Option
		option, arg string
		msg         string // the whole of Error()
	}{
		{"seed", emulator.WithSeed(badSeed), "WithSeed", "",
			`emulator: WithSeed: clusters[0]: cluster ID "a/b" contains '/', which is not allowed in an ID`},
		{"synthetic project", emulator.WithSynthetic("", "c", 1), "WithSynthetic", "projectID", "emulator: WithSynthetic: project ID is empty"},
		{"synthetic cluster", emulator.WithSynthetic("p", "..", 1), "WithSynthetic", "clusterID", `emulator: WithSynthetic: cluster ID ".." is a dot segment, which URL resolution would remove`},
		{"synthetic n", emulator.WithSynthetic("p", "c", -1), "WithSynthetic", "n", "emulator: WithSynthetic: -1 connections is out of the range 0-100000"},
		{"synthetic n too large", emulator.WithSynthetic("p", "c", emulator.MaxSynthetic+1), "WithSynthetic", "n",
			"emulator: WithSynthetic: 100001 connections is out of the range 0-100000"},
		{"token empty", emulator.WithToken(""), "WithToken", "", "emulator: WithToken: the token is empty"},
		{"token line break", emulator.WithToken(testToken + "\n"), "WithToken", "",
			"emulator: WithToken: the token has a space or control character at byte 15"},
		{"access key empty", emulator.WithAccessKey("", testSK), "WithAccessKey", "accessKey", "emulator: WithAccessKey: signer: access key is empty"},
		{"access key comma", emulator.WithAccessKey("A,K", testSK), "WithAccessKey", "accessKey",
			"emulator: WithAccessKey: signer: access key has a character not allowed in the Authorization header at byte 1"},
		{"both keys empty", emulator.WithAccessKey("", ""), "WithAccessKey", "accessKey", "emulator: WithAccessKey: signer: access key is empty"},
		{"secret key empty", emulator.WithAccessKey(testAK, ""), "WithAccessKey", "secretKey", "emulator: WithAccessKey: signer: secret key is empty"},
		{"clock", emulator.WithClock(nil), "WithClock", "", "emulator: WithClock: the clock is nil"},
		{"latency", emulator.WithLatency(-time.Second, 0), "WithLatency", "d", "emulator: WithLatency: latency -1s is negative"},
		{"jitter", emulator.WithLatency(0, -time.Millisecond), "WithLatency", "jitter", "emulator: WithLatency: jitter -1ms is negative"},
		{"fail rate NaN", emulator.WithFailRate(math.NaN(), 1), "WithFailRate", "rate", "emulator: WithFailRate: rate NaN is not between 0 and 1"},
		{"fail rate negative", emulator.WithFailRate(-0.1, 1), "WithFailRate", "rate", "emulator: WithFailRate: rate -0.1 is not between 0 and 1"},
		{"fail rate above 1", emulator.WithFailRate(1.5, 1), "WithFailRate", "rate", "emulator: WithFailRate: rate 1.5 is not between 0 and 1"},
		{"logger", emulator.WithLogger(nil), "WithLogger", "", "emulator: WithLogger: the logger is nil"},
		{"IAM user name empty", emulator.WithIAMUser("", testPassword, ""), "WithIAMUser", "name", "emulator: WithIAMUser: the user name is empty"},
		{"IAM user name with a NUL", emulator.WithIAMUser("u\x00x", testPassword, ""), "WithIAMUser", "name",
			`emulator: WithIAMUser: the user name "u\x00x" has a control character at byte 1`},
		{"IAM user name of spaces", emulator.WithIAMUser(" u", testPassword, ""), "WithIAMUser", "name", `emulator: WithIAMUser: the user name " u" has white space at an end`},
		{"IAM user name too long", emulator.WithIAMUser(strings.Repeat("u", 257), testPassword, ""), "WithIAMUser", "name",
			"emulator: WithIAMUser: the user name is 257 bytes long; at most 256 are allowed"},
		{"password empty", emulator.WithIAMUser("u", "", ""), "WithIAMUser", "password", "emulator: WithIAMUser: the password is empty"},
		{"password with a line break", emulator.WithIAMUser("u", testPassword+"\n", ""), "WithIAMUser", "password",
			"emulator: WithIAMUser: the password has a control character at byte 14"},
		{"password not UTF-8", emulator.WithIAMUser("u", testPassword+"\xff", ""), "WithIAMUser", "password", "emulator: WithIAMUser: the password is not valid UTF-8"},
		{"password too long", emulator.WithIAMUser("u", testPassword+strings.Repeat("x", 1024), ""), "WithIAMUser", "password",
			"emulator: WithIAMUser: the password is 1038 bytes long; at most 1024 are allowed"},
		{"IAM domain", emulator.WithIAMUser("u", testPassword, "d\t"), "WithIAMUser", "domain", `emulator: WithIAMUser: the domain "d\t" has white space at an end`},
		{"token TTL 0", emulator.WithTokenTTL(0), "WithTokenTTL", "", "emulator: WithTokenTTL: token TTL 0s is out of the range 1s-8760h0m0s"},
		{"token TTL too long", emulator.WithTokenTTL(emulator.MaxTokenTTL + 1), "WithTokenTTL", "", "emulator: WithTokenTTL: token TTL 8760h0m0.000000001s is out of the range 1s-8760h0m0s"},
		{"token TTL without an IAM user", emulator.WithTokenTTL(time.Hour), "WithTokenTTL", "", "emulator: WithTokenTTL: no IAM user issues tokens: give WithIAMUser too"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := emulator.New(tt.opt)
			if e != nil || err == nil {
				t.Fatalf("New = %v, %v", e, err)
			}
			ce, ok := err.(*emulator.ConfigError) //nolint:errorlint // a single problem is the *ConfigError itself
			if !ok || ce.Option != tt.option || ce.Arg != tt.arg || err.Error() != tt.msg || !errors.Is(err, ce.Err) {
				t.Errorf("New = %#v\n%q\nwant a *ConfigError{Option: %q, Arg: %q}\n%q", err, err, tt.option, tt.arg, tt.msg)
			}
			for _, s := range []string{testToken, testSK, testPassword} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("the error quotes a secret: %q", err)
				}
			}
		})
	}
	t.Run("IAM user twice", func(t *testing.T) {
		_, err := emulator.New(emulator.WithIAMUser("u", testPassword, ""), emulator.WithIAMUser("v", testPassword, ""))
		ce, ok := err.(*emulator.ConfigError) //nolint:errorlint // a single problem is the *ConfigError itself
		if !ok || ce.Option != "WithIAMUser" || ce.Arg != "" || err.Error() != `emulator: WithIAMUser: an IAM user ("u") is given already: the emulator's IAM has one` {
			t.Errorf("New = %#v %q", err, err)
		}
	})
}

func TestNew_configErrors_seedFile(t *testing.T) {
	_, err := emulator.New(emulator.WithSeedFile("testdata/no-such-file.json"))
	var ce *emulator.ConfigError
	if !errors.As(err, &ce) || ce.Option != "WithSeedFile" || ce.Arg != "" || !errors.Is(err, fs.ErrNotExist) ||
		!strings.HasPrefix(err.Error(), "emulator: WithSeedFile: seed file: open testdata/no-such-file.json: ") {
		t.Errorf("New = %v", err)
	}
}

// Several problems are one flat errors.Join of *ConfigErrors, in the order of the options; the
// clusters of WithSynthetic that the seed has already are all named too, once the options are
// right.
func TestNew_configErrors_joined(t *testing.T) {
	check := func(t *testing.T, err error, want ...[2]string) {
		t.Helper()
		joined, ok := err.(interface{ Unwrap() []error }) //nolint:errorlint // the top level is the join
		if !ok {
			t.Fatalf("New = %#v, want errors.Join", err)
		}
		errs := joined.Unwrap()
		if len(errs) != len(want) {
			t.Fatalf("%d errors, want %d: %v", len(errs), len(want), err)
		}
		for i, e := range errs {
			ce, ok := e.(*emulator.ConfigError) //nolint:errorlint // flat: each is a *ConfigError
			if !ok || ce.Option != want[i][0] || !strings.Contains(ce.Error(), want[i][1]) {
				t.Errorf("error %d: %#v, want a *ConfigError of %s with %q", i, e, want[i][0], want[i][1])
			}
		}
	}
	t.Run("options", func(t *testing.T) {
		_, err := emulator.New(emulator.WithToken(""), emulator.WithLatency(-1, 0),
			emulator.WithAccessKey(testAK, testSK), emulator.WithAccessKey(testAK, "other"),
			emulator.WithSynthetic(emulator.DefaultProjectID, emulator.DefaultClusterID, 1)) // not checked: the options are wrong
		check(t, err, [2]string{"WithToken", "the token is empty"}, [2]string{"WithLatency", "latency -1ns is negative"},
			[2]string{"WithAccessKey", `access key "` + testAK + `" is given twice`})
		var ce *emulator.ConfigError
		if !errors.As(err, &ce) || ce.Option != "WithToken" {
			t.Errorf("errors.As found %#v, want the first", ce)
		}
	})
	t.Run("clusters the seed has", func(t *testing.T) {
		_, err := emulator.New(
			emulator.WithSynthetic(emulator.DefaultProjectID, emulator.DefaultClusterID, 1),
			emulator.WithSynthetic("p", "c", 1), emulator.WithSynthetic("p", "c", 2))
		check(t, err,
			[2]string{"WithSynthetic", `emulator: WithSynthetic: cluster "` + emulator.DefaultClusterID + `" of project "demo-project": the seed has this cluster already`},
			[2]string{"WithSynthetic", `emulator: WithSynthetic: cluster "c" of project "p": the seed has this cluster already`})
	})
}

func TestConfigError_Error(t *testing.T) {
	for _, tt := range []struct {
		err  *emulator.ConfigError
		want string
	}{
		{&emulator.ConfigError{Option: "WithX", Err: errors.New("bad")}, "emulator: WithX: bad"},
		{&emulator.ConfigError{Option: "WithX", Arg: "y", Err: errors.New("bad")}, "emulator: WithX: bad"},
		{&emulator.ConfigError{Option: "WithX"}, "emulator: WithX: <nil>"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%#v.Error() = %q, want %q", tt.err, got, tt.want)
		}
	}
}
