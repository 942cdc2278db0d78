package lettatokens_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
)

// readme returns README.md.
func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// codeBlocks returns the bodies of the README's fenced blocks of lang.
func codeBlocks(text, lang string) []string {
	var blocks []string
	for _, part := range strings.Split(text, "```"+lang+"\n")[1:] {
		body, _, ok := strings.Cut(part, "```")
		if ok {
			blocks = append(blocks, body)
		}
	}
	return blocks
}

// compiledHomes returns the Go files that may hold a README snippet: every
// file under examples/ (built and vetted as programs) and the root's
// readme_*_test.go files (compiled, and run, by go test).
func compiledHomes(t *testing.T) map[string]string {
	t.Helper()
	homes := map[string]string{}
	add := func(path string) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		homes[path] = string(b)
	}
	err := filepath.WalkDir("examples", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".go") {
			add(path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tests, _ := filepath.Glob("readme_*_test.go")
	for _, path := range tests {
		add(path)
	}
	return homes
}

// containsIndented reports whether file holds block's lines in a row, each
// behind the same indentation (a snippet inside a function body is indented
// one level deeper than in the README). Blank lines match blank lines.
func containsIndented(file, block string) bool {
	want := strings.Split(strings.TrimSuffix(block, "\n"), "\n")
	lines := strings.Split(file, "\n")
	for i := range lines {
		indent, ok := strings.CutSuffix(lines[i], want[0])
		if !ok || strings.TrimLeft(indent, "\t") != "" || i+len(want) > len(lines) {
			continue
		}
		if slices.EqualFunc(want, lines[i:i+len(want)], func(w, got string) bool {
			return w == "" && got == "" || indent+w == got
		}) {
			return true
		}
	}
	return false
}

// TestReadmeGoBlocksCompile: every ```go block of the README appears
// verbatim (indentation aside) in a file that the build compiles, so that a
// snippet cannot show code that does not build: a block without a compiled
// home fails here.
func TestReadmeGoBlocksCompile(t *testing.T) {
	blocks := codeBlocks(readme(t), "go")
	if len(blocks) == 0 {
		t.Fatal("no ```go block in README.md")
	}
	homes := compiledHomes(t)
	for i, block := range blocks {
		found := false
		for _, file := range homes {
			if containsIndented(file, block) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("README.md's ```go block %d has no compiled home (copy it into examples/ or a readme_*_test.go):\n%s", i+1, block)
		}
	}
}

func TestContainsIndented(t *testing.T) {
	file := "func f() {\n\ta := 1\n\n\tb := 2\n}\n"
	for block, want := range map[string]bool{
		"a := 1\n\nb := 2\n": true,
		"a := 1\nb := 2\n":   false,
		"b := 2\n}\n":        false, // not one indentation for every line
		"a := 2\n":           false,
		"func f() {\n":       true,
	} {
		if got := containsIndented(file, block); got != want {
			t.Errorf("containsIndented(%q) = %v, want %v", block, got, want)
		}
	}
}

// TestReadmeAgentIDsExist: an --agent-id in the README's commands must
// match tokens of the mock those commands start (letta-tokens mock
// --tokens N), or the example lists nothing.
func TestReadmeAgentIDsExist(t *testing.T) {
	text := readme(t)
	ids := regexp.MustCompile(`--agent-id (\S+)`).FindAllStringSubmatch(text, -1)
	if len(ids) == 0 {
		t.Skip("the README shows no --agent-id")
	}
	seeded := mock.SeedTokens(25) // the mock's default, the fewest a README command starts
	for _, m := range ids {
		id := m[1]
		if slices.ContainsFunc(seeded, func(tok gen.Token) bool {
			return slices.ContainsFunc(tok.Policy.Data, func(p gen.AgentPolicy) bool { return p.Id == id })
		}) {
			continue
		}
		t.Errorf("README.md runs --agent-id %s, which no token of the mock names (its agents are %s …)", id, mock.SeedAgentID(0))
	}
}

// TestReadmeEnvValues: where the code acts on an environment variable only
// at one exact value (os.Getenv("X") == "1"), and the README names that
// variable, the README must say the value in prose as X=value: "set it"
// is not enough when "true" silently does nothing.
func TestReadmeEnvValues(t *testing.T) {
	text := readme(t)
	// os.Getenv("X") == "1" where the code reads a variable itself, and
	// LoadEnv's declaration of it, envX = "X" // "1": what it does.
	compare := regexp.MustCompile(`os\.Getenv\("(LETTA_[A-Z_]+)"\) == "([^"]*)"|= "(LETTA_[A-Z_]+)" // "([^"]*)":`)
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range compare.FindAllStringSubmatch(string(src), -1) {
			name, value := m[1], m[2]
			if name == "" {
				name, value = m[3], m[4]
			}
			if !strings.Contains(text, name) {
				continue
			}
			checked++
			if !strings.Contains(text, name+"="+value) {
				t.Errorf("README.md names %s but never says it acts only at %s=%s (%s)", name, name, value, path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Error("no environment variable compared to a value found: the pattern is stale")
	}
}

// TestReadmeNamesTheTwoCommands keeps the README promise: one command runs
// the main job without an account, one runs all tests.
func TestReadmeNamesTheTwoCommands(t *testing.T) {
	text := readme(t)
	for _, cmd := range []string{"go run ./cmd/letta-tokens check --mock", "go test -race ./..."} {
		if !strings.Contains(text, cmd) {
			t.Errorf("README.md does not show %q", cmd)
		}
	}
}

// TestReadmeExampleIsWhole: the README's first example is the whole of
// examples/list/main.go, which its test runs, not an excerpt.
func TestReadmeExampleIsWhole(t *testing.T) {
	example, err := os.ReadFile("examples/list/main.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(readme(t), "```go\n"+string(example)+"```") {
		t.Error("README.md's example differs from examples/list/main.go: copy the file into the README's ```go block")
	}
}

// TestPackageDocQuickStartIsTheExample: the package documentation's quick
// start is the body of examples/list/main.go's main, which its test runs.
func TestPackageDocQuickStartIsTheExample(t *testing.T) {
	example, err := os.ReadFile("examples/list/main.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(example), "func main() {\n")
	body = body[:strings.LastIndex(body, "}\n")]
	var want strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		want.WriteString(strings.TrimRight("//\t"+strings.TrimPrefix(line, "\t"), "\t") + "\n")
	}
	if !strings.Contains(string(doc), "//\n"+want.String()+"//\n") {
		t.Errorf("doc.go's quick start differs from main in examples/list/main.go; want the block:\n%s", want.String())
	}
}
