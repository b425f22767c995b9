# coprocesses (|&): two-way communication with a background subshell via print -p / read -p
cd "$TMPDIR_TEST" || exit 1
( while read -r line; do [ "$line" = quit ] && break; print -r -- "echo:$line"; done; print "bye" ) |&
cp=$!
print -p "hello"
read -p reply; echo "got: $reply"
print -p "second message"
read -p reply; echo "got: $reply"
print -p quit
read -p reply; echo "got: $reply"
wait $cp; echo "coprocess exit status $?"
# a calculator coprocess
( while read -r a b; do print $((a * b)); done ) |&
cp=$!
total=0
for n in 1 2 3 4 5; do print -p $n $n; read -p sq; total=$((total + sq)); done
echo "sum of squares via coprocess: $total"
exec 3>&p; exec 3>&-
wait $cp; echo "calculator exited: $?"
# coprocess output moved to a regular fd
( print one; print two ) |&
exec 4<&p
read -r l1 <&4; read -r l2 <&4
exec 4<&-
wait
echo "via fd 4: $l1 $l2"
