# print and echo builtins: escapes, -n, -r, -R, --, -u fd, multiple args, special characters
echo plain words   separated
echo "quoted   spacing kept"
echo -n "no newline;"; echo " continued"
echo "escapes: a\tb|c\\d"
print "print escapes: x\ty\nnext line"
print -r "print -r raw: x\ty"
print -R "-R keeps dashes: -n -e"
print -- "-n after --"
print -n "print -n;"; print " done"
print "\0101 octal escape via print: A expected"
print "stop here\c this is cut"
echo
print
echo "" ""
print -u2 "print -u2 goes to stderr"
echo "echo >&2 goes to stderr" >&2
exec 3>&1
print -u3 "print -u3 to dup of stdout"
exec 3>&-
set -- "a  b" c
echo $*
echo "$*"
echo "$@"
IFS=:; echo "IFS join: $*"; unset IFS
print -r -- '$HOME `cmd` $(x) "dq" '"'"'sq'"'"
echo '*' "*" "glob-free: ?"
x="with
newline"
echo "$x"
print -r -- "backslash at end \\"
echo -e "echo -e: \x41\x42" 2>/dev/null
echo "-x is printed as text"
print -n; print "(empty print -n printed nothing)"
