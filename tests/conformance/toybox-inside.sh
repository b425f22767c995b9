# toybox-inside.sh NAME: runs toybox's tests/NAME.test as scripts/test.sh
# does with TEST_HOST=1 (its build steps left out), but in the shell that
# runs this script instead of host bash. run.sh uses it for the tests of
# process tools (ps, pgrep, pkill, killall, ...): under forkless those see
# tasks only, so the harness, the processes a test starts and the tools
# that look for them must all be tasks of one forkless; natively it runs
# in a PID namespace of its own, so that `killall yes` cannot reach a
# process outside the test.
#
# Run from the top of the copy of toybox's sources, with OPTIONFLAGS in
# the environment (test.sh's, made from generated/config.h by run.sh).

. scripts/runtest.sh

TOPDIR=$PWD
export FILES="$PWD/tests/files"
PREFIX=generated/testdir
rm -rf "$PREFIX" && mkdir -p "$PREFIX/testdir" || exit 1
cd "$PREFIX" || exit 1
PATH="$PWD:$PATH"
TESTDIR=$PWD
export LC_COLLATE=C

cd testdir || exit 1
CMDNAME=$1
C=$(which "$CMDNAME" 2>/dev/null)
[ -z "$C" ] && { printf '%s\n' "$SHOWSKIP: no $CMDNAME"; exit 0; }
. "$TOPDIR/tests/$CMDNAME.test"
[ "$FAILCOUNT" -eq 0 ]
