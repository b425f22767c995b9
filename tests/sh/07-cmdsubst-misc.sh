# command substitution: $(<file), exit status of assignments, stderr, functions and loops inside
cd "$TMPDIR_TEST" || exit 1
print "line one\nline two\n\n" > f1
v=$(<f1)
echo "[$v]"
w=$(< f1)
[ "$v" = "$w" ] && echo "space form identical"
x=$(<nonexistent_file_xyz)
echo "status of \$(<missing): $? value=[$x]"
y=$(exit 4)
echo "assignment status: $?"
y=$(false) z=$(true)
echo "double assignment status: $?"
r=$(echo visible; echo hidden >&2) 2>/dev/null
echo "r=[$r]"
r=$( { echo out; echo err >&2; } 2>&1 )
echo "merged=[$r]"
fn() { echo "fn-arg:$1"; return 3; }
r=$(fn A)
echo "fn subst: $r status=$?"
r=$(for i in 1 2 3; do echo -n "$i,"; done)
echo "loop subst: $r"
r=$(while read -r l; do echo "<$l>"; done < f1)
echo "while-read subst: $r"
r=$(print -r -- "$(<f1)" | { read a b; echo "$b"; })
echo "pipeline in subst: $r"
# substitution result used as a command
cmd=$(echo echo)
$cmd "ran via substituted command name"
# word splitting and globbing of unquoted result
set -- $(echo "a b  c")
echo "count=$#"
echo "count quoted: $(set -- "$(echo "a b  c")"; echo $#)"
