# traps: CHLD trap fires when background jobs finish; output made deterministic via wait
# a trapped CHLD may interrupt wait (status > 128), so wait again until nothing is left
waitall() { while :; do wait; [ $? -lt 128 ] && break; done; }
got=0
trap 'got=$((got + 1))' CHLD
( exit 0 ) &
waitall
[ $got -ge 1 ] && echo "got chld"
got=0
( : ) & ( : ) & ( exit 2 ) &
waitall
[ $got -ge 1 ] && echo "got chld for several jobs"
[ $got -le 3 ] && echo "at most one per job"
got=0
( exit 3 ) &
p=$!
waitall
[ $got -ge 1 ] && echo "got chld for specific pid"
trap - CHLD
got=0
( : ) &
wait
echo "after reset: got=$got, wait status $?"
( exit 4 ) &
wait $!
echo "without trap, wait \$! status $?"
trap 'echo "chld trap output"' CHLD
( : ) &
waitall
trap - CHLD
echo done
