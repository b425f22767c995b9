# here-documents: quoted vs unquoted delimiters, expansion, multiple heredocs, redirection to fds
name=world
n=3
cat_() { while IFS= read -r l; do print -r -- "$l"; done; }
cat_ <<EOF2
Hello $name, n+1=$((n+1)), subst=$(echo sub)
backslash-dollar: \$name, backtick: `echo bt`
  leading spaces kept
EOF2
cat_ <<'EOF2'
quoted: $name $((n+1)) $(echo no) `echo no`
EOF2
cat_ <<"EOF2"
double-quoted delimiter: $name
EOF2
cat_ <<\EOF2
backslash delimiter: $name \n
EOF2
# two heredocs on one command line
{ cat_; cat_ <&3; } <<A 3<<B
from A
A
from B
B
# heredoc to another fd
while read -r l <&4; do echo "fd4: $l"; done 4<<X
one
two
X
# heredoc to a builtin read
read a b c <<END
x y z w
END
echo "a=$a b=$b c=$c"
# empty heredoc
cat_ <<END
END
echo "empty heredoc ok"
# heredoc whose body contains the delimiter as a substring
cat_ <<END
END not at start
 END
END
