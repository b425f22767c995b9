#!/usr/bin/env bash
# Conformance runner: the upstream test suites of mksh (check.t) and toybox
# (tests/*.test), each run twice in one go -- once against the native
# builds of the same sources, once under forkless -- and compared.
#
# Why: forkless runs these C programs as guest tasks inside one host process,
# emulating the Unix process model.  The native builds are the reference:
# any test that passes natively but fails under forkless points at a gap in
# the emulation (a syscall, libc behaviour, signals, /proc, exec, ...) rather
# than at the program itself.  The tests that fail natively too are only
# counted, never reported as differences.
#
# Inputs (environment; all but WORK are required, a bad one is a one-line
# error and exit 2):
#   FORKLESS       the forkless binary (multicall: a symlink named NAME runs
#                  the registered program NAME)
#   NATIVE_MKSH    native mksh built from MKSH_SRC
#   NATIVE_TOYBOX  native toybox multicall built from TOYBOX_SRC
#   MKSH_SRC       mksh source tree (check.pl, check.t)
#   TOYBOX_SRC     toybox source tree (configure, scripts/, tests/,
#                  generated/config.h)
#   NATIVE_MAWK    native mawk built from MAWK_SRC
#   MAWK_SRC       mawk source tree (test/mawktest, test/fpe_test)
#   WORK           scratch directory (default: mktemp -d); created if absent;
#                  its bin/ logs/ results/ tmp/ mksh/ toybox/ are recreated
# Optional knobs:
#   MKSH_TEST_TIMEOUT     check.pl per-test limit in s, SIGKILL (default 20)
#   MKSH_RUN_TIMEOUT      limit for one whole check.pl run in s (default 420)
#   TOYBOX_FILE_TIMEOUT   limit for one tests/NAME.test file in s (default 90)
#   TOYBOX_RUN_BUDGET     no new test file is started after this many s of a
#                         toybox run (default 360); the rest count as missing
#   MAWK_RUN_TIMEOUT      limit for one run of mawk's test/mawktest in s
#                         (default 300)
#   MKSH_TESTS            space-separated check.t test names (default: all);
#                         its need-ctty tests run on a pty (row mksh-ctty)
#   TOYBOX_TESTS          space-separated test names (default: see below)
#   TEST_ALL=1            also run non-executable tests/*.test (as test.sh)
#   RECHECK               re-run the differences this many more times both
#                         natively and under forkless to flag flaky ones
#                         (default 2; 0 disables)
#
# How each suite is run.  Both runs of a suite get the same PATH shape,
# <dir of symlinks NAME -> toybox or forkless, one per applet of
# $NATIVE_TOYBOX>:<host PATH>, and the guests inherit it, as native children
# do.  That is enough under forkless because a guest's exec of a symlink to
# forkless runs the registered program of that name, and /bin/X, /usr/bin/X
# resolve to registered programs before host files, so the differences
# measure the runtime, not the harness.  Host programs a test names (perl,
# gzip, xz) exist natively but cannot be exec'd inside forkless; those
# failures are reported like any other.
#   mksh:   perl check.pl -s check.t -p PROG -v -t $MKSH_TEST_TIMEOUT -C <the
#           categories mksh's own build passes> (+ regress:no-ctty when there
#           is no controlling terminal, so need-ctty tests are skipped).
#           check.pl hands the tests a fresh environment whose PATH is the
#           one it was started with.  PROG is $NATIVE_MKSH, or a symlink
#           named mksh -> forkless (check.t re-runs it as "$__progname").
#   toybox: scripts/test.sh with TEST_HOST=1 VERBOSE=all, once per test
#           file (so a hang costs one file, under timeout), in a copy of the
#           needed parts of TOYBOX_SRC (test.sh writes generated/testdir).
#           The harness itself is host bash; with the applet symlinks first
#           in PATH, "$C", every applet a test command line names, and the
#           harness's own diff all come from the build under test.  Tests
#           run: executable tests/*.test whose name is an applet of
#           NATIVE_TOYBOX (test.sh would otherwise test whatever host tool
#           `which` finds).  The process tools' tests (PROC_TOOLS) run
#           through toybox-inside.sh instead, harness included, under
#           `forkless sh` or natively under NATIVE_MKSH in a PID namespace
#           of its own (skipped both ways where unshare cannot make one).
#   mawk:   test/mawktest and test/fpe_test (what Debian's build runs), host
#           sh, in a copy of MAWK_SRC's test/ (and scan.c, which one check
#           reads), with MAWK=$NATIVE_MAWK or a symlink mawk -> forkless.
#           mawktest prints only its failures, so each check it makes is
#           read from the script itself ("mawk:SECTION/LABEL", SECTION from
#           its Begin, LABEL from its Fail) and passes unless its failure is
#           printed, or its section never ran. fpe_test is one check.
#
# Output: a table per suite (total | passed natively | passed under
# forkless), the time of each of the four runs, and every test that passes
# natively but not under forkless ("mksh:NAME" / "toybox:NAME"; a test with
# no result under forkless, e.g. its file timed out, counts as not passed).
# Under $WORK: differences.txt (that list), flaky-native.txt and
# flaky-forkless.txt (see RECHECK), forkless-only-passes.txt, summary.txt,
# times.txt, logs/*.log (raw output of each run, incl. the diffs/"why" of
# each failure), results/*.tsv (KEY<TAB>pass|fail|skip[<TAB>toybox file]).
# Exit 0 when the runs completed, whatever the differences; 1 if the runner
# itself broke (e.g. a native run produced no results); 2 on bad input.
#
# Usage:
#   FORKLESS=/tmp/conf/forkless NATIVE_MKSH=/tmp/conf/mksh \
#   NATIVE_TOYBOX=/tmp/conf/toybox MKSH_SRC=/tmp/conf/mksh-R59c \
#   TOYBOX_SRC=/tmp/conf/toybox-0.8.9 WORK=/tmp/conf-work \
#   bash tests/conformance/run.sh

set -u
export LC_ALL=C

die2() { printf 'run.sh: %s\n' "$*" >&2; exit 2; }
die1() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }
note() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------- inputs
abspath() { (cd "$(dirname -- "$1")" && printf '%s/%s\n' "$PWD" "$(basename -- "$1")"); }

need_exe() { # VAR
  local v=$1 val=${!1:-}
  [ -n "$val" ] || die2 "$v is not set (path to an executable)"
  { [ -f "$val" ] && [ -x "$val" ]; } || die2 "$v=$val is not an executable file"
  printf -v "$v" '%s' "$(abspath "$val")"
}
need_dir() { # VAR FILE...
  local v=$1 val=${!1:-} f
  shift
  [ -n "$val" ] || die2 "$v is not set (path to a source tree)"
  [ -d "$val" ] || die2 "$v=$val is not a directory"
  for f in "$@"; do
    [ -e "$val/$f" ] || die2 "$v=$val has no $f"
  done
  printf -v "$v" '%s' "$(cd "$val" && pwd -P)"
}

need_exe FORKLESS
need_exe NATIVE_MKSH
need_exe NATIVE_TOYBOX
need_dir MKSH_SRC check.pl check.t
need_dir TOYBOX_SRC configure scripts/test.sh scripts/runtest.sh \
  scripts/portability.sh tests
need_exe NATIVE_MAWK
need_dir MAWK_SRC test/mawktest test/fpe_test scan.c examples/decl.awk

isnum() { case $1 in ''|*[!0-9]*) return 1 ;; esac; [ "$1" -gt 0 ]; }
for v in MKSH_TEST_TIMEOUT:20 MKSH_RUN_TIMEOUT:420 TOYBOX_FILE_TIMEOUT:90 TOYBOX_RUN_BUDGET:360 MAWK_RUN_TIMEOUT:300; do
  n=${v%%:*}
  printf -v "$n" '%s' "${!n:-${v#*:}}"
  isnum "${!n}" || die2 "$n=${!n} is not a positive number of seconds"
done
RECHECK=${RECHECK:-2}
case $RECHECK in ''|*[!0-9]*) die2 "RECHECK=$RECHECK is not a number" ;; esac

HOST_PATH=$PATH
RUNNER_DIR=$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
for t in perl timeout bash; do
  command -v "$t" >/dev/null 2>&1 || die2 "host tool $t not found in PATH"
done
PERL=$(command -v perl) HOST_TIMEOUT=$(command -v timeout) HOST_BASH=$(command -v bash)

APPLETS=$("$NATIVE_TOYBOX" </dev/null 2>/dev/null | tr ' ' '\n' | sed '/^$/d')
[ -n "$APPLETS" ] || die2 "NATIVE_TOYBOX=$NATIVE_TOYBOX lists no applets"

if [ -n "${WORK:-}" ]; then
  mkdir -p -- "$WORK" 2>/dev/null || die2 "WORK=$WORK cannot be created"
  [ -w "$WORK" ] || die2 "WORK=$WORK is not writable"
  WORK=$(cd "$WORK" && pwd -P)
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/forkless-conformance.XXXXXX") || die2 "mktemp -d failed"
fi

# ---------------------------------------------------------------- layout
rm -rf -- "${WORK:?}/bin" "$WORK/logs" "$WORK/results" "$WORK/tmp" "$WORK/mksh" "$WORK/toybox" "$WORK/mawk"
mkdir -p "$WORK/bin/native" "$WORK/bin/forkless" "$WORK/bin/forkless-mksh" "$WORK/bin/forkless-mawk" "$WORK/mawk" \
  "$WORK/logs" "$WORK/results" "$WORK/tmp" "$WORK/mksh" "$WORK/toybox/generated" ||
  die1 "cannot populate $WORK"

# Applet symlink dirs: NAME -> toybox, NAME -> forkless; check.pl's -p under
# forkless: mksh -> forkless, in a dir of its own (not in PATH, like natively).
while read -r a; do
  ln -s "$NATIVE_TOYBOX" "$WORK/bin/native/$a" || die1 "ln $a"
  ln -s "$FORKLESS" "$WORK/bin/forkless/$a" || die1 "ln $a"
done <<<"$APPLETS"
ln -s "$FORKLESS" "$WORK/bin/forkless-mksh/mksh" || die1 "ln mksh"
ln -s "$FORKLESS" "$WORK/bin/forkless-mawk/mawk" || die1 "ln mawk"

# Private copies of what the suites read or write.
cp -p "$MKSH_SRC/check.pl" "$MKSH_SRC/check.t" "$WORK/mksh/" || die1 "copy check.pl/check.t"
cp -pR "$TOYBOX_SRC/configure" "$TOYBOX_SRC/scripts" "$TOYBOX_SRC/tests" "$WORK/toybox/" ||
  die1 "copy toybox tests"
mkdir -p "$WORK/mawk/examples" &&
  cp -pR "$MAWK_SRC/test" "$MAWK_SRC/scan.c" "$WORK/mawk/" &&
  cp -p "$MAWK_SRC/examples/decl.awk" "$WORK/mawk/examples/" || die1 "copy mawk tests"
# Run as root, rmdir.test's '-p abspath' makes and removes /test: outside
# the run's directory, which no test may touch (docs/testing.md). It is
# skipped in both runs, as test.sh skips it for other users.
sed -i "s|^skipnot \[ \$UID -eq 0 \]\$|skipnot false  # forkless: writes /test|" "$WORK/toybox/tests/rmdir.test" &&
  grep -q '^skipnot false  # forkless' "$WORK/toybox/tests/rmdir.test" || die1 "edit rmdir.test"
if [ -f "$TOYBOX_SRC/generated/config.h" ]; then
  cp -p "$TOYBOX_SRC/generated/config.h" "$WORK/toybox/generated/" || die1 "copy config.h"
else
  note "note: $TOYBOX_SRC/generated/config.h missing: 'optional' tests run regardless of config"
fi

# ---------------------------------------------------------------- timing
declare -A ELAPSED RC
now() { printf '%s\n' "${EPOCHREALTIME/,/.}"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# ---------------------------------------------------------------- mksh
MKSH_CATS=shell:legacy-no,int:32,shell:textmode-no,shell:binmode-yes,no-histfile,stdout-ed,no-stderr-ed
# The need-ctty tests run on a pseudo-terminal of their own (script(1)),
# both ways; the main run goes without a terminal.
mapfile -t CTTY_TESTS < <(awk '/^name:/ { n = $2 } /^need-ctty: yes/ { print n }' "$WORK/mksh/check.t")

run_mksh() { # PROG PATH TAG [TEST NAME...]; MKSH_PTY=1: on a pty, need-ctty allowed
  local prog=$1 path=$2 tag=$3 log="$WORK/logs/mksh-$3.log" t0 rc cats=$MKSH_CATS
  shift 3
  [ -n "${MKSH_PTY:-}" ] || cats=$cats,regress:no-ctty
  note "== mksh $tag: check.pl -p $prog (PATH=$path)${1:+ ($# tests)}${MKSH_PTY:+ on a pty}"
  t0=$(now)
  local cmd=("$PERL" ./check.pl -s check.t -p "$prog" -v -T "$WORK/tmp" -e TMPDIR="$WORK/tmp" \
    -t "$MKSH_TEST_TIMEOUT" -C "$cats" "$@")
  if [ -n "${MKSH_PTY:-}" ]; then
    cmd=(script -qec "$(printf '%q ' "${cmd[@]}")" /dev/null)
  fi
  (cd "$WORK/mksh" && PATH=$path "$HOST_TIMEOUT" -k 10 "$MKSH_RUN_TIMEOUT" "${cmd[@]}") </dev/null >"$log" 2>&1
  rc=$?
  ELAPSED[mksh-$tag]=$(secs "$t0" "$(now)") RC[mksh-$tag]=$rc
  [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && echo "run.sh: check.pl run timed out after ${MKSH_RUN_TIMEOUT}s" >>"$log"
  # pass NAME / PASS NAME (unexpectedly) / FAIL NAME [(ignored)] / fail NAME (as expected)
  sed -n 's/^\(pass\|PASS\|FAIL\|fail\) check\.t:\([^ ]*\).*$/\1\t\2/p' "$log" |
    awk -F'\t' '{ s = ($1 == "pass" || $1 == "PASS") ? "pass" : "fail"; print "mksh:" $2 "\t" s }' \
      >"$WORK/results/mksh-$tag.tsv"
}

# ---------------------------------------------------------------- toybox
# The tests of process tools run inside the system under test, harness
# included (tests/conformance/toybox-inside.sh, under the shell being
# tested): under forkless, the processes a test starts and the tools that
# look for them must all be tasks of one forkless; natively they run in a
# PID namespace of their own (unshare), where `killall yes` or `pkill -s
# ''` cannot reach a process outside the test. Without a PID namespace
# they are not run at all.
PROC_TOOLS="kill killall pgrep pidof pkill ps top uptime" PROC_TESTS=$PROC_TOOLS
CONFINE=()
for c in "unshare --pid --fork --kill-child --mount-proc" \
  "unshare --user --map-root-user --pid --fork --kill-child --mount-proc"; do
  read -ra c <<<"$c"
  if "${c[@]}" true </dev/null >/dev/null 2>&1; then CONFINE=("${c[@]}"); break; fi
done
if [ ${#CONFINE[@]} -eq 0 ]; then
  note "toybox: no PID namespace (unshare), so not running the tests of: $PROC_TESTS"
  PROC_TESTS=""
fi
OPTIONFLAGS=""
[ -f "$WORK/toybox/generated/config.h" ] &&
  OPTIONFLAGS=:$(sed -nr 's/^#define CFG_(.*) 1$/\1/p' "$WORK/toybox/generated/config.h" | tr '\n' :)

TOYBOX_LIST=()
if [ -n "${TOYBOX_TESTS:-}" ]; then
  for n in $TOYBOX_TESTS; do
    [ -f "$WORK/toybox/tests/$n.test" ] || die2 "TOYBOX_TESTS: no tests/$n.test"
    TOYBOX_LIST+=("$n")
  done
else
  for f in "$WORK"/toybox/tests/*.test; do
    n=${f##*/} n=${n%.test}
    [ -n "${TEST_ALL:-}" ] || [ -x "$f" ] || continue
    case " $PROC_TOOLS " in *" $n "*) case " $PROC_TESTS " in *" $n "*) ;; *) continue ;; esac ;; esac
    grep -qxF -- "$n" <<<"$APPLETS" || { note "toybox: skipping tests/$n.test (no applet $n)"; continue; }
    TOYBOX_LIST+=("$n")
  done
  # Test files upstream does not mark ready (not executable), of pending
  # applets we enable because these tests pass natively (docs/toybox.md),
  # and of the process tools (below).
  if [ -z "${TEST_ALL:-}" ]; then
    for n in bc vi $PROC_TESTS; do
      [ -x "$WORK/toybox/tests/$n.test" ] && continue
      [ -f "$WORK/toybox/tests/$n.test" ] && grep -qxF -- "$n" <<<"$APPLETS" && TOYBOX_LIST+=("$n")
    done
  fi
fi

run_toybox() { # BINDIR TAG TEST-FILE...
  local bindir=$1 tag=$2 log="$WORK/logs/toybox-$2.log" t0 t1 left lim rc n runner
  shift 2
  : >"$log"
  : >"$WORK/results/toybox-$tag.timeouts"
  note "== toybox $tag: scripts/test.sh per file ($# files), PATH=$bindir:<host PATH>"
  t0=$(now)
  for n in "$@"; do
    left=$(awk -v a="$t0" -v b="$(now)" -v B="$TOYBOX_RUN_BUDGET" 'BEGIN { printf "%d", B - (b - a) }')
    if [ "$left" -le 0 ]; then
      printf '### %s: not run, run budget of %ss exhausted\n' "$n" "$TOYBOX_RUN_BUDGET" >>"$log"
      echo "$n budget" >>"$WORK/results/toybox-$tag.timeouts"
      continue
    fi
    lim=$TOYBOX_FILE_TIMEOUT
    [ "$left" -lt "$lim" ] && lim=$left
    printf '### %s\n' "$n" >>"$log"
    t1=$(now)
    case " $PROC_TESTS " in
      *" $n "*)
        if [ "$bindir" = "$WORK/bin/native" ]; then
          runner=("${CONFINE[@]}" "$NATIVE_MKSH")
        else
          runner=("$FORKLESS" sh)
        fi
        runner+=("$RUNNER_DIR/toybox-inside.sh" "$n") ;;
      *) runner=("$HOST_BASH" scripts/test.sh "$n") ;;
    esac
    (cd "$WORK/toybox" && PATH=$bindir:$HOST_PATH TEST_HOST=1 VERBOSE=all OPTIONFLAGS=$OPTIONFLAGS \
      "$HOST_TIMEOUT" -k 5 "$lim" "${runner[@]}") </dev/null >>"$log" 2>&1
    rc=$?
    printf '### %s: exit %s, %ss\n' "$n" "$rc" "$(secs "$t1" "$(now)")" >>"$log"
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
      printf '### %s: TIMED OUT after %ss\n' "$n" "$lim" >>"$log"
      echo "$n timeout" >>"$WORK/results/toybox-$tag.timeouts"
    fi
  done
  ELAPSED[toybox-$tag]=$(secs "$t0" "$(now)") RC[toybox-$tag]=-
  # KEY<TAB>STATUS<TAB>FILE.  Names repeat (within a file); the Nth
  # "sed foo" becomes "sed foo (#N)".  ps.test names a test after a pid
  # ("ps -o pid $ID"): keep that one stable.
  awk '/^### [^ :]+$/ { file = $2; next }
       /^(PASS|FAIL|SKIP): / { i = index($0, ": "); st = tolower(substr($0, 1, i - 1))
         k = substr($0, i + 2); sub(/^ps -o pid [0-9]+$/, "ps -o pid $ID", k)
         if (++c[k] > 1) k = k " (#" c[k] ")"
         print "toybox:" k "\t" st "\t" file }' "$log" >"$WORK/results/toybox-$tag.tsv"
}

# ---------------------------------------------------------------- mawk
run_mawk() { # PROG TAG
  local prog=$1 tag=$2 log="$WORK/logs/mawk-$2.log" t0 rc fpe
  note "== mawk $tag: test/mawktest, test/fpe_test (MAWK=$prog)"
  t0=$(now)
  (cd "$WORK/mawk/test" && MAWK=$prog TMPDIR=$WORK/tmp "$HOST_TIMEOUT" -k 5 "$MAWK_RUN_TIMEOUT" sh ./mawktest) \
    </dev/null >"$log" 2>&1
  rc=$?
  (cd "$WORK/mawk/test" && MAWK=$prog TMPDIR=$WORK/tmp "$HOST_TIMEOUT" -k 5 60 sh ./fpe_test) \
    </dev/null >"$WORK/logs/mawk-$tag-fpe.log" 2>&1
  fpe=$?
  ELAPSED[mawk-$tag]=$(secs "$t0" "$(now)") RC[mawk-$tag]=$rc
  # Every check of the script (a line calling Fail, not the function
  # itself), then whether the run printed its failure.
  awk -v out="$log" '
    function key(sec, label,   k) { k = "mawk:" sec "/" (label == "" ? "check" : label)
      if (++n[k] > 1) k = k " (#" n[k] ")"; return k }
    /^[ \t]*Begin "testing / { sec = $0; sub(/^[^"]*"testing /, "", sec); sub(/".*/, "", sec); next }
    /Fail/ && !/^Fail\(\)/ { label = ""; if (match($0, /Fail "[^"]*"/)) label = substr($0, RSTART + 6, RLENGTH - 7)
      keys[++m] = key(sec, label); secs[m] = sec; labels[m] = label }
    END {
      while ((getline line < out) > 0) {
        if (line ~ /^testing /) { cur = substr(line, 9); ran[cur] = 1 }
        else if (line ~ /^\?\? fail/) { l = line; sub(/^\?\? fail ?/, "", l); failed[cur "/" l]++ } }
      for (i = 1; i <= m; i++) {
        f = secs[i] "/" labels[i]
        st = (ran[secs[i]] && !(failed[f]-- > 0)) ? "pass" : "fail"
        print keys[i] "\t" st } }' "$WORK/mawk/test/mawktest" >"$WORK/results/mawk-$tag.tsv"
  printf 'mawk:fpe_test\t%s\n' "$([ "$fpe" -eq 0 ] && echo pass || echo fail)" >>"$WORK/results/mawk-$tag.tsv"
}

# ---------------------------------------------------------------- run
FL_MKSH_PROG=$WORK/bin/forkless-mksh/mksh FL_MKSH_PATH=$WORK/bin/forkless:$HOST_PATH
NAT_MKSH_PATH=$WORK/bin/native:$HOST_PATH
note "work dir: $WORK"
read -r -a MKSH_LIST <<<"${MKSH_TESTS:-}"
run_mksh "$NATIVE_MKSH" "$NAT_MKSH_PATH" native ${MKSH_LIST[@]+"${MKSH_LIST[@]}"}
run_mksh "$FL_MKSH_PROG" "$FL_MKSH_PATH" forkless ${MKSH_LIST[@]+"${MKSH_LIST[@]}"}
if [ -z "${MKSH_TESTS:-}" ]; then
  MKSH_PTY=1 run_mksh "$NATIVE_MKSH" "$NAT_MKSH_PATH" ctty-native "${CTTY_TESTS[@]}"
  MKSH_PTY=1 run_mksh "$FL_MKSH_PROG" "$FL_MKSH_PATH" ctty-forkless "${CTTY_TESTS[@]}"
else
  # The chosen need-ctty tests, on a pty as in the full run.
  CHOSEN_CTTY=()
  for n in "${MKSH_LIST[@]}"; do
    printf '%s\n' "${CTTY_TESTS[@]}" | grep -qxF -- "$n" && CHOSEN_CTTY+=("$n")
  done
  if [ ${#CHOSEN_CTTY[@]} -gt 0 ]; then
    MKSH_PTY=1 run_mksh "$NATIVE_MKSH" "$NAT_MKSH_PATH" ctty-native "${CHOSEN_CTTY[@]}"
    MKSH_PTY=1 run_mksh "$FL_MKSH_PROG" "$FL_MKSH_PATH" ctty-forkless "${CHOSEN_CTTY[@]}"
  else
    : >"$WORK/results/mksh-ctty-native.tsv"
    : >"$WORK/results/mksh-ctty-forkless.tsv"
  fi
fi
run_toybox "$WORK/bin/native" native "${TOYBOX_LIST[@]}"
run_toybox "$WORK/bin/forkless" forkless "${TOYBOX_LIST[@]}"
run_mawk "$NATIVE_MAWK" native
run_mawk "$WORK/bin/forkless-mawk/mawk" forkless

# ---------------------------------------------------------------- report
# count SUITE -> "total native_pass forkless_pass skipped"
count() {
  awk -F'\t' '
    { f = (FILENAME == ARGV[1]) ? 1 : 2
      if ($2 == "skip") { if (f == 1) skip++; next }
      seen[$1] = 1; if ($2 == "pass") p[f]++ }
    END { n = 0; for (k in seen) n++; printf "%d %d %d %d\n", n, p[1], p[2], skip }
  ' "$WORK/results/$1-native.tsv" "$WORK/results/$1-forkless.tsv"
}
# Tests passing natively that did not pass under forkless (missing = not passed).
diffs() {
  awk -F'\t' 'FNR == NR { if ($2 == "pass") fp[$1] = 1; next }
              $2 == "pass" && !($1 in fp) { print $1 }' \
    "$WORK/results/$1-forkless.tsv" "$WORK/results/$1-native.tsv"
}
fl_only() {
  awk -F'\t' 'FNR == NR { if ($2 == "pass") np[$1] = 1; next }
              $2 == "pass" && !($1 in np) { print $1 }' \
    "$WORK/results/$1-native.tsv" "$WORK/results/$1-forkless.tsv"
}

broken=
{
  printf '%-9s | %6s | %15s | %21s\n' suite total "passed natively" "passed under forkless"
  printf -- '----------+--------+-----------------+----------------------\n'
  for s in mksh mksh-ctty toybox mawk; do
    read -r tot np fp _ < <(count "$s")
    printf '%-9s | %6s | %15s | %21s\n' "$s" "$tot" "$np" "$fp"
    [ "$np" -gt 0 ] || [ "$s" = mksh-ctty ] || broken="$broken $s"
  done
  echo
  {
    printf '%-18s | %8s | %s\n' run seconds "exit status (check.pl / -)"
    printf -- '-------------------+----------+---------------------------\n'
    for r in mksh-native mksh-forkless mksh-ctty-native mksh-ctty-forkless toybox-native toybox-forkless mawk-native mawk-forkless; do
      # A run that did not happen (no need-ctty test in a slice) has none.
      printf '%-18s | %8s | %s\n' "$r" "${ELAPSED[$r]:-not run}" "${RC[$r]:--}"
    done
  } | tee "$WORK/times.txt"
  echo
  echo "mksh categories: $MKSH_CATS (mksh-ctty: ${#CTTY_TESTS[@]} need-ctty tests on a pty; mksh: the rest, with regress:no-ctty); per-test limit ${MKSH_TEST_TIMEOUT}s"
  echo "toybox: ${#TOYBOX_LIST[@]} test files, limit ${TOYBOX_FILE_TIMEOUT}s each;" \
    "skipped natively: $(awk -F'\t' '$2 == "skip"' "$WORK/results/toybox-native.tsv" | wc -l)," \
    "under forkless: $(awk -F'\t' '$2 == "skip"' "$WORK/results/toybox-forkless.tsv" | wc -l)"
  for m in native forkless; do
    [ -s "$WORK/results/toybox-$m.timeouts" ] &&
      echo "toybox $m files timed out / not run: $(tr '\n' ' ' <"$WORK/results/toybox-$m.timeouts")"
  done
  for m in native forkless; do
    [ "${RC[mksh-$m]}" -eq 124 ] || [ "${RC[mksh-$m]}" -eq 137 ] &&
      echo "mksh $m: check.pl run hit the ${MKSH_RUN_TIMEOUT}s limit (unreported tests count as not passed)"
  done
} >"$WORK/summary.txt"

{ diffs mksh; diffs mksh-ctty; diffs toybox; diffs mawk; } >"$WORK/differences.txt"
{ fl_only mksh; fl_only mksh-ctty; fl_only toybox; fl_only mawk; } >"$WORK/forkless-only-passes.txt"

# ---------------------------------------------------------------- recheck
# Re-run only what differs (mksh: those tests; toybox: their files), RECHECK
# times each way.  A difference that does not pass in every native re-run is
# flaky natively; one that passes in some forkless re-run is flaky under
# forkless.  The re-runs do not change the tables or differences.txt.
: >"$WORK/flaky-native.txt"
: >"$WORK/flaky-forkless.txt"
recheck_secs=0
if [ "$RECHECK" -gt 0 ] && [ -s "$WORK/differences.txt" ]; then
  t0=$(now)
  # need-ctty tests are re-run on a pty, the others without.
  mapfile -t mall < <(sed -n 's/^mksh://p' "$WORK/differences.txt")
  mnames=() cnames=()
  for n in ${mall[@]+"${mall[@]}"}; do
    if printf '%s\n' "${CTTY_TESTS[@]}" | grep -qxF -- "$n"; then cnames+=("$n"); else mnames+=("$n"); fi
  done
  mapfile -t tfiles < <(awk -F'\t' 'FNR == NR { d[$1] = 1; next } ($1 in d) { print $3 }' \
    "$WORK/differences.txt" "$WORK/results/toybox-native.tsv" | sort -u)
  nat=() fl=()
  for i in $(seq "$RECHECK"); do
    if [ "${#mnames[@]}" -gt 0 ]; then
      run_mksh "$NATIVE_MKSH" "$NAT_MKSH_PATH" "native-recheck$i" "${mnames[@]}"
      run_mksh "$FL_MKSH_PROG" "$FL_MKSH_PATH" "forkless-recheck$i" "${mnames[@]}"
      nat+=("$WORK/results/mksh-native-recheck$i.tsv") fl+=("$WORK/results/mksh-forkless-recheck$i.tsv")
    fi
    if [ "${#cnames[@]}" -gt 0 ]; then
      MKSH_PTY=1 run_mksh "$NATIVE_MKSH" "$NAT_MKSH_PATH" "ctty-native-recheck$i" "${cnames[@]}"
      MKSH_PTY=1 run_mksh "$FL_MKSH_PROG" "$FL_MKSH_PATH" "ctty-forkless-recheck$i" "${cnames[@]}"
      nat+=("$WORK/results/mksh-ctty-native-recheck$i.tsv") fl+=("$WORK/results/mksh-ctty-forkless-recheck$i.tsv")
    fi
    if [ "${#tfiles[@]}" -gt 0 ]; then
      run_toybox "$WORK/bin/native" "native-recheck$i" "${tfiles[@]}"
      run_toybox "$WORK/bin/forkless" "forkless-recheck$i" "${tfiles[@]}"
      nat+=("$WORK/results/toybox-native-recheck$i.tsv") fl+=("$WORK/results/toybox-forkless-recheck$i.tsv")
    fi
    if grep -q '^mawk:' "$WORK/differences.txt"; then
      run_mawk "$NATIVE_MAWK" "native-recheck$i"
      run_mawk "$WORK/bin/forkless-mawk/mawk" "forkless-recheck$i"
      nat+=("$WORK/results/mawk-native-recheck$i.tsv") fl+=("$WORK/results/mawk-forkless-recheck$i.tsv")
    fi
  done
  awk -F'\t' -v nr="$RECHECK" -v o1="$WORK/flaky-native.txt" -v o2="$WORK/flaky-forkless.txt" '
    FNR == NR { d[$1] = 1; ord[++n] = $1; next }
    ($1 in d) && $2 == "pass" { if (nat) np[$1]++; else fp[$1]++ }
    END { for (i = 1; i <= n; i++) { k = ord[i]
            if (np[k] < nr) print k > o1
            if (fp[k] > 0) print k > o2 } }
  ' "$WORK/differences.txt" nat=1 "${nat[@]}" nat=0 "${fl[@]}"
  recheck_secs=$(secs "$t0" "$(now)")
fi

cat "$WORK/summary.txt"
echo
echo "Pass natively, fail under forkless ($(wc -l <"$WORK/differences.txt")):"
cat "$WORK/differences.txt"
# How the forkless run reported them: fail / skip / no result at all.
[ -s "$WORK/differences.txt" ] && awk -F'\t' 'FNR == NR { d[$1] = 1; next } ($1 in d) { n[$2]++; delete d[$1] }
             END { for (k in d) n["no result"]++
                   for (s in n) printf "%s%d %s", (c++ ? ", " : "(under forkless: "), n[s], s
                   if (c) print ")" }' \
  "$WORK/differences.txt" "$WORK/results/mksh-forkless.tsv" "$WORK/results/mksh-ctty-forkless.tsv" \
  "$WORK/results/toybox-forkless.tsv" "$WORK/results/mawk-forkless.tsv"
if [ "$RECHECK" -gt 0 ]; then
  echo
  echo "Re-ran the differences $RECHECK more times each way (${recheck_secs}s):"
  echo "  flaky natively (failed in a native re-run): $(wc -l <"$WORK/flaky-native.txt")"
  sed 's/^/    /' "$WORK/flaky-native.txt"
  echo "  flaky under forkless (passed in a forkless re-run): $(wc -l <"$WORK/flaky-forkless.txt")"
  sed 's/^/    /' "$WORK/flaky-forkless.txt"
fi
if [ -s "$WORK/forkless-only-passes.txt" ]; then
  echo
  echo "Pass under forkless, fail natively ($(wc -l <"$WORK/forkless-only-passes.txt")): see $WORK/forkless-only-passes.txt"
fi
echo
echo "Logs: $WORK/logs, per-test results: $WORK/results, list: $WORK/differences.txt"

[ -z "$broken" ] || die1 "no test passed natively for:$broken (runner or native build broken)"
exit 0
