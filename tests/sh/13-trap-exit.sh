# traps: EXIT trap in the main shell runs once at exit, sees variables, and keeps the exit status
cleanup() { echo "cleanup: var=$var status=$1"; }
trap 'cleanup $?' EXIT
var=initial
echo "trap set"
echo "listing:"
trap
# traps are reset in the pipeline subshell, so this lists nothing
trap | while read -r l; do echo "listed in pipeline: $l"; done
var=final
# replacing the trap
trap 'echo "first replacement"' EXIT
trap 'cleanup $?; echo "exit trap output goes to stdout"; echo "and stderr" >&2' EXIT
f() { echo "function returns without triggering EXIT"; return 1; }
f
echo "still running after f: $?"
exit 5
