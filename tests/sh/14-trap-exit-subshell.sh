# traps: EXIT traps in subshells, traps reset in subshells, trap listing inside ( )
trap 'echo "main EXIT trap"' EXIT
trap 'echo "main USR1 trap"' USR1
(
	echo "subshell trap listing:"
	trap | while read -r l; do echo "  $l"; done
	echo "end of listing"
)
( trap 'echo "subshell EXIT trap, status $?"' EXIT; echo "in subshell"; exit 4 )
echo "after subshell: $?"
( trap 'echo "subshell EXIT trap on normal end"' EXIT; echo "in subshell 2" )
echo "after subshell 2: $?"
( ( trap 'echo "inner EXIT trap"' EXIT; echo inner ); echo "outer subshell continues" )
v=$( trap 'echo "trap output captured"' EXIT; echo "subst body" )
echo "subst captured: [$v]"
( trap 'echo "sub trap, status $?"' EXIT; false )
echo "status: $?"
( trap 'echo "trap in bg subshell"' EXIT; echo "bg body" ) > "$TMPDIR_TEST/bg.out" &
wait $!
echo "bg status $?: $(<"$TMPDIR_TEST/bg.out")"
echo "main still has:"
trap
# a trap set in the subshell does not leak out
( trap 'echo leaked' INT )
echo "main after INT in subshell:"
trap
