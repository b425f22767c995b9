# functions: used in pipelines, in command substitution, in background, with redirections
produce() { typeset i=1; while [ $i -le $1 ]; do echo "item$i"; i=$((i + 1)); done; }
consume() { typeset c=0; while read -r l; do c=$((c + 1)); done; echo "consumed $c"; return 3; }
double() { while read -r l; do echo "$l$l"; done; }
produce 5 | double | consume
echo "pipeline status: $?"
produce 3 | double
state=unchanged
setstate() { state=$1; echo "setstate ran"; }
setstate changed | consume
echo "state after function in pipeline: $state"
setstate direct >/dev/null
echo "state after direct call: $state"
r=$(produce 4 | double | { read -r a; read -r b; echo "$a+$b"; })
echo "subst: $r"
cd "$TMPDIR_TEST" || exit 1
produce 3 > out.txt
produce 2 >> out.txt
echo "file: $(<out.txt)" | { while read -r l; do echo "| $l"; done; }
logto() { echo "log: $*" >&2; }
logto "to stderr" 2>&1 | double
redir() { echo "inside redirected function"; } > redir.txt
redir; redir
echo "redir.txt: $(<redir.txt)"
produce 3 | consume &
wait $!
echo "background pipeline status: $?"
selfpipe() { [ $1 -eq 0 ] && { echo base; return; }; selfpipe $(($1 - 1)) | { read -r x; echo "$1:$x"; }; }
selfpipe 5
