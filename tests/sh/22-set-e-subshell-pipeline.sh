# set -e: inside subshells, pipelines (only last element counts), pipefail, exit trap under set -e
trap 'echo "EXIT trap, status $?"' EXIT
set -e
( set -e; echo "sub: start"; false; echo "sub: continues (|| context disables -e)" ) || echo "subshell failed with $?"
( echo "plain sub inherits -e"; false; echo "also continues in || context" ) || echo "never"
set +e
( set -e; echo "sub: -e set inside"; ( exit 3 ); echo "not reached" ); echo "subshell exited with $?"
set -e
( set +e; false; echo "sub with set +e continues" )
false | true
echo "false | true does not exit"
x=$(true | false | true); echo "subst pipeline ok"
set -o pipefail
false | true || echo "with pipefail, false | true fails: $?"
set +o pipefail
( exit 2 ) | ( exit 0 )
echo "still running"
{ false; echo "brace group continues (|| context)"; } || echo "never"
for i in 1 2 3; do
	[ $i = 2 ] && continue
	echo "loop $i"
done
echo "a failing last pipeline element exits the shell"
true | ( exit 7 )
echo "not reached"
