# command substitutions holding pipelines, 300 times: the words of the substituted command must survive every fork
i=0
while [ $i -lt 300 ]; do
  x=$(echo "abc$i")
  [ "$x" = "abc$i" ] || print -r -- "BAD1 <$x>"
  y=$(print "p\nq\nr" | while read -r l; do print -r -- "$l"; done | { read a; read b; read c; echo "$a$b$c"; })
  [ "$y" = "pqr" ] || print -r -- "BAD2 <$y>"
  i=$((i+1))
done
echo "done $i"
