# error messages on stderr: not found (127), syntax error in eval, bad substitution, readonly, cd errors
nonexistent_cmd_xyz
echo "not found -> $?"
nonexistent_cmd_xyz arg1 arg2 2>&1 | { read -r l; case $l in *nonexistent_cmd_xyz*"not found"*) echo "message mentions the command and 'not found'";; *) echo "unexpected: $l";; esac; }
/nonexistent_dir_xyz/cmd
echo "absolute missing path -> $?"
( eval 'case x in' ); echo "eval syntax error -> $?"
( eval 'echo ${x' ); echo "eval missing brace -> $?"
( : ${x:?} ); echo "\${x:?} -> $?"
readonly ro=1
( ro=2 ); echo "assign readonly -> $?"
( unset ro ); echo "unset readonly -> $?"
echo "ro still $ro"
( cd /nonexistent_dir_xyz ); echo "cd missing -> $?"
( typeset -i n; n=abc+ ); echo "bad integer -> $?"
( set -o nosuchoption ); echo "bad set option -> $?"
( trap 'echo x' NOSUCHSIG ); echo "bad trap signal -> $?"
( return 1 ); echo "return outside function -> $?"
( break ); echo "break outside loop -> $?"
( exec nonexistent_cmd_xyz ); echo "exec missing -> $?"
( shift 3 ); echo "shift too much -> $?"
( read -Z x ) </dev/null; echo "read bad option -> $?"
f() { nonexistent_in_function_xyz; echo "function continues -> $?"; }
f
echo "last line of script"
nonexistent_cmd_xyz
