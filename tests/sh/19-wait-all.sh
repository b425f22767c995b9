# wait: no-argument wait, waiting on already-finished jobs, waiting twice, jobs that finish in any order
cd "$TMPDIR_TEST" || exit 1
busy() { typeset i=0; while [ $i -lt $1 ]; do i=$((i + 1)); done; echo "$2 done" > "$2.out"; }
busy 3000 slow & busy 10 fast & busy 1000 mid &
wait
echo "wait with no args -> $?"
for n in fast mid slow; do echo "$(<$n.out)"; done
# a job that surely finished before we wait for it
( exit 9 ) & p=$!
busy 5000 delay
wait $p; echo "already finished job -> $?"
# wait with no jobs at all
wait; echo "wait with nothing to wait for -> $?"
# no-arg wait returns 0 even if jobs failed
( exit 3 ) & ( exit 4 ) &
wait; echo "no-arg wait after failing jobs -> $?"
# status of finished job is still available after other commands ran
( exit 12 ) & p=$!
echo "some command"; busy 100 other; x=$(echo subst)
wait $p; echo "late wait -> $?"
# many background jobs
i=0; while [ $i -lt 20 ]; do ( exit $i ) & eval "pid$i=\$!"; i=$((i + 1)); done
sum=0; i=0
while [ $i -lt 20 ]; do eval "wait \$pid$i"; sum=$((sum + $?)); i=$((i + 1)); done
echo "sum of 20 job statuses: $sum"
# background job in a subshell waited by the subshell
( ( exit 21 ) & wait $!; echo "inner wait -> $?"; exit 22 ) & p=$!
wait $p; echo "outer wait -> $?"
