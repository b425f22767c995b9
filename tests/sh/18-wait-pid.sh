# wait and $!: waiting for specific pids, exit statuses returned by wait, order independence
( exit 3 ) & p1=$!
( exit 5 ) & p2=$!
( exit 0 ) & p3=$!
wait $p2; echo "wait p2 -> $?"
wait $p1; echo "wait p1 -> $?"
wait $p3; echo "wait p3 -> $?"
[ "$p1" != "$p2" ] && [ "$p2" != "$p3" ] && echo "pids are distinct"
case $p1 in *[!0-9]*|'') echo "bad pid";; *) echo "\$! is numeric";; esac
# $! refers to the most recent background job only
( exit 7 ) & ( exit 8 ) &
wait $!; echo "wait \$! (last of two) -> $?"
wait; echo "wait remaining -> $?"
# waiting for a pipeline in the background returns the last element's status
( exit 1 ) | ( exit 6 ) & p=$!
wait $p; echo "bg pipeline -> $?"
# a background function
bgf() { typeset i=0; while [ $i -lt 100 ]; do i=$((i + 1)); done; return $((i / 10)); }
bgf & p=$!
wait $p; echo "bg function -> $?"
# a background job that produces output to a file
cd "$TMPDIR_TEST" || exit 1
{ i=0; while [ $i -lt 5 ]; do echo "row $i"; i=$((i + 1)); done; } > bg.txt & p=$!
wait $p; echo "bg group -> $?"
while read -r l; do echo "file: $l"; done < bg.txt
# wait for several pids at once: status is that of the last one
( exit 2 ) & a=$!
( exit 4 ) & b=$!
wait $a $b; echo "wait a b -> $?"
# exit status above 128 from a normal exit
( exit 200 ) & p=$!
wait $p; echo "exit 200 -> $?"
