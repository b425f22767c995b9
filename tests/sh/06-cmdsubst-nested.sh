# command substitution: nested $( $( ) ), backquotes, quoting and escaping inside them
a=$(echo outer $(echo middle $(echo inner)))
echo "$a"
b=`echo back \`echo quoted\``
echo "$b"
c=$(echo $(echo `echo mixed`) "$(echo 'single quoted $HOME')")
echo "$c"
d="$(echo "$(echo "$(echo "deep  spaces   kept")")")"
echo "$d"
e=$(echo $(echo "deep  spaces   split"))
echo "$e"
x=value
f=$(x=changed; echo "inner x=$x")
echo "$f, outer x=$x"
g=$(echo ')' ; echo "(" )
echo "parens: $g"
h=$(case x in x) echo "case in subst";; esac)
echo "$h"
n=$(echo $(( $(echo 6) * $(echo 7) )))
echo "arith of substs: $n"
i=`print -r -- "a\\\\b"`
print -r -- "backquote backslashes: $i"
j=$(print -r -- 'a\\b')
print -r -- "dollar-paren backslashes: $j"
k=$( : )
echo "empty subst: [$k]"
l=$(echo one; echo two)
echo "multi-line: [$l]"
m=$(echo "trailing newlines


")
echo "stripped: [$m]"
o=$(echo $(echo $(echo $(echo $(echo $(echo six levels))))))
echo "$o"
set -- $(echo p1 p2 p3)
echo "positional from subst: $# $2"
