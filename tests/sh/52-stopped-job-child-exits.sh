# A stopped background job while other children come and go: the shell's
# group stays attached to its session, so no child's exit hangs it up
sleep 1 & pid=$!
kill -STOP $pid
/bin/true
( : )
x=$(echo sub)
echo "alive after a command, a subshell and a command substitution ($x)"
kill -CONT $pid
wait $pid
echo "stopped job resumed and finished: $?"
