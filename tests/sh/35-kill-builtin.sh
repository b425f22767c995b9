# kill builtin: kill -TERM to a background subshell (wait gives 143), kill -0, kill -l, errors
cd "$TMPDIR_TEST" || exit 1
( : > ready1; while :; do :; done ) & pid=$!
while [ ! -e ready1 ]; do :; done
kill -0 $pid && echo "kill -0 on running job: success"
kill -TERM $pid
echo "kill status: $?"
wait $pid
echo "wait after kill -TERM: $?"
kill -0 $pid 2>/dev/null || echo "kill -0 on reaped job fails"
# a background reader blocked on a pipe whose writer stays alive until we say so
{ while [ ! -e done2 ]; do :; done; } | { : > ready2; read x; echo "never"; } & pid=$!
while [ ! -e ready2 ]; do :; done
kill -TERM $pid; : > done2
wait $pid; echo "blocked reader killed, pipeline status: $?"
# kill -l lists names; translate numbers to names and back
echo "kill -l 15: $(kill -l 15)"
echo "kill -l 9: $(kill -l 9)"
echo "kill -l 143: $(kill -l 143)"
set -A sigs $(kill -l)
n=0; for s in "${sigs[@]}"; do case $s in TERM|HUP|KILL|INT|USR1) n=$((n + 1));; esac; done
echo "kill -l mentions TERM HUP KILL INT USR1: $n of 5"
# signal 0 to ourselves
kill -0 $$ && echo "kill -0 \$\$ works"
# bad usage
kill -NOSUCHSIG $$ 2>/dev/null; echo "bad signal name -> $?"
kill 2>/dev/null; echo "kill without args -> $?"
kill -s TERM 2>/dev/null; echo "kill -s TERM without pid -> $?"
# trap on a signal sent from a background job to the parent
trap 'echo "parent got USR1 from child"' USR1
( kill -USR1 $$ ) & wait
# $$ inside a subshell is still the parent's pid
( [ $$ -eq $$ ] && kill -0 $$ && echo "\$\$ in subshell refers to a live process" )
