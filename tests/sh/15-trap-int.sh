# traps: INT sent with kill -INT $$ runs the trap and the shell continues; ignoring and resetting INT
count=0
trap 'count=$((count + 1)); echo "got INT #$count"' INT
echo "before kill"
kill -INT $$
echo "after first kill, count=$count"
kill -INT $$
kill -s INT $$
echo "after three kills, count=$count"
f() { kill -INT $$; echo "in f after kill, count=$count"; }
f
trap '' INT
kill -INT $$
echo "ignored INT, still alive, count=$count"
trap 'echo "trap sees status $?"' INT
false
kill -INT $$
echo "status after kill and trap: $?"
trap 'echo "INT trap in loop"; stop=1' INT
stop=0; n=0
while [ $stop = 0 ]; do n=$((n + 1)); [ $n = 3 ] && kill -INT $$; done
echo "loop stopped at n=$n"
trap - INT
echo "trap reset to default, listing:"; trap; echo "end of listing"
