# exec redirections: redirect the whole shell's stdout/stderr to files and restore them via saved fds
cd "$TMPDIR_TEST" || exit 1
echo "before redirect"
exec 3>&1
exec >captured.txt
echo "this goes to captured.txt"
( echo "subshell output also captured" )
print "print builtin captured too"
exec 1>&3 3>&-
echo "restored stdout"
echo "captured.txt contains:"; while read -r l; do echo "  $l"; done < captured.txt
exec 4>&2 2>errs.txt
echo "error one" >&2
nonexistent_cmd_xyz
exec 2>&4 4>&-
echo "stderr restored" >&2
echo "errs.txt line count: $(n=0; while read -r l; do n=$((n + 1)); done < errs.txt; echo $n)"
echo "errs.txt first line: $(read -r l < errs.txt; echo "$l")"
# close stdout entirely and observe the failure, inside a subshell
( exec >&-; echo "to closed stdout"; echo "echo status $?" >&2 )
echo "stdout still open in the parent"
# stdout redirected inside a function body only
f() { exec >fn.txt; echo "function output"; }
( f; echo "rest of subshell also redirected" )
echo "fn.txt: $(echo $(<fn.txt))"
# redirect stdin of the whole shell
print "in1\nin2" > input.txt
exec 5<&0 <input.txt
read -r x; read -r y
exec 0<&5 5<&-
echo "read via redirected stdin: $x $y"
read -r z; echo "stdin restored (/dev/null) read -> $? [$z]"
