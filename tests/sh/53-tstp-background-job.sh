# SIGTSTP stops a background job (the shell's group is not orphaned);
# jobs reports it Stopped, and SIGCONT lets it finish
sleep 1 & pid=$!
kill -TSTP $pid
n=0
while [ $n -lt 200 ]; do
  case $(jobs) in *Stopped*) break;; esac
  sleep 0.01; n=$((n + 1))
done
jobs
kill -CONT $pid 2>/dev/null
wait $pid
echo "finished: $?"
