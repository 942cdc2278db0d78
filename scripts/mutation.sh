#!/usr/bin/env bash
# Mutation testing of the critical code with gremlins (pinned in
# tools/mutation/go.mod, a module of its own so that no library user
# inherits it). See TESTING.md for what is covered and why.
#
# Usage: scripts/mutation.sh [--base REF] [PACKAGE...]
#   PACKAGE   one of the packages below, as a directory (. for the root);
#             all of them by default.
#   --base REF  only the critical files that differ from REF (git diff
#             REF...HEAD, and uncommitted changes); packages with none are
#             skipped. For CI.
# Environment:
#   MUTATION_WORKERS      gremlins workers (default 1: each runs a test binary)
#   MUTATION_TIMEOUT_COEFFICIENT  a mutant's tests may take this many times
#                         the package's coverage run, then count as killed by
#                         timeout (default 5)
#   MUTATION_OUT          where reports and logs go (default: a new temp dir)
#   MUTATION_MIN          fail (exit 1) when the total efficacy is below this
#   MUTATION_USERS=1      a mutant is also killed by the tests of proxy, mock
#                         and cmd/letta-tokens, those of them that import the
#                         package (or of the package directories listed
#                         instead of 1: MUTATION_USERS=". proxy" for the
#                         root's and the proxy's). gremlins runs the own tests
#                         as without; tools/mutation/rejudge then runs the
#                         users' tests on the mutants that lived or were not
#                         covered (a kill by the own tests stands whatever
#                         else runs), each with the users that cover it.
#
# Each package is tested in a copy of the module where only that package's
# tests build: gremlins runs its coverage over PATH/..., which for the root
# package is the whole module, and a mutant's tests are those of its own
# package. Its users' tests run in a copy of their own.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# The critical files of each package: masking (encoded forms included),
# retries, redirects, usable answers, errors, the pager and fingerprints,
# pages in flight, validator verdicts, walk comparison and the seed guard,
# the proxy's verdicts, keys and walks, and the CLI's masking, token checks
# and failure table.
critical_files() {
  case "$1" in
    redact) echo "masker.go view.go encoded.go secrets.go line.go defuse.go writer.go" ;;
    .) echo "auth.go callerror.go errors.go kind.go env.go list.go pager.go" ;;
    internal/attempt) echo "attempt.go body.go redirect.go backoff.go throttle.go retryable.go" ;;
    internal/fingerprint) echo "fingerprint.go" ;;
    internal/prefetch) echo "prefetch.go" ;;
    contract) echo "page_behaviour.go safe.go unknown_fields.go validator.go" ;;
    contract/live) echo "compare.go live_classify.go live_seed_guard.go" ;;
    cmd/letta-tokens) echo "mask.go tokenvalue.go failure.go" ;;
    proxy) echo "proxy.go keys.go walks.go" ;;
    *) return 1 ;;
  esac
}
all_packages="redact internal/prefetch internal/fingerprint internal/attempt . contract contract/live proxy cmd/letta-tokens"

base=""
pkgs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base=$2; shift 2 ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) pkgs+=("${1%/}"); shift ;;
  esac
done
[ ${#pkgs[@]} -gt 0 ] || read -r -a pkgs <<<"$all_packages"

workers=${MUTATION_WORKERS:-1}
coefficient=${MUTATION_TIMEOUT_COEFFICIENT:-5}
out=${MUTATION_OUT:-$(mktemp -d)}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

changed=""
if [ -n "$base" ]; then
  changed=$( { git diff --name-only "$base"...HEAD; git diff --name-only HEAD; } | sort -u)
fi

echo "building gremlins, efficacy and rejudge (tools/mutation/go.mod)"
(cd tools/mutation && go build -o "$work/gremlins" github.com/go-gremlins/gremlins/cmd/gremlins &&
  go build -o "$work/efficacy" ./efficacy && go build -o "$work/rejudge" ./rejudge)

# make_box BOX DIR...: a copy of the module in BOX in which only the tests
# of the package directories DIR build, and in skip the -skip flag its runs
# need.
make_box() {
  local box=$1 testdirs; shift
  mkdir -p "$box"
  git ls-files -z -co --exclude-standard | grep -zv '^tools/' | tar --null -T - -cf - 2>/dev/null | tar -xf - -C "$box"
  testdirs=$(for d in "$@"; do (cd "$box/$d" && pwd); done)
  # Other packages' tests are switched off by a build tag no run sets, not
  # deleted: some tests read the module's sources, tests included.
  find "$box" -name '*_test.go' | while read -r f; do
    if ! grep -qxF -- "$(dirname "$f")" <<<"$testdirs"; then
      if grep -q '^//go:build ' "$f"; then
        # A file with a constraint of its own keeps it, and gets ours too:
        # Go allows one //go:build line a file.
        sed -i 's#^//go:build \(.*\)$#//go:build mutation_other_package \&\& (\1)#' "$f"
      else
        { echo '//go:build mutation_other_package'; echo; cat "$f"; } >"$f.tmp" && mv "$f.tmp" "$f"
      fi
    fi
  done
  # The root's test of a fresh consumer module runs contract's tests, which
  # a copy that keeps the root's tests and not contract's has switched off.
  skip=""
  if grep -qxF -- "$box" <<<"$testdirs" && ! grep -qxF -- "$box/contract" <<<"$testdirs"; then
    skip="-skip=^TestReadmeConsumerCommandsInAFreshModule\$"
  fi
}

reports=()
for pkg in "${pkgs[@]}"; do
  files=$(critical_files "$pkg") || { echo "unknown package $pkg (see critical_files in $0)" >&2; exit 2; }
  [ -d "$pkg" ] || { echo "skip $pkg: no such directory"; continue; }
  dir=${pkg#./}; prefix=""; [ "$dir" = "." ] || prefix="$dir/"
  if [ -n "$base" ]; then
    keep=""
    for f in $files; do
      grep -qx "$prefix$f" <<<"$changed" && keep="$keep $f"
    done
    if [ -z "$keep" ]; then echo "skip $pkg: no critical file changed since $base"; continue; fi
    files=$keep
  fi
  name=$(tr '/.' '__' <<<"$dir"); [ "$dir" = "." ] && name=root

  # The packages among proxy, mock and cmd/letta-tokens (or those
  # MUTATION_USERS lists) whose tests count too: those that import $pkg.
  users=()
  if [ -n "${MUTATION_USERS:-}" ]; then
    path=$(go list "./$dir")
    candidates=$MUTATION_USERS; [ "$candidates" = 1 ] && candidates="proxy mock cmd/letta-tokens"
    for u in $candidates; do
      u=${u%/}
      [ "$u" != "$dir" ] && go list -deps "./$u" | grep -x "$path" >/dev/null && users+=("$u")
    done
  fi

  box="$work/$name"
  make_box "$box" "$dir"

  # Exclude every file of the package that is not critical, and every file
  # below it (another package).
  excludes=(-E '/')
  for f in "$box/$prefix"*.go; do
    f=$(basename "$f")
    case "$f" in *_test.go) continue ;; esac
    grep -qw -- "$f" <<<"$files" || excludes+=(-E "^${f//./\\.}\$")
  done

  # gremlins v0.6.0 tests a mutant in the package whose directory ends in
  # the package's name, else in the module's root package (engine.go's
  # pkgName): for package main in cmd/letta-tokens it ran the root's tests
  # (switched off here) and every mutant "lived". --integration runs every
  # test of the box instead, which here are exactly $pkg's.
  mode=()
  if [ "$dir" != . ] && [ "$(cd "$box" && go list -f '{{.Name}}' "./$dir")" != "$(basename "$dir")" ]; then
    mode=(--integration)
  fi

  echo "== $pkg: $files; tests of: $dir (log: $out/$name.log)"
  start=$(date +%s)
  # gremlins sets a mutant's timeout from its coverage run, build included:
  # build it once first, so that the timeout reflects the tests' time.
  (cd "$box" && go test -count=1 -run '^$' -cover "./$dir/..." >/dev/null 2>&1) || true
  (cd "$box" && GOFLAGS="-count=1 $skip ${GOFLAGS:-}" "$work/gremlins" unleash --workers "$workers" \
      --timeout-coefficient "$coefficient" "${mode[@]}" -o "$out/$name.json" "${excludes[@]}" "./$dir") \
    >"$out/$name.log" 2>&1 || { tail -n 30 "$out/$name.log"; echo "gremlins failed on $pkg" >&2; exit 2; }
  echo "   $(( $(date +%s) - start ))s: $(grep -E '^(Killed|Timed out)' "$out/$name.log" | tr '\n' ' ')"
  report="$out/$name.json"
  rm -rf "$box"

  if [ ${#users[@]} -gt 0 ]; then
    echo "== $pkg: the tests of ${users[*]} on what lived or was not covered (log: $out/$name.users.log)"
    start=$(date +%s)
    make_box "$box" "${users[@]}"
    GOFLAGS="-count=1 $skip ${GOFLAGS:-}" "$work/rejudge" -box "$box" -pkg "$dir" -report "$report" \
        -o "$out/$name.users.json" -coefficient "$coefficient" "${users[@]}" 2>&1 | tee "$out/$name.users.log" ||
      { echo "rejudge failed on $pkg" >&2; exit 2; }
    echo "   $(( $(date +%s) - start ))s"
    report="$out/$name.users.json"
    rm -rf "$box"
  fi
  reports+=("$pkg=$report")
done

if [ ${#reports[@]} -eq 0 ]; then
  echo "mutation testing: nothing to do"
  exit 0
fi
echo
min_args=()
[ -n "${MUTATION_MIN:-}" ] && min_args=(-min "$MUTATION_MIN")
"$work/efficacy" "${min_args[@]}" "${reports[@]}"
