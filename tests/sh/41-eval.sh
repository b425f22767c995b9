# eval: building commands, indirect variables, quoting, syntax errors in eval (message on stderr)
cmd='echo "eval ran: $((2 + 3))"'
eval "$cmd"
name=target; eval "$name=value"; echo "indirect assignment: target=$target"
eval "echo indirect read: \$$name"
i=0; while [ $i -lt 3 ]; do eval "var$i=$((i * 10))"; i=$((i + 1)); done
echo "generated vars: $var0 $var1 $var2"
eval 'f() { echo "function defined by eval: $1"; }'
f arg
eval "x=1; y=2; echo sum \$((x + y))"
eval 'for i in a b; do echo "loop in eval: $i"; done'
eval "false"; echo "status of eval false: $?"
eval ""; echo "status of empty eval: $?"
eval "( exit 7 )"; echo "status of eval subshell: $?"
q="it's \"quoted\""
eval "r=\"\$q\""; echo "quoting survives: $r"
eval 'echo "multi"
echo "line"'
echo "syntax error in eval (in a subshell):"
( eval 'if then fi'; echo "not reached" ); echo "status $?"
( eval 'echo "unterminated'; echo "not reached" ); echo "status $?"
( eval 'for do done' ); echo "status $?"
eval 'nonexistent_cmd_xyz'; echo "not found inside eval: $?"
v=$(eval 'echo from eval in subst'); echo "$v"
eval "set -- p q r"; echo "eval set positionals: $# $2"
eval 'exit 4'
echo "not reached"
