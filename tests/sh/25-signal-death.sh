# exit statuses of processes killed by signals: 128+signal from wait; child signals readiness via a file
n=0
# start a busy background subshell and wait until it is running (a signal sent before it is set up may be lost)
spin() { n=$((n + 1)); r=$TMPDIR_TEST/ready$n; ( : > "$r"; while :; do :; done ) & p=$!; while [ ! -e "$r" ]; do :; done; }
spin; kill -TERM $p; wait $p; echo "TERM -> $?"
spin; kill -KILL $p; wait $p; echo "KILL -> $?"
spin; kill -HUP $p; wait $p; echo "HUP -> $?"
spin; kill -USR1 $p; wait $p; echo "USR1 -> $?"
spin; kill -s USR2 $p; wait $p; echo "USR2 -> $?"
spin; kill -PIPE $p; wait $p; echo "PIPE -> $?"
spin; kill -9 $p; wait $p; echo "kill -9 -> $?"
# a foreground subshell kills a background sibling
spin; victim=$p
( kill -TERM $victim; echo "killer done" ); wait $victim; echo "victim -> $?"
# a child that ignores TERM survives it
r=$TMPDIR_TEST/ign
( trap '' TERM; : > "$r"; while :; do :; done ) & ign=$!
while [ ! -e "$r" ]; do :; done
kill -TERM $ign
kill -0 $ign && echo "TERM ignored, still alive"
kill -KILL $ign; wait $ign; echo "ignored-TERM job killed with KILL -> $?"
# trapped signal in the child: the trap runs and the child exits normally
r=$TMPDIR_TEST/trapped
( trap 'exit 33' TERM; : > "$r"; while :; do :; done ) & p=$!
while [ ! -e "$r" ]; do :; done
kill -TERM $p; wait $p; echo "trapped TERM in child -> $?"
