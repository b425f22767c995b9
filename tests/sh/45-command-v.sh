# command -v / whence / type for builtins, functions, aliases, keywords; command bypasses functions
for c in echo print read cd test [ true false kill wait trap eval exec typeset getopts; do
	echo "command -v $c: $(command -v $c)"
done
f() { echo "function f"; }
echo "command -v f: $(command -v f)"
alias ll='echo alias-ll'
echo "command -v ll: $(command -v ll)"
echo "command -v if: $(command -v if)"
echo "command -v while: $(command -v while)"
command -v nonexistent_cmd_xyz; echo "command -v missing -> $?"
echo "whence echo: $(whence echo)"
echo "whence -v echo: $(whence -v echo)"
echo "whence -v f: $(whence -v f)"
echo "whence -v trap: $(whence -v trap)"
echo "type if: $(type if)"
echo "type f: $(type f 2>&1 | { read -r l; echo "$l"; })"
echo() { print "wrapped echo: $*"; }
echo "via function"
command echo "command echo bypasses the function"
unset -f echo
echo "function removed"
builtin echo "builtin echo works"
cd() { print "cd function called with $1"; }
cd /
command cd / && echo "command cd ran the builtin, PWD=$PWD"
unset -f cd
command -V nonexistent_cmd_xyz 2>&1 | { read -r l; case $l in *"not found"*) echo "command -V missing: not found message";; *) echo "unexpected: $l";; esac; }
