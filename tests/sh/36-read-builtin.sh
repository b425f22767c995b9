# read builtin: from pipes and here-docs, IFS splitting, -r, backslash continuation, -A arrays, EOF status
print "alpha beta gamma delta" | { read a b rest; echo "a=$a b=$b rest=$rest"; }
read x y <<EOF
  leading and   spaced   words
EOF
echo "x=[$x] y=[$y]"
IFS=: read u v w <<EOF
one:two:three:four
EOF
echo "IFS=: -> u=$u v=$v w=$w"
IFS= read -r raw <<'EOF'
  keep  spaces \and backslash  
EOF
print -r -- "raw=[$raw]"
read cooked <<'EOF'
back\slash and line \
continuation
EOF
print -r -- "cooked=[$cooked]"
read -r notcont <<'EOF'
no \
continuation
EOF
print -r -- "-r=[$notcont]"
print "l1\nl2\nl3" | while read -r line; do echo "loop got $line"; done
echo -n "no trailing newline" | { read -r t; echo "status $? value [$t]"; }
read nothing </dev/null; echo "EOF status: $? value [${nothing}]"
print "1 2 3\n4 5 6" | { read -A arr; echo "array ${#arr[*]}: ${arr[2]}"; read -A arr; echo "next line: ${arr[*]}"; }
print "onlyone" | { read p q; echo "p=$p q=[$q]"; }
read <<EOF
into REPLY
EOF
echo "REPLY=[$REPLY]"
print ",a,,b," | { IFS=, read -A parts; echo "${#parts[*]} fields: [${parts[0]}] [${parts[1]}] [${parts[2]}] [${parts[3]}]"; }
{ read -r l1; read -r l2; } <<EOF
first
second
EOF
echo "group read: $l1 / $l2"
read -u3 fromfd 3<<EOF
via read -u3
EOF
echo "$fromfd"
print "abcdefgh" | { read -n 3 part; echo "read -n 3: $part"; }
print "x:y" | { read -d : tok; echo "read -d : -> $tok"; }
